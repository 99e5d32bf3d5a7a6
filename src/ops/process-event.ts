/**
 * Processing one queued request: deploy an artifact by policy, release it on request, roll back,
 * delete, or clean up after a deleted branch; then refresh the history mirror and wake Flux.
 *
 * Crash-safe: each write first checks whether the app already holds this event's release (its id
 * is in release.json), so a retried event neither loses nor duplicates a commit, and progress is
 * recorded after each app. A row that cannot be decoded ends as `error` with the reason.
 */
import { UnavailableError, UserError } from "../core/errors.ts";
import { commitMessages, type Release } from "../core/gitops/index.ts";
import type { Manifest } from "../core/manifest/index.ts";
import { decodeArtifact, decodeRequest, type QueueRequest, type QueueResult } from "../core/queue.ts";
import { artifactVars, cleanupTrigger, deployTrigger, type Artifact } from "../core/release/index.ts";
import type { GitopsRepo, WriteResult } from "../git/index.ts";
import type { EventRecord } from "../store/index.ts";
import { nowOf, type OpsDeps } from "./deps.ts";
import { wakeFlux } from "./flux-receiver.ts";
import { mirrorReleases } from "./history.ts";
import { RenderAbortedError, type ManifestRenderer } from "./render.ts";
import { recordStep } from "./release-steps.ts";

/** Claims of one event after which it is given up on (each claim past the first follows a crash). */
export const maxAttempts = 3;

export interface ProcessDeps extends OpsDeps {
  renderer: ManifestRenderer;
  /** Outbound HTTP (Flux's receiver); tests pass their own. */
  fetch?: typeof fetch;
}

export interface ProcessOptions {
  /** True once the transport is stopping: a render cut short then leaves the event to the next start. */
  stopping?: () => boolean;
}

/** The claim on an event ran out and another worker took it: this one's result must not be written. */
export class LeaseLostError extends Error {
  constructor(readonly eventId: string) {
    super(`the queue lease of event ${eventId} was lost to another worker`);
  }
}

/**
 * Processes a claimed row to its end state and returns it as stored, or undefined when stopping
 * cut it short (it stays `processing` and is taken again at the next start) or the lease was lost
 * (another worker has the event now; nothing of this run's result is written).
 */
export async function processEvent(
  d: ProcessDeps,
  e: EventRecord,
  o: ProcessOptions = {},
): Promise<EventRecord | undefined> {
  const finish = async (...a: [status: "processed" | "error", desc: string, hashes: string[], results: unknown[]]) => {
    if (await d.store.finishEvent(e, ...a)) return true;
    d.log?.("queue lease lost: result not written", { id: e.id, type: e.type, owner: e.leaseOwner });
    return false;
  };
  if (e.attempts > maxAttempts) {
    const why = `given up after ${maxAttempts} attempts: the server stopped or crashed while processing this event each time`;
    if (
      !(await finish("error", e.statusDesc ? `${why} (last error: ${e.statusDesc})` : why, e.gitopsHashes, e.results))
    )
      return undefined;
    d.log?.("event given up", { id: e.id, type: e.type, attempts: e.attempts - 1 });
    return d.store.event(e.id);
  }
  let results: QueueResult[] = [];
  try {
    const request = decodeRequest(e.type, e.blob);
    results = await run(d, e, request);
    const hashes = results.filter((r) => r.hash).map((r) => r.hash);
    const failed = results.filter((r) => r.status === "failure");
    const desc = failed.map((r) => `${r.env}/${r.app}: ${r.statusDesc}`).join("; ");
    if (!(await finish(failed.length ? "error" : "processed", desc, hashes, results))) return undefined;
  } catch (err) {
    if (err instanceof RenderAbortedError && o.stopping?.()) return undefined;
    // The database went away mid-event: not this event's fault. Its lease runs out and it is taken
    // again (one more attempt) once the database is back, instead of ending as an error now.
    if (err instanceof UnavailableError) throw err;
    const msg = (err as Error).message;
    if (!(await finish("error", msg, e.gitopsHashes, e.results))) return undefined;
    d.log?.("event failed", { id: e.id, type: e.type, error: msg });
  }
  const done = (await d.store.event(e.id))!;
  const written = (done.results as QueueResult[]).filter((r) => r.hash);
  await refreshMirrors(d, written, e.type === "rollback");
  await wakeFlux(d, new Set(written.map((r) => r.env)));
  return done;
}

async function run(d: ProcessDeps, e: EventRecord, r: QueueRequest): Promise<QueueResult[]> {
  switch (r.type) {
    case "artifact":
      return deploy(d, e, r.artifact, (m) => deployTrigger(r.artifact, m.deploy), "policy");
    case "release": {
      const art = await d.store.artifactEvent(r.artifactId);
      if (!art) throw new UserError(`artifact ${r.artifactId} not found`);
      const artifact = decodeArtifact(art.blob);
      return deploy(d, e, artifact, (m) => m.env === r.env && (!r.app || m.app === r.app), r.triggeredBy);
    }
    case "rollback":
      return rollback(d, e, r);
    case "delete":
      return remove(d, e, r);
    case "branchDeleted":
      return cleanup(d, r.repository, r.branch);
  }
}

async function repoOf(d: OpsDeps, envName: string): Promise<{ g: GitopsRepo; repoPerEnv: boolean }> {
  const env = await d.store.env(envName);
  if (!env) throw new UserError(`environment ${JSON.stringify(envName)} does not exist`, { hint: "gimlet env create" });
  return { g: await d.repos.get(env), repoPerEnv: env.repoPerEnv };
}

/**
 * One env's check-and-write, with other replicas' writes to its repo kept out: so a replica that
 * takes over an event sees what the previous owner wrote before it looks (release.json's event id).
 */
function serialized<T>(d: OpsDeps, env: string, fn: () => Promise<T>): Promise<T> {
  return d.exclusive ? d.exclusive(`gitops:${env}`, fn) : fn();
}

/** A remote env's push time, the timeline's "pushed" step (a hosted repo serves a commit as it is made). */
async function recordPush(d: OpsDeps, eventId: string, env: string, app: string, w: WriteResult): Promise<void> {
  if (w.pushed && w.commits.length) await recordStep(d, { eventId, env, app, step: "pushed", at: nowOf(d) });
}

async function rollback(
  d: OpsDeps,
  e: EventRecord,
  r: Extract<QueueRequest, { type: "rollback" }>,
): Promise<QueueResult[]> {
  return serialized(d, r.env, async () => {
    const { g, repoPerEnv } = await repoOf(d, r.env);
    const w = await g.rollback({ env: r.env, app: r.app, to: r.targetSHA, repoPerEnv });
    await recordPush(d, e.id, r.env, r.app, w);
    return w.commits.map((hash) => ({ app: r.app, env: r.env, hash, status: "success", statusDesc: "" }));
  });
}

async function remove(
  d: OpsDeps,
  e: EventRecord,
  r: Extract<QueueRequest, { type: "delete" }>,
): Promise<QueueResult[]> {
  return serialized(d, r.env, async () => {
    const { g, repoPerEnv } = await repoOf(d, r.env);
    const w = await g.deleteApp(
      { env: r.env, repoPerEnv },
      r.app,
      commitMessages.serverDelete(r.env, r.app, r.triggeredBy),
    );
    await recordPush(d, e.id, r.env, r.app, w);
    const hash = w.commits[0] ?? "";
    return [{ app: r.app, env: r.env, hash, status: "success", statusDesc: w.commits.length ? "" : "already deleted" }];
  });
}

const describe = (err: unknown) =>
  err instanceof UserError ? err.describe() : err instanceof Error ? err.message : String(err);

/** Renders and writes every manifest of the artifact that `select` picks. */
async function deploy(
  d: ProcessDeps,
  e: EventRecord,
  artifact: Artifact,
  select: (m: Manifest) => boolean,
  triggeredBy: string,
) {
  const vars = artifactVars(artifact);
  const results: QueueResult[] = [];
  for (const raw of artifact.environments) {
    let loaded;
    try {
      loaded = await d.renderer.load({ objects: [raw], file: manifestName(artifact.id, raw), vars, render: true });
    } catch (err) {
      if (err instanceof RenderAbortedError) throw err;
      results.push({
        app: String(raw.app ?? ""),
        env: String(raw.env ?? ""),
        hash: "",
        status: "failure",
        statusDesc: describe(err),
      });
      continue;
    }
    for (const l of loaded) {
      const m = l.manifest;
      if (!select(m)) continue;
      try {
        const r = await serialized(d, m.env, async (): Promise<QueueResult> => {
          const { g, repoPerEnv } = await repoOf(d, m.env);
          const status = await g.status({ env: m.env, repoPerEnv, app: m.app });
          if (status[m.app]?.eventId === e.id) {
            // Written before a crash: the commit exists, do not write it again.
            const hash = (await g.head()) ?? "";
            return { app: m.app, env: m.env, hash, status: "success", statusDesc: "already written" };
          }
          // Replicas run events side by side: a later event of this app may have been written first
          // (or this one is retaken after it). The later one stands, as if processed in queue order.
          const current = status[m.app]?.eventId;
          const later = current ? await d.store.event(current) : undefined;
          if (later && later.seq > e.seq) {
            return {
              app: m.app,
              env: m.env,
              hash: "",
              status: "success",
              statusDesc: `superseded by the later event ${current}`,
            };
          }
          if (l.error !== undefined) throw new UserError(l.error);
          const release: Release = {
            app: m.app,
            env: m.env,
            artifactId: artifact.id,
            triggeredBy,
            version: artifact.version,
            gitopsRef: "",
            gitopsRepo: "",
            eventId: e.id,
          };
          const w = await g.writeRelease({ env: m.env, repoPerEnv }, m.app, l.files!, release);
          await recordPush(d, e.id, m.env, m.app, w);
          const statusDesc = w.commits.length ? "" : "nothing changed";
          return { app: m.app, env: m.env, hash: w.commits[0] ?? "", status: "success", statusDesc };
        });
        results.push(r);
      } catch (err) {
        if (err instanceof UnavailableError) throw err;
        results.push({ app: m.app, env: m.env, hash: "", status: "failure", statusDesc: describe(err) });
      }
      // A lost lease stops the run here: the event's new owner redoes it (idempotently).
      if (
        !(await d.store.recordProgress(
          e,
          results.filter((r) => r.hash).map((r) => r.hash),
          results,
        ))
      )
        throw new LeaseLostError(e.id);
    }
  }
  return results;
}

/** Deletes the preview apps whose cleanup policy matches a deleted branch. */
async function cleanup(d: ProcessDeps, repository: string, branch: string): Promise<QueueResult[]> {
  const results: QueueResult[] = [];
  for (const a of await d.store.artifacts({ repository, branch, limit: 1 })) {
    const artifact = decodeArtifact(a.blob);
    const vars = { ...artifactVars(artifact), BRANCH: branch };
    for (const raw of artifact.environments) {
      const loaded = await d.renderer.load({
        objects: [raw],
        file: manifestName(artifact.id, raw),
        vars,
        missingKey: "zero",
        render: false,
      });
      for (const l of loaded) {
        const c = l.manifest.cleanup;
        if (!cleanupTrigger(branch, c)) continue;
        const env = l.manifest.env;
        const w = await serialized(d, env, async () => {
          const { g, repoPerEnv } = await repoOf(d, env);
          return g.deleteApp({ env, repoPerEnv }, c!.app, commitMessages.serverDelete(env, c!.app, "policy"));
        });
        results.push({
          app: c!.app,
          env,
          hash: w.commits[0] ?? "",
          status: "success",
          statusDesc: w.commits.length ? "" : "already deleted",
        });
      }
    }
  }
  return results;
}

/** Refreshes the history mirror of every env the event wrote to; a failure is logged, not fatal. */
async function refreshMirrors(d: OpsDeps, written: QueueResult[], rollback: boolean): Promise<void> {
  for (const name of new Set(written.map((r) => r.env))) {
    const env = await d.store.env(name);
    if (!env) continue;
    try {
      const commits = written.filter((r) => r.env === name).length;
      await mirrorReleases(d, env, await d.repos.get(env), { limit: rollback ? 500 : commits + 5 });
    } catch (err) {
      d.log?.("history mirror refresh failed", { env: name, error: (err as Error).message });
    }
  }
}

/** How errors name an artifact's manifest: the artifact, and the env/app it declares (before templating). */
export function manifestName(artifactId: string, raw: Record<string, unknown>): string {
  const what = [raw.env, raw.app].filter((x) => typeof x === "string" && x && !x.includes("{{")).join("/");
  return `artifact ${artifactId}${what ? ` (manifest ${what})` : ""}`;
}
