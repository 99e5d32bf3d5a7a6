/**
 * Hosted gitops repos over git smart HTTP at /git/<name>.git: what Flux pulls and git clients use.
 * HTTP basic auth with a token as the password (what Flux `secretRef` username/password and git
 * send), or a Bearer token; never a token in the URL (it would end up in proxy logs). Who may read
 * (`git.read`) or push (`git.write`) a repo is the access policy's call, on the repo's env: today an
 * admin does both, a flux-role token reads (its env's repos only, when bound). Credentials are checked
 * before a byte of the body is read; refusals are plain text (onGitError), a 401 with a Basic challenge.
 */
import { Hono, type Context } from "hono";
import {
  advertiseReceivePack,
  advertiseUploadPack,
  defaultLimits,
  ProtocolError,
  receivePack,
  replyStream,
  uploadPack,
  type GitLimits,
  type GitRepo,
} from "../../git/index.ts";
import { NotFoundError } from "../../core/errors.ts";
import { parseHostedRepoName } from "../../core/gitops/index.ts";
import type { User } from "../../store/index.ts";
import { credentialOf } from "../auth.ts";
import type { ServerDeps } from "../deps.ts";
import { AuthError, onGitError } from "../http-errors.ts";
import { authorize } from "../policy.ts";
import { BodyError, readGitBody, type BodyLimits } from "./git-body.ts";

const noCache = {
  "Cache-Control": "no-cache, max-age=0, must-revalidate",
  Pragma: "no-cache",
  Expires: "Fri, 01 Jan 1980 00:00:00 GMT",
};

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

/** The user of the request's token, or a 401 (rendered with a Basic challenge) saying what is wrong. */
async function gitUser(d: ServerDeps, req: Request): Promise<User> {
  const how = "use basic auth with the token as the password";
  if (new URL(req.url).searchParams.has("access_token")) {
    throw new AuthError(401, `access_token in the URL is not accepted on /git: ${how}`);
  }
  const { token, problem } = credentialOf(req);
  if (problem) throw new AuthError(401, `${problem}: ${how}`);
  if (!token) throw new AuthError(401, `authentication required: ${how}`);
  const user = await d.store.authenticate(token);
  if (!user) throw new AuthError(401, "invalid or revoked token");
  return user;
}

function protocolVersion(c: Context): number {
  const h = c.req.header("git-protocol") ?? "";
  return /version=2/.test(h) ? 2 : 0;
}

export function gitRoutes(d: ServerDeps & { dataDir: string; gitLimits?: Partial<GitServeLimits> }): Hono {
  const app = new Hono();
  app.onError(onGitError);
  const limits = gitServeLimits(d.maxPushBytes, d.gitLimits);

  /** Resolves the repo once the caller may use `service` on it (throws 401/403/404 otherwise). */
  const access = async (c: Context, service: string): Promise<GitRepo> => {
    // Only names gimlet hosts (`<env>-apps`, `<env>-infra`); the data dir holds the open handles.
    const hosted = parseHostedRepoName(c.req.param("name")!);
    if (!hosted) throw new NotFoundError("not found");
    const user = await gitUser(d, c.req.raw);
    authorize(user, service === "git-receive-pack" ? "git.write" : "git.read", { env: hosted.env });
    const repo = d.repos.servedRepo(hosted.name);
    if (!repo) throw new NotFoundError("not found");
    return repo;
  };

  app.get("/:name/info/refs", async (c) => {
    const service = c.req.query("service");
    if (service !== "git-upload-pack" && service !== "git-receive-pack")
      return c.text("smart HTTP only: use a git client\n", 403);
    const repo = await access(c, service);
    const bytes =
      service === "git-upload-pack"
        ? await advertiseUploadPack(repo, protocolVersion(c))
        : await advertiseReceivePack(repo);
    return new Response(bytes as unknown as BodyInit, {
      headers: { "Content-Type": `application/x-${service}-advertisement`, ...noCache },
    });
  });

  for (const service of ["git-upload-pack", "git-receive-pack"] as const) {
    app.post(`/:name/${service}`, async (c) => {
      const repo = await access(c, service);
      if (c.req.header("content-type") !== `application/x-${service}-request`)
        return c.text("unsupported media type\n", 415);
      const headers = { "Content-Type": `application/x-${service}-result`, ...noCache };
      try {
        const input = await readGitBody(c.req.raw, service === "git-upload-pack" ? limits.uploadBody : limits.pushBody);
        if (service === "git-upload-pack")
          return new Response(replyStream(repo, await uploadPack(repo, input, protocolVersion(c), limits)), {
            headers,
          });
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
