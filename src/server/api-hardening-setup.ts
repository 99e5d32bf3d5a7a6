/**
 * The harness of the API hardening tests (issue 9): a real store, two builtin envs with real bare
 * repos, a real worker and the app, driven through app.request.
 */
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../store/index.ts";
import { createApp } from "./app.ts";
import { Repos } from "./repos.ts";
import { Worker } from "./worker.ts";

const dirs: string[] = [];
/** Removes the data dirs of the setups made so far: each test file calls it in afterAll. */
export const removeDirs = () => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));

export const secret = "s3cret";
export const sign = (body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

export async function setup() {
  const dir = mkdtempSync(join(tmpdir(), "server-hard-"));
  dirs.push(dir);
  const clock = { now: 1_800_000_000 };
  const store = new SqliteStore(join(dir, "gimlet.db"), { now: () => clock.now });
  const repos = new Repos(dir);
  for (const name of ["staging", "prod"])
    await repos.createBuiltin(
      await store.createEnv({ name, repoUrl: "", repoToken: "", builtin: true, repoPerEnv: false, branch: "main" }),
    );
  const worker = new Worker({ store, repos });
  const app = createApp({ store, repos, worker, webhookSecret: secret, now: () => clock.now });
  await store.createUser("admin", "admin");
  const token = await store.issueToken("admin");
  const req = (
    method: string,
    path: string,
    opts: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
  ) => {
    const tok = opts.token === undefined ? token : opts.token;
    const body =
      opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    return app.request(path, {
      method,
      body,
      headers: {
        ...(tok ? { Authorization: `Bearer ${tok}` } : {}),
        "Content-Type": "application/json",
        ...opts.headers,
      },
    });
  };
  const drain = async () => {
    while (await worker.runOnce());
  };
  return { dir, store, repos, worker, app, req, drain, token, clock };
}

export const manifest = (over: Record<string, unknown> = {}) => ({
  app: "web",
  env: "staging",
  namespace: "default",
  deploy: { branch: "main", event: "push" },
  values: { image: { repository: "nginx", tag: "1" } },
  ...over,
});
export const artifact = (over: Record<string, unknown> = {}) => ({
  version: { repositoryName: "acme/web", sha: "abc123", branch: "main", event: "push", message: "change" },
  environments: [manifest()],
  ...over,
});
