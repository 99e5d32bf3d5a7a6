/**
 * The delivery timeline of each release a history page shows: the steps `releaseTimeline` reports
 * (timeline.ts `stepsOf`, one rule), from the same records, read in bulk for the page — one query
 * for the requests and artifacts, one for the recorded steps — and no git walk: a history entry's
 * time is its gitops commit's time.
 */
import type { OpsDeps } from "./deps.ts";
import { fluxAppliedKey } from "./flux-status.ts";
import type { HistoryEntry } from "./releases.ts";
import { stepsOf, type TimelineStep } from "./timeline.ts";

const text = (v: unknown) => (typeof v === "string" ? v : "");

/** Steps of each of `entries` (one env's history), by gitops commit. */
export async function deliverySteps(
  d: Pick<OpsDeps, "store">,
  env: string,
  entries: HistoryEntry[],
): Promise<Map<string, TimelineStep[]>> {
  const out = new Map<string, TimelineStep[]>();
  if (!entries.length) return out;
  const eventIds = entries.map((h) => text(h.eventId)).filter(Boolean);
  const artifactIds = entries.map((h) => text(h.artifactId)).filter(Boolean);
  const [e, events, recorded] = await Promise.all([
    d.store.env(env),
    d.store.eventsOf(eventIds, artifactIds),
    d.store.releaseStepsOf([...eventIds, ...entries.map((h) => fluxAppliedKey(h.gitopsRef))]),
  ]);
  const at = (eventId: string, app: string, name: string) =>
    recorded.find((s) => s.eventId === eventId && s.env === env && s.app === app && s.step === name)?.at;
  for (const h of entries) {
    const ev = events.byId.get(text(h.eventId));
    const app = text(h.app);
    const applied = recorded.find((s) => s.eventId === fluxAppliedKey(h.gitopsRef) && s.step === "flux applied");
    const steps = stepsOf({
      type: ev?.type ?? "",
      requested: ev?.created,
      // A rollback names no artifact (as its timeline shows none).
      artifact: ev?.type === "rollback" ? undefined : events.byArtifact.get(text(h.artifactId)),
      hash: h.gitopsRef,
      commitTime: h.created,
      builtin: !!e?.builtin,
      pushed: ev ? at(ev.id, app, "pushed") : undefined,
      flux: h.gitopsCommitStatus ? { status: h.gitopsCommitStatus, statusDesc: h.gitopsCommitStatusDesc } : undefined,
      applied: applied?.at,
      rollout: ev ? at(ev.id, app, "rollout complete") : undefined,
      rolloutFailed: ev ? at(ev.id, app, "rollout failed") : undefined,
    });
    out.set(h.gitopsRef, steps);
  }
  return out;
}
