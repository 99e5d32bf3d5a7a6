/**
 * Fuzzes every route of the HTTP API (all but /git, which has its own fuzz test) through
 * app.request: every method each route has plus a wrong one, random and mutated bodies, queries,
 * path parameters and headers, with a valid token of every role (and env-scoped ones), bad tokens
 * and none. Whatever comes in, the answer is below 500 and a 4xx carries a message.
 *
 * The route list is read from the app, so a route added later is fuzzed without touching this file.
 * FUZZ_RUNS=20000 [FUZZ_SEED=n] [FUZZ_VERBOSE=1] bun test src/server/api.fuzz.test.ts runs a longer campaign
 * (FUZZ_VERBOSE prints how many answers had each status).
 */
import { afterAll, expect, test } from "bun:test";
import fc from "fast-check";
import { createHmac } from "node:crypto";
import type { Role } from "../store/index.ts";
import { createApp } from "./app.ts";
import { cleanUp, dataDir } from "./test-kit.ts";

afterAll(cleanUp);

const secret = "fuzz-secret";
const runs = Number(process.env.FUZZ_RUNS ?? 1500);

/** The users whose tokens the fuzzer sends; recreated when a fuzzed request deletes or revokes them. */
const actors: { login: string; role: Role; env: string }[] = [
  { login: "fz-admin", role: "admin", env: "" },
  { login: "fz-user", role: "user", env: "" },
  { login: "fz-user-staging", role: "user", env: "staging" },
  { login: "fz-flux", role: "flux", env: "" },
  { login: "fz-flux-staging", role: "flux", env: "staging" },
  { login: "fz-agent", role: "agent", env: "staging" },
];

async function setup() {
  const { store, repos } = await dataDir({ prefix: "api-fuzz-", envs: ["staging", "prod"] });
  // No worker: requests are only queued, so nothing waits on a render and every run stays fast.
  const app = createApp({ store, repos, webhookSecret: secret, maxBodyBytes: 256 * 1024 });
  const tokens = new Map<string, string>();
  const ensureActors = async () => {
    for (const a of actors) {
      if (!(await store.user(a.login))) await store.createUser(a.login, a.role, a.env);
      const t = tokens.get(a.login);
      if (!t || !(await store.authenticate(t))) tokens.set(a.login, await store.issueToken(a.login));
    }
  };
  await ensureActors();
  return { store, app, tokens, ensureActors };
}

/** Method and path pattern of every route the app answers, from Hono's own route table. */
function routeTable(app: { routes: { method: string; path: string }[] }): { method: string; path: string }[] {
  const seen = new Map<string, { method: string; path: string }>();
  for (const r of app.routes) {
    if (r.method === "ALL" || r.path.startsWith("/git")) continue;
    seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
  }
  return [...seen.values()];
}

const printable = fc.string({
  unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-_./:@%+= ~!*'()[]{}\"\\<>|^`$#&?,;"),
  maxLength: 40,
});
const weird = fc.oneof(
  fc.constantFrom(
    "",
    "flux",
    "dependencies",
    "staging",
    "prod",
    "web",
    "../etc",
    "a/b",
    "%zz",
    "%00",
    "1e21",
    "-1",
    "NaN",
    "0x10",
    "99999999999",
    "1.5",
    "true",
    "null",
    "[]",
    "{}",
    " 1",
  ),
  fc.constantFrom(
    "a".repeat(300),
    "é",
    "\u0000",
    "\ud800",
    "main@sha1:" + "a".repeat(40),
    "a".repeat(40),
    "2024-01-01T00:00:00Z",
    "not-a-date",
  ),
  printable,
  fc.string({ maxLength: 20 }),
  fc.nat().map(String),
  fc.integer().map(String),
  fc.double().map(String),
);

/** Values that name things that exist, so requests get past lookups into the handlers. */
const known = fc.constantFrom(
  "staging",
  "prod",
  "web",
  "fz-user",
  "acme/web",
  "main",
  "abc",
  "10",
  "0",
  "true",
  "false",
);
const value = fc.oneof({ weight: 3, arbitrary: known }, { weight: 2, arbitrary: weird });

const queryKeys = [
  "env",
  "app",
  "sha",
  "id",
  "limit",
  "offset",
  "since",
  "until",
  "repository",
  "branch",
  "event",
  "sourceBranch",
  "git-repo",
  "withToken",
  "wait",
  "after",
  "type",
];
const query = fc.array(
  fc.tuple(
    fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...queryKeys) }, { weight: 1, arbitrary: printable }),
    value,
  ),
  { maxLength: 5 },
);

/** Sets the value at one spot of a JSON tree (picked by `pick`) to `value`. */
function mutate(doc: unknown, pick: number, value: unknown): unknown {
  const spots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (spots.push({ parent: v, key: i }), walk(x)));
    else if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v)) spots.push({ parent: v as Record<string, unknown>, key: k }), walk(x);
  };
  const copy = structuredClone(doc);
  walk(copy);
  if (!spots.length) return value;
  const s = spots[pick % spots.length]!;
  (s.parent as Record<string | number, unknown>)[s.key] = value;
  return copy;
}

const manifest = {
  app: "web",
  env: "staging",
  namespace: "default",
  deploy: { branch: "main", event: "push" },
  cleanup: { app: "web-x", event: "branchDeleted", branch: "feature/*" },
  values: { image: { repository: "nginx", tag: "{{ .SHA }}" } },
};
const validBodies: unknown[] = [
  {
    version: { repositoryName: "acme/web", sha: "abc", branch: "main", event: "push", message: "m" },
    environments: [manifest],
    context: { A: "b" },
    items: [{ name: "CI" }],
    vars: { X: "y" },
  },
  { env: "staging", app: "web", artifactId: "acme/web-1" },
  { login: "fz-new", role: "user", env: "staging", admin: false },
  {
    reason: "ReconciliationSucceeded",
    message: "ok",
    metadata: { "kustomize.toolkit.fluxcd.io/revision": `main@sha1:${"a".repeat(40)}`, commit_status: "x" },
  },
  { ref: "feature/a", ref_type: "branch", deleted: true, repository: { full_name: "acme/web" } },
];

const body = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...validBodies), fc.nat(), fc.jsonValue({ maxDepth: 3 }))
      .map(([b, i, v]) => JSON.stringify(mutate(b, i, v))),
  },
  { weight: 2, arbitrary: fc.constantFrom(...validBodies).map((b) => JSON.stringify(b)) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      "{",
      "null",
      "[]",
      "1e999",
      '"x"',
      '{"a":'.repeat(5000) + "1" + "}".repeat(5000),
      "[".repeat(100_000),
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":1}}',
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

function headerValue(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, "");
}

test(`${runs} fuzzed API requests: never a 5xx, every 4xx says why`, async () => {
  const s = await setup();
  const routes = routeTable(s.app);
  expect(routes.length).toBeGreaterThan(15);
  const methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];
  const auth = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.constantFrom("fz-admin", "fz-user").map((l) => ({ kind: "bearer" as const, login: l })),
    },
    {
      weight: 6,
      arbitrary: fc.constantFrom(...actors.map((a) => a.login)).map((l) => ({ kind: "bearer" as const, login: l })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...actors.map((a) => a.login)).map((l) => ({ kind: "basic" as const, login: l })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...actors.map((a) => a.login)).map((l) => ({ kind: "query" as const, login: l })),
    },
    { weight: 1, arbitrary: printable.map((raw) => ({ kind: "raw" as const, raw })) },
    { weight: 1, arbitrary: fc.constant({ kind: "none" as const }) },
  );
  const request = fc.record({
    route: fc.constantFrom(...routes),
    otherMethod: fc.oneof(
      { weight: 10, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constantFrom(...methods) },
    ),
    params: fc.array(fc.oneof(weird, fc.constantFrom("fz-user", "fz-new", "1", "2", "999")), {
      minLength: 3,
      maxLength: 3,
    }),
    rawParam: fc.boolean(),
    query,
    body,
    auth,
    contentType: fc.constantFrom("application/json", "text/plain", "", "application/x-www-form-urlencoded"),
    extra: fc.array(
      fc.tuple(
        fc.constantFrom(
          "Idempotency-Key",
          "X-GitHub-Event",
          "X-GitHub-Delivery",
          "Last-Event-ID",
          "Content-Encoding",
          "Accept",
        ),
        weird,
      ),
      { maxLength: 3 },
    ),
    event: fc.constantFrom("delete", "push", "ping", ""),
    signed: fc.boolean(),
  });

  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      await s.ensureActors();
      let i = 0;
      const path = r.route.path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, () => {
        const v = r.params[i++ % 3]!;
        return r.rawParam ? v.replace(/[/?#\s]/g, "") || "x" : encodeURIComponent(v.replace(/[\ud800-\udfff]/g, "?"));
      });
      const q = new URLSearchParams(r.query);
      const headers = new Headers();
      const token =
        r.auth.kind === "bearer" || r.auth.kind === "basic" || r.auth.kind === "query"
          ? s.tokens.get(r.auth.login)!
          : "";
      if (r.auth.kind === "bearer") headers.set("Authorization", `Bearer ${token}`);
      if (r.auth.kind === "basic") headers.set("Authorization", `Basic ${btoa(`x:${token}`)}`);
      if (r.auth.kind === "query") q.set("access_token", token);
      if (r.auth.kind === "raw") headers.set("Authorization", headerValue(r.auth.raw));
      if (r.contentType) headers.set("Content-Type", r.contentType);
      for (const [k, v] of r.extra) headers.set(k, headerValue(v));
      if (r.route.path.startsWith("/api/webhooks")) {
        if (r.event) headers.set("X-GitHub-Event", r.event);
        if (r.signed)
          headers.set(
            "X-Hub-Signature-256",
            `sha256=${createHmac("sha256", secret)
              .update(r.body ?? "")
              .digest("hex")}`,
          );
      }
      const method = r.otherMethod ?? r.route.method;
      const qs = q.toString();
      const init: RequestInit = {
        method,
        headers,
        ...(r.body !== undefined && method !== "GET" && method !== "HEAD" ? { body: r.body } : {}),
      };
      let res: Response;
      try {
        res = await s.app.request(`${path}${qs ? `?${qs}` : ""}`, init);
      } catch (e) {
        throw new Error(`${method} ${path}?${qs} threw: ${(e as Error).stack}`);
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      // A stream (server-sent events) is never read to its end; a 2xx stream is all we need.
      if (res.headers.get("content-type")?.includes("text/event-stream")) {
        await res.body?.cancel();
        return;
      }
      const text = method === "HEAD" ? "" : await res.text();
      if (res.status >= 500)
        throw new Error(
          `${method} ${path}?${qs} → ${res.status} ${text.slice(0, 300)}\nbody: ${String(r.body).slice(0, 300)}`,
        );
      if (res.status >= 400 && method !== "HEAD") expect(JSON.parse(text).error).toBeString();
    }),
    { numRuns: runs, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
  );
  if (process.env.FUZZ_VERBOSE) console.error(Object.fromEntries(statuses));
  // The campaign reached handlers, not only the auth wall.
  expect([...statuses.keys()].some((st) => st >= 200 && st < 300)).toBe(true);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(runs / 20);
}, 60_000);
