/** Releases, status, rollback, delete and request tracking (reference §2.2, §2.15). */
import { Hono, type Context } from "hono";
import { NotFoundError, UserError } from "../../core/errors.ts";
import type { Action } from "../../core/access.ts";
import type { AppEnv } from "../auth.ts";
import type { ServerDeps } from "../deps.ts";
import { gitopsRepoName, mirrorReleases } from "../history-mirror.ts";
import { queued } from "../hub-events.ts";
import { allow, authorize, may } from "../policy.ts";
import type { Result } from "../worker.ts";
import { fields, intParam, jsonBody, need, safeName, timeParam } from "./util.ts";

export function releaseRoutes(d: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  /** The env a request names, if the caller may `action` on it. */
  const env = (name: string, c: Context<AppEnv>, action: Action) => {
    authorize(c.get("user"), action, { env: safeName(name, "env") });
    const e = d.store.env(name);
    if (!e) throw new NotFoundError(`environment ${JSON.stringify(name)} does not exist`);
    return e;
  };
  const queue = (type: "release" | "rollback" | "delete", body: Record<string, unknown>) => {
    const id = crypto.randomUUID();
    d.store.insertEvent({ id, type, blob: JSON.stringify(body) });
    d.worker?.notify();
    const target = { env: String(body.env), ...(body.app ? { app: String(body.app) } : {}) };
    d.events?.publish(queued(id, type, [target], { triggeredBy: String(body.triggeredBy ?? "") }));
    return id;
  };

  app.post("/releases", allow("release.request"), async (c) => {
    const body = fields(await jsonBody(c), { env: "string", app: "string", artifactId: "string" });
    if (!body.env || !body.artifactId) throw new UserError("env and artifactId are required");
    env(body.env, c, "release.request");
    if (body.app !== undefined && body.app !== null) safeName(body.app, "app");
    if (!d.store.artifactEvent(body.artifactId)) throw new NotFoundError(`artifact ${body.artifactId} not found`);
    const id = queue("release", { env: body.env, app: body.app, artifactId: body.artifactId, triggeredBy: c.get("user").login });
    return c.json({ id }, 201);
  });

  app.get("/releases", allow("history.read"), async (c) => {
    const e = env(need(c, "env"), c, "history.read");
    const appName = c.req.query("app");
    if (appName) safeName(appName, "app");
    if (d.store.countReleases(e.name) === 0) await mirrorReleases(d.store, e, await d.repos.get(e));
    const rows = d.store.releases({
      env: e.name,
      app: appName || undefined,
      limit: intParam(c, "limit", 10, 10_000),
      offset: intParam(c, "offset", 0),
      since: timeParam(c, "since"),
      until: timeParam(c, "until"),
      repository: c.req.query("git-repo") || undefined,
    });
    // The original's dx.Release: Flux's word on each gitops commit rides along with the release.
    return c.json(
      rows.map((r) => {
        const fc = d.store.gitopsCommit(r.gitopsRef);
        return {
          ...(JSON.parse(r.blob) as object),
          created: r.created,
          gitopsRef: r.gitopsRef,
          gitopsRepo: gitopsRepoName(e),
          gitopsCommitStatus: fc?.status ?? "",
          gitopsCommitStatusDesc: fc?.statusDesc ?? "",
          ...(fc?.created ? { gitopsCommitCreated: fc.created } : {}),
          rolledBack: r.rolledBack,
        };
      }),
    );
  });

  app.get("/status", allow("status.read"), async (c) => {
    const e = env(need(c, "env"), c, "status.read");
    const appName = c.req.query("app");
    const g = await d.repos.get(e);
    const only = appName ? safeName(appName, "app") : undefined;
    return c.json(await g.status({ env: e.name, repoPerEnv: e.repoPerEnv, app: only, gitopsRepo: gitopsRepoName(e) }));
  });

  app.post("/rollback", allow("rollback"), (c) => {
    const e = env(need(c, "env"), c, "rollback");
    const appName = safeName(need(c, "app"), "app");
    const sha = need(c, "sha");
    if (!/^[0-9a-f]{4,40}$/.test(sha)) throw new UserError("sha must be a gitops commit sha");
    return c.json({ id: queue("rollback", { env: e.name, app: appName, targetSHA: sha, triggeredBy: c.get("user").login }) }, 201);
  });

  // The original deleted synchronously, and its clients print "deleted" on any 2xx: wait for the
  // worker (bounded) unless the caller asks not to (`wait=false`, what `release delete --no-wait` sends).
  app.post("/delete", allow("delete"), async (c) => {
    const e = env(need(c, "env"), c, "delete");
    const appName = safeName(need(c, "app"), "app");
    const id = queue("delete", { env: e.name, app: appName, triggeredBy: c.get("user").login });
    if (c.req.query("wait") === "false" || !d.worker) return c.json({ id }, 201);
    const deadline = Date.now() + deleteWaitMs;
    let ev = d.store.event(id)!;
    while (ev.status !== "processed" && ev.status !== "error" && Date.now() < deadline) {
      await Bun.sleep(20);
      ev = d.store.event(id)!;
    }
    if (ev.status === "error") throw new UserError(`deleting ${appName} from ${e.name} failed: ${ev.statusDesc}`);
    // 202: still queued behind other requests; the id tracks it.
    const done = ev.status === "processed";
    return c.json({ id, status: ev.status, statusDesc: ev.statusDesc, results: ev.results }, done ? 201 : 202);
  });

  const tracked = (id: string) => {
    const ev = d.store.event(id);
    if (!ev) throw new NotFoundError(`no request with id ${id}`);
    return ev;
  };
  const commitStatus = (hash: string) => d.store.gitopsCommit(hash);

  // A token bound to an env sees only what a request did in that env.
  const inScope = (c: Context<AppEnv>) => (r: { env: string }) => may(c.get("user"), "release.read", { env: r.env });

  app.get("/event", allow("release.read"), (c) => {
    const ev = tracked(need(c, "id"));
    const seen = (ev.results as Result[]).filter(inScope(c));
    const scoped = c.get("user").env !== "";
    const hashes = scoped ? ev.gitopsHashes.filter((h) => seen.some((r) => r.hash === h)) : ev.gitopsHashes;
    return c.json({
      status: ev.status,
      statusDesc: ev.statusDesc,
      gitopsHashes: hashes.map((hash) => ({ hash, status: commitStatus(hash)?.status ?? "N/A", statusDesc: commitStatus(hash)?.statusDesc ?? "" })),
    });
  });

  const track = (c: { req: { query: (k: string) => string | undefined } }, inScope: (r: Result) => boolean) => {
    const ev = tracked(need(c as never, "id"));
    return {
      type: ev.type,
      status: ev.status,
      statusDesc: ev.statusDesc,
      results: (ev.results as Result[]).filter(inScope).map((r) => ({ ...r, gitopsCommitStatus: r.hash ? (commitStatus(r.hash)?.status ?? "") : "", gitopsCommitStatusDesc: r.hash ? (commitStatus(r.hash)?.statusDesc ?? "") : "" })),
    };
  };
  app.get("/eventReleaseTrack", allow("release.read"), (c) => c.json(track(c, inScope(c))));
  // Every original client sends `artifactId`; `id` is what this CLI sent first.
  app.get("/eventArtifactTrack", allow("release.read"), (c) => {
    const artifactId = c.req.query("artifactId") || c.req.query("id");
    if (!artifactId) throw new UserError("the artifactId parameter is required");
    const art = d.store.artifactEvent(artifactId);
    if (!art) throw new NotFoundError(`no artifact ${artifactId}`);
    return c.json(track({ req: { query: (k: string) => (k === "id" ? art.id : undefined) } }, inScope(c)));
  });

  // The original had one gitops repo (GITOPS_REPO); here each env has its own: `?env=` picks one,
  // and without it the answer is the only env's repo ("" when there are several or none).
  app.get("/gitopsRepo", allow("status.read"), (c) => {
    const name = c.req.query("env");
    if (name) authorize(c.get("user"), "status.read", { env: name });
    const mayRead = (env: string) => may(c.get("user"), "status.read", { env });
    const envs = d.store.envs().filter((x) => (!name || x.name === name) && mayRead(x.name));
    if (name && !envs.length) throw new NotFoundError(`environment ${JSON.stringify(name)} does not exist`);
    return c.json({ gitopsRepo: envs.length === 1 ? gitopsRepoName(envs[0]!) : "" });
  });

  // The 20 newest gitops commits Flux reported on, newest first; empty fields left out (model.GitopsCommit).
  app.get("/gitopsCommits", allow("release.read"), (c) =>
    c.json(
      d.store.gitopsCommits(20).filter(inScope(c)).map((g) => {
        const out: Record<string, string | number> = {};
        for (const [k, v] of Object.entries({ sha: g.sha, status: g.status, statusDesc: g.statusDesc, created: g.created, env: g.env })) if (v) out[k] = v;
        return out;
      }),
    ),
  );
  return app;
}

/** How long POST /api/delete waits for the worker; the original's request timeout was 60 s. */
const deleteWaitMs = 50_000;
