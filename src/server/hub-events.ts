/** Builds hub events from what the routes and the worker have at hand, so each publish is one line. */
import type {
  ArtifactReceived,
  EnvCreated,
  ReleaseFinished,
  ReleaseQueued,
  RequestKind,
  RequestResult,
  Target,
} from "../core/events.ts";
import { isPlainObject } from "../core/k8s.ts";
import { requestTargets, type QueueRequest } from "../core/queue.ts";
import type { Artifact } from "../core/release/index.ts";
import { commitTargets } from "../ops/index.ts";

/** The env/app pairs an artifact's manifests name literally (templated names are only known once rendered). */
export function artifactTargets(artifact: { environments?: unknown[] }): Target[] {
  const out: Target[] = [];
  for (const m of artifact.environments ?? []) {
    if (!isPlainObject(m) || typeof m.env !== "string" || m.env.includes("{{")) continue;
    out.push(typeof m.app === "string" && !m.app.includes("{{") ? { env: m.env, app: m.app } : { env: m.env });
  }
  return out;
}

export function queued(
  eventId: string,
  kind: RequestKind,
  targets: Target[],
  extra: { artifactId?: string; triggeredBy?: string } = {},
): ReleaseQueued {
  return { type: "release.queued", eventId, kind, targets, ...extra };
}

/** The hub event of a request just queued. */
export function queuedEvent(eventId: string, r: QueueRequest): ReleaseQueued {
  if (r.type === "artifact") return queued(eventId, r.type, requestTargets(r), { artifactId: r.artifact.id });
  if (r.type === "branchDeleted") return queued(eventId, r.type, []);
  return queued(eventId, r.type, requestTargets(r), { triggeredBy: r.triggeredBy });
}

/** A stored artifact: its envs resolved as the repository page shows them (templated names rendered). */
export function artifactReceived(a: Artifact): ArtifactReceived {
  const envs = [...new Set(commitTargets(a, new Set()).map((t) => t.env))];
  return {
    type: "artifact.received",
    artifactId: a.id,
    repo: a.version.repositoryName,
    branch: a.version.branch ?? "",
    envs,
  };
}

/** The fields of a finished queue row this needs (the store's EventRecord has them all). */
export interface FinishedRow {
  id: string;
  type: string;
  status: string;
  statusDesc: string;
  artifactId?: string;
  gitopsHashes: string[];
  results: unknown[];
}

export function finished(e: FinishedRow): ReleaseFinished {
  const results = (e.results as Partial<RequestResult>[]).filter(isPlainObject).map((r) => ({
    app: String(r.app ?? ""),
    env: String(r.env ?? ""),
    hash: String(r.hash ?? ""),
    status: String(r.status ?? ""),
    statusDesc: String(r.statusDesc ?? ""),
  }));
  const seen = new Set<string>();
  const targets: Target[] = [];
  for (const r of results) {
    if (!r.env || seen.has(`${r.env}/${r.app}`)) continue;
    seen.add(`${r.env}/${r.app}`);
    targets.push({ env: r.env, app: r.app });
  }
  const failed = e.status === "error";
  return {
    type: failed ? "release.failed" : "release.processed",
    eventId: e.id,
    kind: e.type as RequestKind,
    ...(e.type === "artifact" && e.artifactId ? { artifactId: e.artifactId } : {}),
    targets,
    status: failed ? "error" : "processed",
    statusDesc: e.statusDesc,
    gitopsHashes: e.gitopsHashes,
    results,
  };
}

/** For whatever creates envs through the server (POST /api/envs, bootstrap): one line to publish. */
export function envCreated(e: { name: string; builtin: boolean }): EnvCreated {
  return { type: "env.created", env: e.name, builtin: e.builtin };
}
