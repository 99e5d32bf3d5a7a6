/**
 * Hosted gitops repos over git smart HTTP at /git/<name>.git: what Flux pulls and git clients use.
 * HTTP basic auth with a token as the password (what Flux `secretRef` username/password and git
 * send); read needs an admin or a flux-role token (a flux user bound to an env reads only that
 * env's repos), write needs admin.
 */
import { Hono, type Context } from "hono";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { advertiseReceivePack, advertiseUploadPack, openRepo, receivePack, replyStream, uploadPack, type GitRepo } from "../../git/index.ts";
import { tokenOf } from "../auth.ts";
import type { ServerDeps } from "../deps.ts";

const nameRe = /^[a-z0-9][a-z0-9-]{0,100}$/;
const noCache = { "Cache-Control": "no-cache, max-age=0, must-revalidate", Pragma: "no-cache", Expires: "Fri, 01 Jan 1980 00:00:00 GMT" };

function challenge(): Response {
  return new Response("authentication required\n", { status: 401, headers: { "WWW-Authenticate": 'Basic realm="gimlet"', "Content-Type": "text/plain" } });
}

function protocolVersion(c: Context): number {
  const h = c.req.header("git-protocol") ?? "";
  return /version=2/.test(h) ? 2 : 0;
}

async function body(c: Context): Promise<Uint8Array> {
  const raw = new Uint8Array(await c.req.arrayBuffer());
  const gz = /gzip/.test(c.req.header("content-encoding") ?? "") || (raw[0] === 0x1f && raw[1] === 0x8b);
  return gz ? new Uint8Array(gunzipSync(raw)) : raw;
}

export function gitRoutes(d: ServerDeps & { dataDir: string }): Hono {
  const app = new Hono();
  const repos = new Map<string, GitRepo>();

  /** Resolves the repo and checks the caller may use `service` on it; a Response means stop. */
  const access = (c: Context, service: string): GitRepo | Response => {
    const name = c.req.param("name")!.replace(/\.git$/, "");
    if (!nameRe.test(name)) return c.text("not found\n", 404);
    const path = join(d.dataDir, "repos", `${name}.git`);
    const token = tokenOf(c.req.raw);
    if (!token) return challenge();
    const user = d.store.authenticate(token);
    if (!user) return challenge();
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
      const input = await body(c);
      const headers = { "Content-Type": `application/x-${service}-result`, ...noCache };
      if (service === "git-upload-pack") return new Response(replyStream(repo, await uploadPack(repo, input, protocolVersion(c))), { headers });
      const out = await receivePack(repo, input);
      repo.cache = {}; // new objects and refs: drop cached pack indexes
      return new Response(out as unknown as BodyInit, { headers });
    });
  }
  return app;
}
