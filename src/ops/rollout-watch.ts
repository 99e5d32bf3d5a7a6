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
 * that also matches the release before it is no evidence of this one (a redeploy of the same version),
 * and a release older than `maxAgeS` is left alone (a rollout no server saw has no time to record).
 */
import type { AppState } from "../core/agent/state.ts";
import type { HubEvent, ReleaseStepRecorded } from "../core/events.ts";
import { appDir, type Release } from "../core/gitops/index.ts";
import { isPlainObject } from "../core/k8s.ts";
import { parseYamlAll } from "../core/yaml.ts";
import { filesAt } from "../git/index.ts";
import { nowOf, type OpsDeps } from "./deps.ts";
import { recordStep } from "./release-steps.ts";

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

export class RolloutWatch {
  private readonly expected = new Map<string, Promise<Expected>>();
  /** env/app → the event whose rollout is known recorded: later states of it need no store read. */
  private readonly done = new Map<string, string>();
  /** env/app → the event whose rollout is known recorded failed. */
  private readonly failed = new Map<string, string>();
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
    const rows = (await this.d.store.releases({ env, app: app.name, limit: 5, offset: 0 })).filter(
      (r) => !r.rolledBack,
    );
    const cur = rows[0];
    if (!cur) return;
    const rel = JSON.parse(cur.blob) as Release;
    const key = `${env}/${app.name}`;
    if (!rel.eventId || this.done.get(key) === rel.eventId) return;
    if (step === "rollout failed" && this.failed.get(key) === rel.eventId) return;
    const now = nowOf(this.d);
    if (now - cur.created > (this.o.maxAgeS ?? 3600)) return;
    if (!runs(app, await this.expect(env, app.name, rel, cur))) return;
    const prev = rows[1];
    if (prev && runs(app, await this.expect(env, app.name, JSON.parse(prev.blob) as Release, prev))) return;
    if (step === "rollout failed") {
      const why = rolloutFailure(app, cur.created, now, this.o.stuckS ?? 300);
      if (!why) return;
      // Another replica (or this one before a restart) may have seen it complete.
      const steps = await this.d.store.releaseSteps(rel.eventId);
      if (steps.some((s) => s.step === "rollout complete" && s.env === env && s.app === app.name)) {
        this.done.set(key, rel.eventId);
        return;
      }
      this.failed.set(key, rel.eventId);
      this.d.log?.("rollout failed", { env, app: app.name, eventId: rel.eventId, why });
    } else this.done.set(key, rel.eventId);
    await recordStep(
      { ...this.d, publish: this.o.publish },
      { eventId: rel.eventId, env, app: app.name, step, at: now },
    );
  }

  /** The sha and image of a release, the image read once from the files its commit wrote. */
  private expect(env: string, app: string, rel: Release, row: MirrorRow): Promise<Expected> {
    const k = `${row.gitopsRef}:${env}/${app}`;
    let p = this.expected.get(k);
    if (!p) {
      p = this.readExpected(env, app, rel, row.gitopsRef);
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
