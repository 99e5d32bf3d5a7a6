/**
 * The release worker: takes events from the durable queue one at a time and turns them into
 * gitops commits. Crash-safe: an event left `processing` is taken again, and each write first
 * checks whether the app already holds this event's release (its id is in release.json), so a
 * retried event neither loses nor duplicates a commit. An event that was in progress through
 * {@link maxAttempts} crashes ends as `error` instead of being taken forever. Manifests come from
 * untrusted artifacts, so they are templated and rendered on the render thread (renderer.ts),
 * never on this one.
 */
import { createHash } from "node:crypto";
import { UserError } from "../core/errors.ts";
import { commitMessages, type Release } from "../core/gitops/index.ts";
import { artifactVars, cleanupTrigger, deployTrigger, type Artifact } from "../core/release/index.ts";
import { toYaml } from "../core/yaml.ts";
import type { GitopsRepo } from "../git/index.ts";
import type { EventRecord, SqliteStore } from "../store/index.ts";
import { mirrorReleases } from "./history-mirror.ts";
import { Histogram } from "./metrics.ts";
import type { Notifier } from "./notify.ts";
import { RenderAbortedError, Renderer } from "./renderer.ts";
import type { Repos } from "./repos.ts";

/** Claims of one event after which it is given up on (each claim past the first follows a crash). */
export const maxAttempts = 3;

export interface Result {
  app: string;
  env: string;
  hash: string;
  status: "success" | "failure" | "skipped";
  statusDesc: string;
}

export interface WorkerDeps {
  store: SqliteStore;
  repos: Repos;
  notifier?: Notifier;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  onProcessed?: (e: EventRecord) => void;
  /** Hard deadline of one event's rendering, in ms (default 10 s); ignored when `renderer` is given. */
  renderTimeoutMs?: number;
  renderer?: Renderer;
}

export class Worker {
  private running = false;
  private wake?: () => void;
  private stopped = false;
  private idle?: Promise<void>;
  readonly latency = new Histogram([0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
  readonly renderer: Renderer;

  constructor(private readonly d: WorkerDeps) {
    this.renderer = d.renderer ?? new Renderer({ timeoutMs: d.renderTimeoutMs, log: d.log });
  }

  /** Processes queued events until stopped; `notify()` wakes it at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.idle = this.loop();
  }

  notify(): void {
    this.wake?.();
  }

  /**
   * Finishes the event in progress, then returns. A render in progress is cut short: its event
   * stays `processing` and is taken again (as one more attempt) at the next start.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.renderer.close();
    await this.idle;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const processed = await this.runOnce();
      if (!processed && !this.stopped) await new Promise<void>((r) => ((this.wake = r), setTimeout(r, 1000)));
    }
  }

  /** Processes one event; false when the queue is empty. */
  async runOnce(): Promise<boolean> {
    const e = this.d.store.claimNext();
    if (!e) return false;
    if (e.attempts > maxAttempts) {
      const why = `given up after ${maxAttempts} attempts: the server stopped or crashed while processing this event each time`;
      this.d.store.finishEvent(e.id, "error", e.statusDesc ? `${why} (last error: ${e.statusDesc})` : why, e.gitopsHashes, e.results);
      this.d.log?.("event given up", { id: e.id, type: e.type, attempts: e.attempts - 1 });
      this.d.onProcessed?.(this.d.store.event(e.id)!);
      return true;
    }
    try {
      const { results } = await this.process(e);
      const hashes = results.filter((r) => r.hash).map((r) => r.hash);
      const failed = results.filter((r) => r.status === "failure");
      this.d.store.finishEvent(e.id, failed.length ? "error" : "processed", failed.map((r) => `${r.env}/${r.app}: ${r.statusDesc}`).join("; "), hashes, results);
    } catch (err) {
      // Stopping mid-render: leave the event `processing`, the next start takes it again.
      if (err instanceof RenderAbortedError && this.stopped) return true;
      this.d.store.finishEvent(e.id, "error", (err as Error).message, e.gitopsHashes, e.results);
      this.d.log?.("event failed", { id: e.id, type: e.type, error: (err as Error).message });
    }
    await this.mirror(e);
    this.wakeFlux(e);
    const done = this.d.store.event(e.id)!;
    this.latency.observe(Math.max(0, Date.now() / 1000 - done.created));
    this.notify_(done);
    this.d.onProcessed?.(done);
    return true;
  }

  /**
   * Asks Flux to pull now, through the Receiver written at bootstrap, instead of waiting for its
   * poll interval. Fire and forget: Flux still polls if this fails.
   */
  private wakeFlux(e: EventRecord): void {
    const results = (this.d.store.event(e.id)?.results ?? []) as Result[];
    for (const name of new Set(results.filter((r) => r.hash).map((r) => r.env))) {
      const env = this.d.store.env(name);
      if (!env?.fluxReceiverUrl || !env.fluxReceiverToken) continue;
      const receiver = `gitops-repo-${env.name}`;
      const path = createHash("sha256").update(`${env.fluxReceiverToken}${receiver}flux-system`).digest("hex");
      void fetch(`${env.fluxReceiverUrl.replace(/\/+$/, "")}/hook/${path}`, { method: "POST", body: "{}", headers: { "Content-Type": "application/json" }, signal: AbortSignal.timeout(5000) })
        .then((r) => (r.ok ? undefined : this.d.log?.("flux receiver refused the wake-up", { env: name, status: r.status })))
        .catch((err) => this.d.log?.("flux receiver unreachable", { env: name, error: (err as Error).message }));
    }
  }

  /** Refreshes the history mirror of every env the event wrote to. */
  private async mirror(e: EventRecord): Promise<void> {
    const results = (this.d.store.event(e.id)?.results ?? []) as Result[];
    for (const name of new Set(results.filter((r) => r.hash).map((r) => r.env))) {
      const env = this.d.store.env(name);
      if (!env) continue;
      try {
        const commits = results.filter((r) => r.env === name && r.hash).length;
        await mirrorReleases(this.d.store, env, await this.d.repos.get(env), { limit: e.type === "rollback" ? 500 : commits + 5 });
      } catch (err) {
        this.d.log?.("history mirror refresh failed", { env: name, error: (err as Error).message });
      }
    }
  }

  private notify_(e: EventRecord): void {
    const n = this.d.notifier;
    if (!n) return;
    for (const r of e.results as Result[]) {
      if (r.status === "skipped" || (!r.hash && r.status === "success")) continue;
      const by = e.type === "artifact" ? "Policy based" : "Requested";
      const kind = r.status === "failure" ? "deployFailed" : e.type === "rollback" ? "rollback" : e.type === "delete" || e.type === "branchDeleted" ? "delete" : "deploy";
      const text =
        kind === "deployFailed" ? `Failed to roll out ${r.app} on ${r.env}: ${r.statusDesc}` : kind === "rollback" ? `🔙 Rolling back ${r.app} on ${r.env}` : kind === "delete" ? `${by} deletion of ${r.app} on ${r.env}` : `${by} rollout of ${r.app} on ${r.env}`;
      void n.send({ kind, env: r.env, app: r.app, text, fields: r.hash ? { "📎 gitops commit": r.hash.slice(0, 12) } : {} });
    }
  }

  private async repo(envName: string): Promise<{ g: GitopsRepo; repoPerEnv: boolean }> {
    const env = this.d.store.env(envName);
    if (!env) throw new UserError(`environment ${JSON.stringify(envName)} does not exist`, { hint: "gimlet env create" });
    return { g: await this.d.repos.get(env), repoPerEnv: env.repoPerEnv };
  }

  private async process(e: EventRecord): Promise<{ results: Result[] }> {
    const body = JSON.parse(e.blob) as Record<string, any>;
    switch (e.type) {
      case "artifact":
        return { results: await this.deploy(e, body as Artifact, (m) => deployTrigger(body as Artifact, m.deploy), "policy") };
      case "release": {
        const art = this.d.store.artifactEvent(body.artifactId);
        if (!art) throw new UserError(`artifact ${body.artifactId} not found`);
        return { results: await this.deploy(e, JSON.parse(art.blob) as Artifact, (m) => m.env === body.env && (!body.app || m.app === body.app), body.triggeredBy ?? "api") };
      }
      case "rollback": {
        const { g, repoPerEnv } = await this.repo(body.env);
        const r = await g.rollback({ env: body.env, app: body.app, to: body.targetSHA, repoPerEnv });
        return { results: r.commits.map((hash) => ({ app: body.app, env: body.env, hash, status: "success", statusDesc: "" })) };
      }
      case "delete": {
        const { g, repoPerEnv } = await this.repo(body.env);
        const r = await g.deleteApp({ env: body.env, repoPerEnv }, body.app, commitMessages.serverDelete(body.env, body.app, body.triggeredBy ?? "api"));
        return { results: [{ app: body.app, env: body.env, hash: r.commits[0] ?? "", status: "success", statusDesc: r.commits.length ? "" : "already deleted" }] };
      }
      case "branchDeleted":
        return { results: await this.cleanup(body.repository, body.branch) };
    }
  }

  /** Renders and writes every manifest of the artifact that `select` picks. */
  private async deploy(e: EventRecord, artifact: Artifact, select: (m: any) => boolean, triggeredBy: string): Promise<Result[]> {
    const vars = artifactVars(artifact);
    const results: Result[] = [];
    for (const raw of artifact.environments ?? []) {
      let loaded;
      try {
        loaded = await this.renderer.load({ text: toYaml(raw), file: manifestName(artifact.id, raw), vars, render: true });
      } catch (err) {
        if (err instanceof RenderAbortedError) throw err;
        results.push({ app: String(raw.app ?? ""), env: String(raw.env ?? ""), hash: "", status: "failure", statusDesc: (err as UserError).describe?.() ?? String(err) });
        continue;
      }
      for (const l of loaded) {
        const m = l.manifest;
        if (!select(m)) continue;
        try {
          const { g, repoPerEnv } = await this.repo(m.env);
          const status = await g.status({ env: m.env, repoPerEnv, app: m.app });
          const current = status[m.app];
          if (current?.eventId === e.id) {
            // Written before a crash: the commit exists, do not write it again.
            results.push({ app: m.app, env: m.env, hash: (await g.head()) ?? "", status: "success", statusDesc: "already written" });
            continue;
          }
          if (l.error !== undefined) throw new UserError(l.error);
          const files = l.files!;
          const release: Release = { app: m.app, env: m.env, artifactId: artifact.id, triggeredBy, version: artifact.version, gitopsRef: "", gitopsRepo: "", eventId: e.id };
          const w = await g.writeRelease({ env: m.env, repoPerEnv }, m.app, files, release);
          results.push({ app: m.app, env: m.env, hash: w.commits[0] ?? "", status: "success", statusDesc: w.commits.length ? "" : "nothing changed" });
        } catch (err) {
          results.push({ app: m.app, env: m.env, hash: "", status: "failure", statusDesc: (err as UserError).describe?.() ?? (err as Error).message });
        }
        this.d.store.recordProgress(e.id, results.filter((r) => r.hash).map((r) => r.hash), results);
      }
    }
    return results;
  }

  /** Deletes the preview apps whose cleanup policy matches a deleted branch. */
  private async cleanup(repository: string, branch: string): Promise<Result[]> {
    const results: Result[] = [];
    const arts = this.d.store.artifacts({ repository, branch, limit: 1 });
    for (const a of arts) {
      const artifact = JSON.parse(a.blob) as Artifact;
      for (const raw of artifact.environments ?? []) {
        const vars = { ...artifactVars(artifact), BRANCH: branch };
        const loaded = await this.renderer.load({ text: toYaml(raw), file: manifestName(artifact.id, raw), vars, missingKey: "zero", render: false });
        for (const l of loaded) {
          const c = l.manifest.cleanup;
          if (!cleanupTrigger(branch, c)) continue;
          const { g, repoPerEnv } = await this.repo(l.manifest.env);
          const w = await g.deleteApp({ env: l.manifest.env, repoPerEnv }, c!.app, commitMessages.serverDelete(l.manifest.env, c!.app, "policy"));
          results.push({ app: c!.app, env: l.manifest.env, hash: w.commits[0] ?? "", status: "success", statusDesc: w.commits.length ? "" : "already deleted" });
        }
      }
    }
    return results;
  }
}

/** How errors name an artifact's manifest: the artifact, and the env/app it declares (before templating). */
function manifestName(artifactId: string, raw: Record<string, unknown>): string {
  const what = [raw.env, raw.app].filter((x) => typeof x === "string" && x && !x.includes("{{")).join("/");
  return `artifact ${artifactId}${what ? ` (manifest ${what})` : ""}`;
}
