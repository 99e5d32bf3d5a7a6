/** Putting requests on the durable queue and reading them back, typed (core/queue.ts). */
import { NotFoundError } from "../core/errors.ts";
import { encodeRequest, type QueueRequest } from "../core/queue.ts";
import type { EventRecord, NewEvent } from "../store/index.ts";
import type { OpsDeps } from "./deps.ts";

/** Queues a request (with the columns artifact listings filter on) and tells whoever listens. */
export async function enqueue(d: OpsDeps, request: QueueRequest, id: string = crypto.randomUUID()): Promise<string> {
  await d.store.insertEvent(row(id, request));
  d.onQueued?.(id, request);
  return id;
}

/** The store row of a request: its encoding plus the columns listings filter on. */
export function row(id: string, request: QueueRequest): NewEvent {
  const { type, blob } = encodeRequest(request);
  if (request.type === "artifact") {
    const v = request.artifact.version;
    return {
      id,
      type,
      blob,
      repository: v.repositoryName,
      branch: v.branch ?? "",
      event: v.event,
      sourceBranch: v.sourceBranch ?? "",
      targetBranch: v.targetBranch ?? "",
      tag: v.tag ?? "",
      sha: v.sha,
      artifactId: request.artifact.id,
    };
  }
  if (request.type === "branchDeleted")
    return { id, type, blob, repository: request.repository, branch: request.branch };
  return { id, type, blob };
}

/** A queued request by id, or NotFoundError. */
export async function queuedRequest(d: OpsDeps, id: string): Promise<EventRecord> {
  const ev = await d.store.event(id);
  if (!ev) throw new NotFoundError(`no request with id ${id}`);
  return ev;
}

/**
 * Waits (bounded) for a request to be processed: what a synchronous delete answers with. Returns the
 * row as it stands at the deadline.
 */
export async function awaitRequest(d: OpsDeps, id: string, timeoutMs: number): Promise<EventRecord> {
  const deadline = Date.now() + timeoutMs;
  let ev = await queuedRequest(d, id);
  while (ev.status !== "processed" && ev.status !== "error" && Date.now() < deadline) {
    await Bun.sleep(20);
    ev = await queuedRequest(d, id);
  }
  return ev;
}
