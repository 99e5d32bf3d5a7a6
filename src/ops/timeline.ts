/**
 * Where the time of a release went: each step with the time it happened (unix seconds) and the
 * seconds since the step before. Only what is recorded is reported; a step without a record says
 * so (`recorded: false`) rather than guessing.
 */
import { decodeArtifact, decodeRequest, type QueueResult } from "../core/queue.ts";
import type { OpsDeps } from "./deps.ts";
import { queuedRequest } from "./queue.ts";
import type { Visible } from "./tracking.ts";

export interface TimelineStep {
  step: string;
  /** Unix seconds; absent when not recorded. */
  at?: number;
  /** Seconds since the previous step that has a time. */
  took?: number;
  recorded: boolean;
  note?: string;
}

export interface Timeline {
  id: string;
  type: string;
  status: string;
  /** Per app the request wrote: its own steps after the common ones. */
  results: { env: string; app: string; hash: string; steps: TimelineStep[] }[];
}

const step = (name: string, at: number | undefined, note?: string): TimelineStep => ({
  step: name,
  ...(at ? { at } : {}),
  recorded: !!at,
  ...(note ? { note } : {}),
});

/** `took` of each recorded step: the seconds since the one before it that has a time. */
function withDurations(steps: TimelineStep[]): TimelineStep[] {
  let last: number | undefined;
  return steps.map((s) => {
    if (s.at === undefined) return s;
    const out = last === undefined ? s : { ...s, took: s.at - last };
    last = s.at;
    return out;
  });
}

export async function releaseTimeline(d: OpsDeps, id: string, visible?: Visible): Promise<Timeline> {
  const ev = await queuedRequest(d, id);
  const common: TimelineStep[] = [];
  const artifactId =
    ev.type === "artifact"
      ? ev.id
      : ev.type === "release"
        ? (decodeRequest(ev.type, ev.blob) as { artifactId: string }).artifactId
        : "";
  const art = artifactId ? (ev.type === "artifact" ? ev : await d.store.artifactEvent(artifactId)) : undefined;
  if (art) {
    const created = decodeArtifact(art.blob).version.created;
    common.push(step("artifact created", created, "the CI commit's time"), step("artifact received", art.created));
  }
  common.push(
    step(
      ev.type === "rollback"
        ? "rollback requested"
        : ev.type === "artifact"
          ? "deploy policy matched"
          : "release requested",
      ev.created,
    ),
  );
  const results: Timeline["results"] = [];
  for (const r of ev.results as QueueResult[]) {
    if (visible && !visible(r.env)) continue;
    const steps = [...common];
    const env = await d.store.env(r.env);
    let commitTime: number | undefined;
    if (r.hash && env) {
      const g = await d.repos.get(env);
      await g.index.update(await g.head());
      commitTime = g.index.commits.get(r.hash)?.time;
    }
    steps.push(step("gitops commit made", commitTime, r.hash ? undefined : r.statusDesc || r.status));
    steps.push(
      env?.builtin
        ? step("pushed", commitTime, "hosted by gimlet: the commit is served as made")
        : step("pushed", undefined, "push times are not recorded"),
    );
    const fc = r.hash ? await d.store.gitopsCommit(r.hash) : undefined;
    steps.push(step("Flux reported", fc?.created, fc ? `first report; now ${fc.status}` : "no Flux event yet"));
    steps.push(step("rollout complete", undefined, "needs the agent's rollout state, not recorded yet"));
    results.push({ env: r.env, app: r.app, hash: r.hash, steps: withDurations(steps) });
  }
  return { id: ev.id, type: ev.type, status: ev.status, results };
}
