/**
 * For dashboard route tests: a server (real store, hosted repo, worker, hub) driven through
 * app.request, and a browser-like client that signs in through the login form and posts forms
 * with the session cookie. Used by tests only.
 */
import { expect } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createUser } from "../../ops/index.ts";
import { SqliteStore } from "../../store/index.ts";
import { createApp } from "../app.ts";
import { EventHub } from "../event-hub.ts";
import { Repos } from "../repos.ts";
import { Worker } from "../worker.ts";

export const origin = "http://gimlet.test";

export const builtinEnv = (name: string) => ({
  name,
  repoUrl: "",
  repoToken: "",
  builtin: true,
  repoPerEnv: false,
  branch: "main",
});

const dirs: string[] = [];
/** Removes every dir setup made (call from afterAll). */
export const cleanUp = () => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));

/** A server with the env `staging`, an admin `ann` and a user `bob`. */
export async function setup() {
  const dir = mkdtempSync(join(tmpdir(), "pages-"));
  dirs.push(dir);
  const store = new SqliteStore(join(dir, "gimlet.db"));
  const repos = new Repos(dir);
  const env = await store.createEnv(builtinEnv("staging"));
  await repos.createBuiltin(env);
  const worker = new Worker({ store, repos });
  const events = new EventHub();
  const app = createApp({ store, repos, worker, events, sseHeartbeatMs: 50 });
  const o = { store, repos };
  const admin = await createUser(o, { login: "ann", role: "admin", password: "correct horse" });
  const user = await createUser(o, { login: "bob", role: "user", password: "battery staple" });
  const drain = async () => {
    while (await worker.runOnce());
  };
  return { store, repos, app, admin, user, drain, events };
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

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
export const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

/** Signs in through the login form (with its CSRF cookie); returns a client with the session cookie. */
export async function browser(s: Setup, login = "ann", password = "correct horse") {
  const lp = await s.app.request(`${origin}/login`);
  const res = await s.app.request(`${origin}/login`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Cookie: `gimlet_login_csrf=${cookiesOf(lp).gimlet_login_csrf}`,
      Origin: origin,
    },
    body: form({ _csrf: csrfIn(await lp.text()), login, password }),
  });
  const session = cookiesOf(res).gimlet_session;
  expect(session).toBeTruthy();
  const cookie = `gimlet_session=${session}`;
  const get = (path: string, h: Record<string, string> = {}) =>
    s.app.request(`${origin}${path}`, { headers: { Cookie: cookie, ...h } });
  const post = (path: string, fields: Record<string, string>, h: Record<string, string> = {}) =>
    s.app.request(`${origin}${path}`, {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: origin, ...h },
      body: form(fields),
    });
  return { get, post, cookie };
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
