/**
 * The set-up server tests share: a temp data dir with a real SQLite store and hosted gitops repos,
 * the real worker and the app, driven through app.request or served on a port; for dashboard tests
 * a browser-like client that signs in through the login form and posts forms with the session
 * cookie. Used by tests (and benchmarks) only.
 */
import { expect } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createUser, type DataDir } from "../ops/index.ts";
import { SqliteStore, type Store } from "../store/index.ts";
import { createApp } from "./app.ts";
import type { ServerDeps } from "./deps.ts";
import { EventHub } from "./event-hub.ts";
import { Repos } from "./repos.ts";
import { Worker, type WorkerDeps } from "./worker.ts";

/** The fields of a builtin env (a gitops repo hosted in the data dir, branch main). */
export const builtinEnv = (name: string) => ({
  name,
  repoUrl: "",
  repoToken: "",
  builtin: true,
  repoPerEnv: false,
  branch: "main",
});

const undo: (() => unknown)[] = [];
/** Runs `f` at the next cleanUp: servers stopped, stores closed, dirs removed, newest first. */
export const onCleanUp = (f: () => unknown) => void undo.push(f);
/** Undoes every set-up made so far (call from afterAll or afterEach). */
export async function cleanUp(): Promise<void> {
  for (const f of undo.splice(0).reverse()) await f();
}

/** A fresh temp dir, removed at cleanUp. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanUp(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Creates the builtin env `name` in the store with its hosted gitops repo (a first commit on main). */
export async function hostedEnv(d: { store: Store; repos: DataDir }, name = "staging") {
  const env = await d.store.createEnv(builtinEnv(name));
  await d.repos.createBuiltin(env);
  return env;
}

/** A data dir (a temp one unless `dir` is given) with its store, repos and hosted envs (`staging`). */
export async function dataDir(o: { prefix?: string; dir?: string; envs?: string[]; now?: () => number } = {}) {
  const dir = o.dir ?? tempDir(o.prefix ?? "gimlet-test-");
  const store = new SqliteStore(join(dir, "gimlet.db"), o.now ? { now: o.now } : {});
  const repos = new Repos(dir);
  for (const name of o.envs ?? ["staging"]) await hostedEnv({ store, repos }, name);
  return { dir, store, repos };
}

export interface TestServerOptions {
  prefix?: string;
  /** Hosted envs to create (`staging`). */
  envs?: string[];
  /** The store's clock. */
  now?: () => number;
  worker?: Partial<WorkerDeps>;
  app?: Partial<ServerDeps>;
}

/** A data dir with the real worker (not started: `drain` runs the queue) and the app on one EventHub. */
export async function testServer(o: TestServerOptions = {}) {
  const d = await dataDir(o);
  const worker = new Worker({ store: d.store, repos: d.repos, ...o.worker });
  const events = new EventHub();
  const app = createApp({ store: d.store, repos: d.repos, worker, events, ...o.app });
  const drain = async () => {
    while (await worker.runOnce());
  };
  return { ...d, worker, events, app, drain };
}

/** Creates the admin `login` and returns a token of it. */
export async function adminToken(store: Store, login = "admin"): Promise<string> {
  await store.createUser(login, "admin");
  return store.issueToken(login);
}

/** Calls the JSON API with a bearer token (`null`: none); a string body is sent as it is. */
export function apiCaller(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  token: string,
) {
  return (method: string, path: string, body?: unknown, tok: string | null = token) =>
    app.request(path, {
      method,
      headers: { ...(tok ? { Authorization: `Bearer ${tok}` } : {}), "Content-Type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
}

/**
 * Serves the app on 127.0.0.1 (stopped at cleanUp). Bun's idle timeout is lifted for streams as
 * `gimlet serve` does, unless `liftTimeout` is false.
 */
export function listen(deps: ServerDeps, o: { idleTimeout: number; liftTimeout?: boolean }) {
  let server: ReturnType<typeof Bun.serve> | undefined;
  const requestTimeout = o.liftTimeout === false ? () => {} : (req: Request, s: number) => server!.timeout(req, s);
  const app = createApp({ ...deps, requestTimeout });
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, idleTimeout: o.idleTimeout });
  onCleanUp(() => server!.stop(true));
  return { app, url: `http://127.0.0.1:${server.port}` };
}

// The dashboard: a server with users who sign in, and a browser-like client.

export const origin = "http://gimlet.test";
export const formType = "application/x-www-form-urlencoded";

/** A server with the env `staging`, an admin `ann` and a user `bob`. */
export async function setup() {
  const s = await testServer({ prefix: "pages-", app: { sseHeartbeatMs: 50 } });
  const o = { store: s.store, repos: s.repos };
  const admin = await createUser(o, { login: "ann", role: "admin", password: "correct horse" });
  const user = await createUser(o, { login: "bob", role: "user", password: "battery staple" });
  return { store: s.store, repos: s.repos, app: s.app, admin, user, drain: s.drain, events: s.events };
}

export type Setup = Awaited<ReturnType<typeof setup>>;

export function cookiesOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of res.headers.getSetCookie()) {
    const [kv] = c.split(";");
    const i = kv!.indexOf("=");
    out[kv!.slice(0, i)] = kv!.slice(i + 1);
  }
  return out;
}

export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
export const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

/** Posts the login form (with its CSRF cookie) as a browser would; returns the response and session. */
export async function signIn(
  s: Pick<Setup, "app">,
  login: string,
  password: string,
  headers: Record<string, string> = {},
) {
  const lp = await s.app.request(`${origin}/login`, { headers });
  const csrfCookie = cookiesOf(lp).gimlet_login_csrf!;
  const res = await s.app.request(`${origin}/login`, {
    method: "POST",
    headers: { ...headers, "Content-Type": formType, Cookie: `gimlet_login_csrf=${csrfCookie}`, Origin: origin },
    body: form({ _csrf: csrfIn(await lp.text()), login, password, next: "/activity" }),
  });
  return { res, session: cookiesOf(res).gimlet_session };
}

/** Signs in; returns a browser-like client with the session cookie. */
export async function browser(s: Pick<Setup, "app">, login = "ann", password = "correct horse") {
  const { session } = await signIn(s, login, password);
  expect(session).toBeTruthy();
  const cookie = `gimlet_session=${session}`;
  const get = (path: string, h: Record<string, string> = {}) =>
    s.app.request(`${origin}${path}`, { headers: { Cookie: cookie, ...h } });
  /** The CSRF token of a page's forms. */
  const csrfOf = async (path = "/settings") => csrfIn(await (await get(path)).text());
  const post = (path: string, fields: Record<string, string>, h: Record<string, string> = {}) =>
    s.app.request(`${origin}${path}`, {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": formType, Origin: origin, ...h },
      body: form(fields),
    });
  return { get, post, csrfOf, cookie };
}

/** Pushes an artifact through the API as the admin; returns its id. */
export async function pushArtifact(s: Setup, artifact: Record<string, unknown>): Promise<string> {
  const res = await s.app.request("/api/artifact", {
    method: "POST",
    headers: { Authorization: `Bearer ${s.admin.token}`, "Content-Type": "application/json" },
    body: JSON.stringify(artifact),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}
