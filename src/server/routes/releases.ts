/** Releases, status, rollback, delete and request tracking (reference §2.2, §2.15): parse → ops → render. */
import { Hono, type Context } from "hono";
import { UserError } from "../../core/errors.ts";
import { parseDuration } from "../../core/params.ts";
import type { Action } from "../../core/access.ts";
import * as ops from "../../ops/index.ts";
import type { AppEnv } from "../auth.ts";
import { opsOf, type ServerDeps } from "../deps.ts";
import { allow, authorize, may } from "../policy.ts";
import { Renderer } from "../renderer.ts";
import { fields, intParam, jsonBody, need, safeName, timeParam } from "./util.ts";

export function releaseRoutes(d: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const o = opsOf(d);
  /** The env a request names, once the caller may `action` on it. */
  const env = (name: string, c: Context<AppEnv>, action: Action) => {
    authorize(c.get("user"), action, { env: safeName(name, "env") });
    return name;
  };

  app.post("/releases", allow("release.request"), async (c) => {
    // Every original client sends dx.ReleaseRequest, "triggeredBy" included (""); like gimletd, the
    // caller's login is recorded instead.
    const shape = { env: "string", app: "string", artifactId: "string", triggeredBy: "string" } as const;
    const body = fields(await jsonBody(c), shape);
    if (!body.env || !body.artifactId) throw new UserError("env and artifactId are required");
    const input = { env: env(body.env, c, "release.request"), app: body.app, artifactId: body.artifactId };
    if (dryRun(c)) return c.json(await withRenderer(d, (renderer) => ops.previewRelease({ ...o, renderer }, input)));
    return c.json(await ops.requestRelease(o, { ...input, triggeredBy: c.get("user").login }), 201);
  });

  app.get("/releases", allow("history.read"), async (c) => {
    const query = {
      env: env(need(c, "env"), c, "history.read"),
      app: c.req.query("app") || undefined,
      limit: intParam(c, "limit", 10, 10_000),
      offset: intParam(c, "offset", 0),
      since: timeParam(c, "since"),
      until: timeParam(c, "until"),
      repository: c.req.query("git-repo") || undefined,
    };
    return c.json(await ops.releaseHistory(o, query));
  });

  // DORA figures (core/stats/dora.ts defines them); without ?env= over every env the caller may read.
  app.get("/stats", allow("history.read"), async (c) => {
    const name = c.req.query("env") || undefined;
    const q = {
      env: name && env(name, c, "history.read"),
      app: c.req.query("app") || undefined,
      since: timeParam(c, "since"),
      until: timeParam(c, "until"),
      failureWindow: c.req.query("failureWindow")
        ? parseDuration(c.req.query("failureWindow")!, "failureWindow")
        : undefined,
    };
    return c.json(await ops.deliveryStats(o, q, (e) => may(c.get("user"), "history.read", { env: e })));
  });

  app.get("/status", allow("status.read"), async (c) => {
    const e = env(need(c, "env"), c, "status.read");
    return c.json(await ops.releaseStatus(o, { env: e, app: c.req.query("app") || undefined }));
  });

  app.post("/rollback", allow("rollback"), async (c) => {
    const input = { env: env(need(c, "env"), c, "rollback"), app: need(c, "app"), sha: need(c, "sha") };
    if (dryRun(c)) return c.json(await ops.previewRollbackRequest(o, input));
    return c.json(await ops.requestRollback(o, { ...input, triggeredBy: c.get("user").login }), 201);
  });

  // The original deleted synchronously, and its clients print "deleted" on any 2xx: wait for the
  // worker (bounded) unless the caller asks not to (`wait=false`, what `release delete --no-wait` sends).
  app.post("/delete", allow("delete"), async (c) => {
    const e = env(need(c, "env"), c, "delete");
    const waitMs = c.req.query("wait") === "false" || !d.worker ? 0 : (d.deleteWaitMs ?? deleteWaitMs);
    const r = await ops.deleteApp(o, { env: e, app: need(c, "app"), triggeredBy: c.get("user").login, waitMs });
    // 202: still queued behind other requests; the id tracks it.
    return c.json(r, r.status === undefined || r.status === "processed" ? 201 : 202);
  });

  // A token bound to an env sees only what a request did in that env.
  const visible = (c: Context<AppEnv>) => (env: string) => may(c.get("user"), "release.read", { env });
  const scoped = (c: Context<AppEnv>) => (c.get("user").env !== "" ? visible(c) : undefined);

  app.get("/releases/:id/timeline", allow("release.read"), async (c) =>
    c.json(await ops.releaseTimeline(o, c.req.param("id"), scoped(c))),
  );
  app.get("/event", allow("release.read"), async (c) => c.json(await ops.requestHashes(o, need(c, "id"), scoped(c))));
  app.get("/eventReleaseTrack", allow("release.read"), async (c) =>
    c.json(await ops.trackRequest(o, need(c, "id"), visible(c))),
  );
  // Every original client sends `artifactId`; `id` is what this CLI sent first.
  app.get("/eventArtifactTrack", allow("release.read"), async (c) => {
    return c.json(await ops.trackArtifact(o, c.req.query("artifactId") || c.req.query("id") || "", visible(c)));
  });

  // The original had one gitops repo (GITOPS_REPO); here each env has its own: `?env=` picks one,
  // and without it the answer is the only env's repo ("" when there are several or none).
  app.get("/gitopsRepo", allow("status.read"), async (c) => {
    const name = c.req.query("env");
    if (name) authorize(c.get("user"), "status.read", { env: name });
    const mayRead = (env: string) => may(c.get("user"), "status.read", { env });
    return c.json({ gitopsRepo: await ops.gitopsRepoOf(o, name, mayRead) });
  });

  app.get("/gitopsCommits", allow("release.read"), async (c) => c.json(await ops.recentGitopsCommits(o, visible(c))));
  return app;
}

/** `?dryRun=true`: answer with the diff the request would make, queue nothing. */
function dryRun(c: Context<AppEnv>): boolean {
  const v = c.req.query("dryRun");
  if (v === undefined || v === "false") return false;
  if (v === "true" || v === "") return true;
  throw new UserError(`dryRun must be true or false, not ${JSON.stringify(v)}`);
}

/** The worker's render thread; a server without a worker renders a dry run on a thread of its own. */
export async function withRenderer<T>(d: ServerDeps, fn: (r: ops.ManifestRenderer) => Promise<T>): Promise<T> {
  if (d.worker) return fn(d.worker.renderer);
  const r = new Renderer();
  try {
    return await fn(r);
  } finally {
    r.close();
  }
}

/** How long POST /api/delete waits for the worker; the original's request timeout was 60 s. */
const deleteWaitMs = 50_000;
