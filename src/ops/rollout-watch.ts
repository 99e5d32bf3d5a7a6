/**
 * "Rollout complete" and "rollout failed" on a release's timeline, from the env's agent. Complete: the
 * time the agent first reported the app's workload running the release, all replicas updated and
 * available. Failed: the time the agent first reported, before the rollout completed, either the
 * workload on the release with its rollout status `failed` (Kubernetes gave up: ProgressDeadlineExceeded,
 * or a ReplicaFailure such as an exceeded quota), or the workload on the release and one of its pods
 * created since the release's gitops commit stuck (CrashLoopBackOff, ImagePullBackOff, ErrImagePull,
 * CreateContainerConfigError, InvalidImageName, init containers too) at least `stuckS` seconds
 * (default 300) after the pod was created — the agent reports no time a status began, and a pod of the
 * release that is still stuck that long after it started has not come up. Both are fed the hub's
 * `app.state` events (from this replica's agents and, bridged, from the others'); the store keeps the
 * first record of each step, so every replica may look and none moves a time already recorded. A
 * rollout recorded complete is never marked failed afterwards (a later crash is not the rollout's);
 * a failed one may still complete later (the timeline shows both).
 *
 * Which release: the app's newest release in the history mirror (the one Flux applies). What tells it
 * apart on the cluster: the workload's `gimlet.io/git-sha` (the chart writes the `gitSha` value) against
 * the artifact's sha, else the first container's image against the image the release wrote. A state
 * that also matches the release before it is no evidence of this one, and a release older than `maxAgeS`
 * is left alone (a rollout no server saw has no time to record).
 *
 * A rollback: its revert commits restore an earlier release.json, eventId and all, and the mirror marks
 * the releases it undid rolled back. When the app's newest releases are rolled back, the rollout is the
 * rollback request's (found by its queue results, `rollout-rollback.ts`, once per change of the newest
 * commits): recorded under its id, timed from its last revert commit, the release shown expected and the
 * newest release it undid as the one before. The restored release's own timeline is never written again.
 *
 * A redeploy (`release make` of the artifact already running): nothing new rolls out, and no agent state
 * can tell its rollout from the running one's, so its "rollout complete" stays unrecorded; only a redeploy
 * whose workload differs from the release before (another image for the same sha) is timed. The same holds
 * for a rollback to the version it rolls back from.
 */
import type { AppState } from "../core/agent/state.ts";
import type { HubEvent, ReleaseStepRecorded } from "../core/events.ts";
import { appDir, type Release } from "../core/gitops/index.ts";
import { isPlainObject } from "../core/k8s.ts";
import { parseYamlAll } from "../core/yaml.ts";
import { filesAt } from "../git/index.ts";
import { nowOf, type OpsDeps } from "./deps.ts";
import { recordStep } from "./release-steps.ts";
import { rollbackOf, type RollbackTarget } from "./rollout-rollback.ts";

/** What of a release the agent can see: the artifact's git sha and the image the release wrote. */
export interface Expected {
  sha?: string;
  image?: string;
}

/** Whether the reported workload finished rolling out: complete, every desired replica updated and available. */
export function rolloutDone(app: AppState): boolean {
  const w = app.workload;
  if (w?.rollout.status !== "complete") return false;
  return w.replicas.updated >= w.replicas.desired && w.replicas.available >= w.replicas.desired;
}

/** Pod statuses (core/agent/state.ts PodState.status) of containers that cannot start on their own. */
const stuckStatus =
  /^(Init:)?(CrashLoopBackOff|ImagePullBackOff|ErrImagePull|CreateContainerConfigError|InvalidImageName)$/;

/** Whether the state shows trouble worth a store read: a failed rollout or a stuck pod. */
export function troubled(app: AppState): boolean {
  return app.workload?.rollout.status === "failed" || app.pods.some((p) => stuckStatus.test(p.status));
}

/**
 * Why the rollout of a release committed at `releasedAt` failed, or undefined if the state does not
 * show it failed yet (see the module comment); `now` and the times are unix seconds.
 */
export function rolloutFailure(app: AppState, releasedAt: number, now: number, stuckS: number): string | undefined {
  const r = app.workload?.rollout;
  if (r?.status === "failed") return r.reason ?? "rollout failed";
  for (const p of app.pods) {
    const created = p.createdAt ? Math.floor(Date.parse(p.createdAt) / 1000) : NaN;
    if (stuckStatus.test(p.status) && created >= releasedAt && now - created >= stuckS)
      return `pod ${p.name} ${p.status} for ${now - created}s`;
  }
  return undefined;
}

/** A full sha and its abbreviation (7 or more characters) are the same commit. */
export function sameSha(a: string, b: string): boolean {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  if (x === y) return true;
  const [short, long] = x.length < y.length ? [x, y] : [y, x];
  return short.length >= 7 && long.startsWith(short);
}

/** Whether the app runs `want`: by sha when both sides have one, else by image; unknown is no. */
export function runs(app: AppState, want: Expected): boolean {
  const sha = app.workload?.sha ?? app.sha;
  if (sha && want.sha) return sameSha(sha, want.sha);
  const image = app.workload?.image;
  return !!image && !!want.image && image === want.image;
}

/** The first container's image of the first Deployment or StatefulSet among rendered manifests. */
export function workloadImage(texts: Iterable<string>): string | undefined {
  for (const text of texts) {
    let docs: unknown[];
    try {
      docs = parseYamlAll(text);
    } catch {
      continue;
    }
    for (const o of docs) {
      if (!isPlainObject(o) || (o.kind !== "Deployment" && o.kind !== "StatefulSet")) continue;
      const c = (o as { spec?: { template?: { spec?: { containers?: unknown[] } } } }).spec?.template?.spec
        ?.containers?.[0];
      if (isPlainObject(c) && typeof c.image === "string") return c.image;
    }
  }
  return undefined;
}

export interface RolloutWatchOptions {
  publish?: (e: ReleaseStepRecorded) => void;
  /** Releases whose gitops commit is older than this many seconds are not matched (default one hour). */
  maxAgeS?: number;
  /** Seconds a pod of the release may be stuck after its creation before the rollout is failed (default 300). */
  stuckS?: number;
}

interface MirrorRow {
  blob: string;
  created: number;
  gitopsRef: string;
}

type MirrorRelease = MirrorRow & { rel: Release };

/** Whose rollout a state is checked against, and the release it must show. */
interface Target {
  /** The request the step is recorded under. */
  eventId: string;
  /** When its gitops commit was made (unix seconds): the age limit and stuck pods count from here. */
  since: number;
  release: MirrorRelease;
  /** The release that ran before: a state that matches it too is no evidence. */
  before?: MirrorRelease;
}

export class RolloutWatch {
  private readonly expected = new Map<string, Promise<Expected>>();
  /** env/app → the event whose rollout is known recorded: later states of it need no store read. */
  private readonly done = new Map<string, string>();
  /** env/app → the event whose rollout is known recorded failed. */
  private readonly failed = new Map<string, string>();
  /** env/app → the rollback behind its restored release, keyed by the restored and the newest rolled-back commit. */
  private readonly rollbacks = new Map<string, { at: string; p: Promise<RollbackTarget | undefined> }>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly d: OpsDeps,
    private readonly o: RolloutWatchOptions = {},
  ) {}

  /** Takes any hub event; app states are checked one at a time, in order. Resolves when this one is. */
  handle(e: HubEvent): Promise<void> {
    if (e.type !== "app.state" || !e.state) return Promise.resolve();
    const step = rolloutDone(e.state) ? "rollout complete" : troubled(e.state) ? "rollout failed" : undefined;
    if (!step) return Promise.resolve();
    const { env, state } = e;
    const run = this.chain.then(() =>
      this.check(env, state, step).catch((err: Error) =>
        this.d.log?.("rollout check failed", { env, app: state.name, error: err.message }),
      ),
    );
    this.chain = run;
    return run;
  }

  private async check(env: string, app: AppState, step: "rollout complete" | "rollout failed"): Promise<void> {
    const t = await this.target(env, app.name);
    if (!t) return;
    const key = `${env}/${app.name}`;
    if (this.done.get(key) === t.eventId) return;
    if (step === "rollout failed" && this.failed.get(key) === t.eventId) return;
    const now = nowOf(this.d);
    if (now - t.since > (this.o.maxAgeS ?? 3600)) return;
    if (!runs(app, await this.expect(env, app.name, t.release))) return;
    if (t.before && runs(app, await this.expect(env, app.name, t.before))) return;
    if (step === "rollout failed") {
      const why = rolloutFailure(app, t.since, now, this.o.stuckS ?? 300);
      if (!why) return;
      // Another replica (or this one before a restart) may have seen it complete.
      const steps = await this.d.store.releaseSteps(t.eventId);
      if (steps.some((s) => s.step === "rollout complete" && s.env === env && s.app === app.name)) {
        this.done.set(key, t.eventId);
        return;
      }
      this.failed.set(key, t.eventId);
      this.d.log?.("rollout failed", { env, app: app.name, eventId: t.eventId, why });
    } else this.done.set(key, t.eventId);
    await recordStep({ ...this.d, publish: this.o.publish }, { eventId: t.eventId, env, app: app.name, step, at: now });
  }

  /**
   * Whose rollout a state of env/app would be: the newest release's request, or, when the newest
   * releases were rolled back, the rollback request that restored the current one.
   */
  private async target(env: string, app: string): Promise<Target | undefined> {
    const all = await this.d.store.releases({ env, app, limit: 10, offset: 0 });
    const rows = all.filter((r) => !r.rolledBack);
    const cur = rows[0];
    if (!cur) return undefined;
    const release = { ...cur, rel: JSON.parse(cur.blob) as Release };
    const top = all[0]!;
    if (!top.rolledBack) {
      if (!release.rel.eventId) return undefined;
      const prev = rows[1];
      const before = prev && { ...prev, rel: JSON.parse(prev.blob) as Release };
      return { eventId: release.rel.eventId, since: cur.created, release, before };
    }
    const rb = await this.rollback(env, app, cur.gitopsRef, top);
    if (!rb) return undefined;
    // The state running the version rolled back from is no evidence the restored one rolled out.
    const before = { ...top, rel: JSON.parse(top.blob) as Release };
    return { eventId: rb.eventId, since: rb.committed, release, before };
  }

  /** The rollback behind a restored release, looked up once per (restored, newest rolled back) pair. */
  private rollback(env: string, app: string, restored: string, top: MirrorRow): Promise<RollbackTarget | undefined> {
    const k = `${env}/${app}`;
    const at = `${restored} ${top.gitopsRef}`;
    const hit = this.rollbacks.get(k);
    if (hit?.at === at) return hit.p;
    const p = rollbackOf(this.d, env, app, top.created);
    this.rollbacks.set(k, { at, p });
    p.catch(() => this.rollbacks.get(k)?.p === p && this.rollbacks.delete(k));
    return p;
  }

  /** The sha and image of a release, the image read once from the files its commit wrote. */
  private expect(env: string, app: string, row: MirrorRelease): Promise<Expected> {
    const k = `${row.gitopsRef}:${env}/${app}`;
    let p = this.expected.get(k);
    if (!p) {
      p = this.readExpected(env, app, row.rel, row.gitopsRef);
      // Bounded: the oldest entries go first (a Map iterates in insertion order).
      if (this.expected.size >= 1000) this.expected.delete(this.expected.keys().next().value!);
      this.expected.set(k, p);
      p.catch(() => this.expected.delete(k));
    }
    return p;
  }

  private async readExpected(env: string, app: string, rel: Release, ref: string): Promise<Expected> {
    const out: Expected = rel.version?.sha ? { sha: rel.version.sha } : {};
    const e = await this.d.store.env(env);
    if (!e || !ref) return out;
    const g = await this.d.repos.get(e);
    const files = await filesAt(g.repo, ref, [appDir({ env, repoPerEnv: e.repoPerEnv }, app)]);
    const yamls = [...files].filter(([p]) => /\.ya?ml$/.test(p)).map(([, t]) => t);
    const image = workloadImage(yamls);
    return image ? { ...out, image } : out;
  }
}
