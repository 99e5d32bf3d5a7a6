/**
 * Whether the dashboard's cookies are Secure, for every combination of the public URL (`--host`),
 * `--trust-proxy` and a client's X-Forwarded-Proto: the header counts only from a trusted proxy, and
 * an https public URL makes them Secure whatever the request says. Real store and sign-in form.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createUser } from "../../ops/index.ts";
import type { ServerDeps } from "../deps.ts";
import { cleanUp, cookiesOf, csrfIn, formType, origin, signIn, testServer } from "../test-kit.ts";

afterAll(cleanUp);

async function server(app: Partial<ServerDeps>) {
  const s = await testServer({ prefix: "scheme-", app });
  await createUser({ store: s.store, repos: s.repos }, { login: "ann", role: "admin", password: "correct horse" });
  return s;
}

const setCookie = (res: Response, name: string) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))!;
const secure = (cookie: string) => /;\s*Secure/i.test(cookie);

/** Signs in with the headers; whether the login CSRF cookie, the session and its clearing are Secure. */
async function cookies(app: Partial<ServerDeps>, headers: Record<string, string>) {
  const s = await server(app);
  const login = await s.app.request(`${origin}/login`, { headers });
  const { res, session } = await signIn(s, "ann", "correct horse", headers);
  expect(res.status).toBe(303);
  const settings = await s.app.request(`${origin}/settings`, {
    headers: { ...headers, Cookie: `gimlet_session=${session}` },
  });
  const out = await s.app.request(`${origin}/logout`, {
    method: "POST",
    headers: { ...headers, "Content-Type": formType, Cookie: `gimlet_session=${session}`, Origin: origin },
    body: new URLSearchParams({ _csrf: csrfIn(await settings.text()) }).toString(),
  });
  expect(out.status).toBe(303);
  expect(cookiesOf(out).gimlet_session).toBe("");
  return [
    secure(setCookie(login, "gimlet_login_csrf")),
    secure(setCookie(res, "gimlet_session")),
    secure(setCookie(out, "gimlet_session")),
  ];
}

const https = { "X-Forwarded-Proto": "https" };
const http = { "X-Forwarded-Proto": "http" };
const all = [true, true, true];
const none = [false, false, false];

describe("Secure cookies", () => {
  const cases: [string, Partial<ServerDeps>, Record<string, string>, boolean[]][] = [
    ["no public URL, untrusted: a plain request", {}, {}, none],
    ["no public URL, untrusted: X-Forwarded-Proto https from any client is ignored", {}, https, none],
    ["no public URL, --trust-proxy: X-Forwarded-Proto https", { trustProxy: true }, https, all],
    ["no public URL, --trust-proxy: X-Forwarded-Proto http", { trustProxy: true }, http, none],
    ["no public URL, --trust-proxy: no header, the request's own scheme", { trustProxy: true }, {}, none],
    ["https public URL: always, without a header", { publicUrl: "https://gimlet.example.com" }, {}, all],
    ["https public URL: always, even when a client says http", { publicUrl: "https://gimlet.example.com" }, http, all],
    [
      "https public URL and --trust-proxy: the public URL wins over the proxy's http",
      { publicUrl: "https://gimlet.example.com", trustProxy: true },
      http,
      all,
    ],
    [
      "http public URL and --trust-proxy: the public URL decides, not X-Forwarded-Proto https",
      { publicUrl: "http://gimlet.internal", trustProxy: true },
      https,
      none,
    ],
  ];
  for (const [name, app, headers, expected] of cases) {
    test(`${name}: login CSRF, session, sign-out Secure = ${expected.join(", ")}`, async () => {
      expect(await cookies(app, headers)).toEqual(expected);
    });
  }
});

describe("the server URL pages show (agent install command)", () => {
  const agentUrl = async (app: Partial<ServerDeps>, headers: Record<string, string>) => {
    const s = await server(app);
    const { session } = await signIn(s, "ann", "correct horse", headers);
    const page = await s.app.request(`${origin}/settings`, {
      headers: { ...headers, Cookie: `gimlet_session=${session}` },
    });
    return await page.text();
  };

  test("the public URL when given; else https only from a trusted proxy", async () => {
    expect(await agentUrl({ publicUrl: "https://gimlet.example.com" }, http)).toContain("https://gimlet.example.com");
    expect(await agentUrl({}, https)).not.toContain("https://gimlet.test");
    expect(await agentUrl({}, https)).toContain("http://gimlet.test");
    expect(await agentUrl({ trustProxy: true }, https)).toContain("https://gimlet.test");
  });
});
