/**
 * Hosted gitops repos over git smart HTTP at /git/<name>.git: what Flux pulls and git clients use.
 * HTTP basic auth with a token as the password (what Flux `secretRef` username/password and git
 * send), or a Bearer token; never a token in the URL (it would end up in proxy logs). Read needs an
 * admin or a flux-role token (a flux user bound to an env reads only that env's repos), write needs
 * admin. Credentials are checked before a byte of the body is read.
 */
import { Hono, type Context } from "hono";
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  advertiseReceivePack,
  advertiseUploadPack,
  defaultLimits,
  openRepo,
  ProtocolError,
  receivePack,
  replyStream,
  uploadPack,
  type GitLimits,
  type GitRepo,
} from "../../git/index.ts";
import type { ServerDeps } from "../deps.ts";
import { BodyError, readGitBody, type BodyLimits } from "./git-body.ts";

const nameRe = /^[a-z0-9][a-z0-9-]{0,100}$/;
const noCache = { "Cache-Control": "no-cache, max-age=0, must-revalidate", Pragma: "no-cache", Expires: "Fri, 01 Jan 1980 00:00:00 GMT" };

/** Everything that bounds one git request; tests shrink these. */
export interface GitServeLimits extends GitLimits {
  /** upload-pack requests: wants, haves and shallows only, so small. */
  uploadBody: BodyLimits;
  /** receive-pack requests: the pushed pack (`maxBytes` from `maxPushBytes`). */
  pushBody: BodyLimits;
}

export function gitServeLimits(maxPushBytes = 256 * 1024 * 1024, over: Partial<GitServeLimits> = {}): GitServeLimits {
  const mib = 1024 * 1024;
  return {
    ...defaultLimits,
    uploadBody: { maxBytes: 16 * mib, maxInflated: 16 * mib, idleMs: 30_000, totalMs: 60_000 },
    pushBody: { maxBytes: maxPushBytes, maxInflated: maxPushBytes, idleMs: 30_000, totalMs: 10 * 60_000 },
    ...over,
  };
}

function challenge(why = "authentication required"): Response {
  return new Response(`${why}\n`, { status: 401, headers: { "WWW-Authenticate": 'Basic realm="gimlet"', "Content-Type": "text/plain" } });
}

/** The token of `Authorization: Basic` (as the password) or `Bearer`; a reason when malformed. */
export function gitCredential(req: Request): { token?: string; problem?: string } {
  const h = req.headers.get("authorization");
  if (h === null) return {};
  const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(h);
  if (!m) return { problem: "malformed Authorization header" };
  const scheme = m[1]!.toLowerCase();
  if (scheme === "bearer") return { token: m[2]! };
  if (scheme !== "basic") return { problem: "unsupported authorization scheme: use basic auth with the token as password" };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(m[2]!)) return { problem: "Basic credentials are not base64" };
  const decoded = Buffer.from(m[2]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const token = colon < 0 ? "" : decoded.slice(colon + 1);
  return token ? { token } : { problem: "Basic credentials must be <user>:<token>" };
}

function protocolVersion(c: Context): number {
  const h = c.req.header("git-protocol") ?? "";
  return /version=2/.test(h) ? 2 : 0;
}

export function gitRoutes(d: ServerDeps & { dataDir: string; gitLimits?: Partial<GitServeLimits> }): Hono {
  const app = new Hono();
  const repos = new Map<string, GitRepo>();
  const limits = gitServeLimits(d.maxPushBytes, d.gitLimits);

  /** Resolves the repo and checks the caller may use `service` on it; a Response means stop. */
  const access = (c: Context, service: string): GitRepo | Response => {
    const name = c.req.param("name")!.replace(/\.git$/, "");
    if (!nameRe.test(name)) return c.text("not found\n", 404);
    const path = join(d.dataDir, "repos", `${name}.git`);
    if (new URL(c.req.url).searchParams.has("access_token")) {
      return challenge("access_token in the URL is not accepted on /git: send the token as the basic-auth password");
    }
    const { token, problem } = gitCredential(c.req.raw);
    if (!token) return challenge(problem);
    const user = d.store.authenticate(token);
    if (!user) return challenge("invalid or revoked token");
    const write = service === "git-receive-pack";
    const envOfRepo = name.replace(/-(apps|infra)$/, "");
    const mayRead = user.role === "admin" || (user.role === "flux" && (!user.env || user.env === envOfRepo));
    if (!mayRead || (write && user.role !== "admin")) return c.text(`the ${user.role} role may not ${write ? "push to" : "read"} ${name}.git\n`, 403);
    if (!existsSync(join(path, "HEAD"))) return c.text("not found\n", 404);
    let repo = repos.get(path);
    if (!repo) {
      repo = openRepo(path);
      repos.set(path, repo);
    }
    return repo;
  };

  app.get("/:name/info/refs", async (c) => {
    const service = c.req.query("service");
    if (service !== "git-upload-pack" && service !== "git-receive-pack") return c.text("smart HTTP only: use a git client\n", 403);
    const repo = access(c, service);
    if (repo instanceof Response) return repo;
    const bytes = service === "git-upload-pack" ? await advertiseUploadPack(repo, protocolVersion(c)) : await advertiseReceivePack(repo);
    return new Response(bytes as unknown as BodyInit, { headers: { "Content-Type": `application/x-${service}-advertisement`, ...noCache } });
  });

  for (const service of ["git-upload-pack", "git-receive-pack"] as const) {
    app.post(`/:name/${service}`, async (c) => {
      const repo = access(c, service);
      if (repo instanceof Response) return repo;
      if (c.req.header("content-type") !== `application/x-${service}-request`) return c.text("unsupported media type\n", 415);
      const headers = { "Content-Type": `application/x-${service}-result`, ...noCache };
      try {
        const input = await readGitBody(c.req.raw, service === "git-upload-pack" ? limits.uploadBody : limits.pushBody);
        if (service === "git-upload-pack") return new Response(replyStream(repo, await uploadPack(repo, input, protocolVersion(c), limits)), { headers });
        const out = await receivePack(repo, input, limits);
        repo.cache = {}; // new objects and refs: drop cached pack indexes
        return new Response(out as unknown as BodyInit, { headers });
      } catch (e) {
        if (e instanceof BodyError) return c.text(`${e.message}\n`, e.status);
        if (e instanceof ProtocolError) return c.text(`${service}: ${e.describe()}\n`, 400);
        throw e;
      }
    });
  }
  return app;
}
