/**
 * Where the time of a release went: each step with the time it happened (unix seconds) and the
 * seconds since the step before. Only what is recorded is reported; a step without a record says
 * so (`recorded: false`) rather than guessing.
 *
 * Steps: artifact created (the CI commit's time), artifact received (pushed to gimlet), release
 * requested (or the deploy policy matched, or a rollback requested), gitops commit made (the commit's
 * time), pushed (a remote env: when the push succeeded, recorded by process-event; a hosted env serves
 * the commit as made), Flux applied (its first word that the commit is applied: flux-status.ts; not
 * its first event, which may be a Progressing before anything is applied), rollout complete (the first
 * agent state showing the app's workload on the release, every replica updated and available:
 * rollout-watch.ts).
 */
import { fluxLabelOf } from "../core/flux/verdict.ts";
import { decodeArtifact, decodeRequest, type QueueResult } from "../core/queue.ts";
import type { EventRecord } from "../store/index.ts";
import type { OpsDeps } from "./deps.ts";
import { fluxAppliedAt } from "./flux-status.ts";
import { queuedRequest } from "./queue.ts";
import type { Visible } from "./tracking.ts";
import type { Timeline, TimelineStep } from "../core/release/index.ts";

export type { Timeline, TimelineStep };

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

/** What is recorded about one app of one request: the inputs of its steps (all times unix seconds). */
export interface StepRecords {
  /** The request's type (release, rollback, artifact: a policy deploy); "" when the request is not stored. */
  type: string;
  requested?: number;
  /** The artifact's event, when the request names one. */
  artifact?: EventRecord;
  hash: string;
  /** Why no commit was made (the result's status), when none was. */
  noCommit?: string;
  commitTime?: number;
  /** A hosted env serves the commit as made; a remote one has a recorded push. */
  builtin: boolean;
  pushed?: number;
  /** Flux's last word on the commit, and when it first said applied. */
  flux?: { status: string; statusDesc: string };
  applied?: number;
  rollout?: number;
  /** When the rollout was recorded failed (a later complete one still wins). */
  rolloutFailed?: number;
}

/** The one rule that turns records into steps: the API's timeline and the dashboard's both call it. */
export function stepsOf(r: StepRecords): TimelineStep[] {
  const steps: TimelineStep[] = [];
  if (r.artifact) {
    const created = decodeArtifact(r.artifact.blob).version.created;
    steps.push(
      step("artifact created", created, created ? "the CI commit's time" : "the artifact gives no commit time"),
      step("artifact received", r.artifact.created),
    );
  }
  steps.push(
    step(
      r.type === "rollback"
        ? "rollback requested"
        : r.type === "artifact"
          ? "deploy policy matched"
          : "release requested",
      r.requested,
      r.type ? undefined : "the request is not stored",
    ),
  );
  steps.push(step("gitops commit made", r.commitTime, r.hash ? undefined : r.noCommit));
  steps.push(
    r.builtin
      ? step("pushed", r.commitTime, "hosted by gimlet: the commit is served as made")
      : step("pushed", r.pushed, r.pushed ? "pushed to the env's gitops remote" : "no push recorded"),
  );
  const fc = r.flux;
  const word = fc ? fluxLabelOf(fc.status, fc.statusDesc) : "";
  steps.push(
    step(
      "Flux applied",
      r.applied,
      !fc
        ? "no Flux event yet"
        : r.applied
          ? `now ${word}`
          : `not applied yet; Flux says ${word}${fc.statusDesc ? `: ${fc.statusDesc}` : ""}`,
    ),
  );
  if (!r.rollout && r.rolloutFailed) {
    const when = new Date(r.rolloutFailed * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    steps.push({ ...step("rollout complete", undefined, `the rollout failed at ${when}`), failedAt: r.rolloutFailed });
  } else {
    steps.push(
      step(
        "rollout complete",
        r.rollout,
        r.rollout ? "the agent reported every replica updated and available" : "the agent has not reported it",
      ),
    );
  }
  return withDurations(steps);
}

export async function releaseTimeline(d: OpsDeps, id: string, visible?: Visible): Promise<Timeline> {
  // An artifact's id (what `artifact push` prints) names the request its policy deploy queued.
  const ev = (await d.store.event(id)) ?? (await d.store.artifactEvent(id)) ?? (await queuedRequest(d, id));
  const artifactId =
    ev.type === "artifact"
      ? ev.id
      : ev.type === "release"
        ? (decodeRequest(ev.type, ev.blob) as { artifactId: string }).artifactId
        : "";
  const art = artifactId ? (ev.type === "artifact" ? ev : await d.store.artifactEvent(artifactId)) : undefined;
  const results: Timeline["results"] = [];
  const recorded = await d.store.releaseSteps(ev.id);
  const stepAt = (r: QueueResult, name: string) =>
    recorded.find((s) => s.env === r.env && s.app === r.app && s.step === name)?.at;
  for (const r of ev.results as QueueResult[]) {
    if (visible && !visible(r.env)) continue;
    const env = await d.store.env(r.env);
    let commitTime: number | undefined;
    if (r.hash && env) {
      const g = await d.repos.get(env);
      await g.index.update(await g.head());
      commitTime = g.index.commits.get(r.hash)?.time;
    }
    const fc = r.hash ? await d.store.gitopsCommit(r.hash) : undefined;
    const steps = stepsOf({
      type: ev.type,
      requested: ev.created,
      artifact: art,
      hash: r.hash,
      noCommit: r.statusDesc || r.status,
      commitTime,
      builtin: !!env?.builtin,
      pushed: stepAt(r, "pushed"),
      flux: fc,
      applied: fc ? await fluxAppliedAt(d, r.hash) : undefined,
      rollout: stepAt(r, "rollout complete"),
      rolloutFailed: stepAt(r, "rollout failed"),
    });
    results.push({ env: r.env, app: r.app, hash: r.hash, steps });
  }
  return { id: ev.id, type: ev.type, status: ev.status, results };
}
