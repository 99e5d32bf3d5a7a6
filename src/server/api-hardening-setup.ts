/**
 * The harness of the API hardening tests (issue 9): a real store, two builtin envs with real bare
 * repos, a real worker and the app, driven through app.request. Each test file calls the test
 * kit's cleanUp in afterAll.
 */
import { createHmac } from "node:crypto";
import { adminToken, testServer } from "./test-kit.ts";

export const secret = "s3cret";
export const sign = (body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

export async function setup() {
  const clock = { now: 1_800_000_000 };
  const { dir, store, repos, worker, app, drain } = await testServer({
    prefix: "server-hard-",
    envs: ["staging", "prod"],
    now: () => clock.now,
    app: { webhookSecret: secret, now: () => clock.now },
  });
  const token = await adminToken(store);
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
