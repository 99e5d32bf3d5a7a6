/**
 * Pushing and listing artifacts (reference §2.2, §2.4).
 *
 * A CI retry after a lost reply must not deploy twice: an idempotency key gets the first response
 * back for a day (nothing queued again), and without one an artifact identical to one stored for the
 * same repo and sha within `retention.artifactDigests` is answered with the stored artifact instead
 * of being queued again.
 */
import { createHash } from "node:crypto";
import { ConflictError } from "../core/errors.ts";
import { decodeArtifact } from "../core/queue.ts";
import type { Artifact } from "../core/release/index.ts";
import type { ArtifactFilter } from "../store/index.ts";
import { nowOf, type OpsDeps } from "./deps.ts";
import { row } from "./queue.ts";

/** What idempotency keys are recorded under. */
const route = "POST /api/artifact";

/** JSON with object keys sorted, so the same artifact always hashes the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

export interface PushArtifactInput {
  /** Who pushes: idempotency keys are theirs alone. */
  userId: number;
  artifact: Omit<Artifact, "id" | "created">;
  idempotencyKey?: string;
}

export interface PushArtifactResult {
  /** True when an earlier response is returned and nothing was queued. */
  replayed: boolean;
  status: 200 | 201;
  /** The stored artifact as JSON (byte for byte what was answered the first time). */
  body: string;
  /** The queued event, when one was queued. */
  eventId?: string;
}

export async function pushArtifact(d: OpsDeps, input: PushArtifactInput): Promise<PushArtifactResult> {
  const { userId, idempotencyKey: key, artifact: parsed } = input;
  const digest = createHash("sha256").update(canonical(parsed)).digest("hex");
  const eventId = crypto.randomUUID();
  let queued: Artifact | undefined;
  const outcome = await d.store.transaction(async (tx): Promise<PushArtifactResult> => {
    if (key) {
      const prior = await tx.requests.response(userId, route, key);
      if (prior && prior.requestHash !== digest) {
        throw new ConflictError(`Idempotency-Key ${JSON.stringify(key)} was already used for a different artifact`, {
          hint: "use a new key for a new artifact",
        });
      }
      if (prior) return { replayed: true, status: prior.status === 201 ? 201 : 200, body: prior.body };
    }
    const earlier = await tx.requests.recentArtifact(digest);
    const stored = earlier ? await tx.artifactEvent(earlier) : undefined;
    if (stored) {
      if (key)
        await tx.requests.recordResponse(userId, route, key, { requestHash: digest, status: 200, body: stored.blob });
      return { replayed: true, status: 200, body: stored.blob };
    }
    const artifact: Artifact = {
      ...parsed,
      id: `${parsed.version.repositoryName}-${crypto.randomUUID()}`,
      created: nowOf(d),
    };
    const r = row(eventId, { type: "artifact", artifact });
    await tx.insertEvent(r);
    await tx.requests.recordArtifact(digest, artifact.id);
    if (key) await tx.requests.recordResponse(userId, route, key, { requestHash: digest, status: 201, body: r.blob });
    queued = artifact;
    return { replayed: false, status: 201, body: r.blob, eventId };
  });
  if (queued) d.onQueued?.(eventId, { type: "artifact", artifact: queued });
  return outcome;
}

export async function listArtifacts(d: OpsDeps, filter: ArtifactFilter): Promise<Artifact[]> {
  return (await d.store.artifacts(filter)).map((r) => decodeArtifact(r.blob));
}
