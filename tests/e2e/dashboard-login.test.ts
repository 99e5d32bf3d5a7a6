/**
 * Dashboard sign-in end to end on dist/gimlet: passwords set by `gimlet user create --password-stdin`
 * and `gimlet user password` (on the data dir, beside a running server), a session over real HTTP,
 * a password change ending it; bad input exits non-zero with the reason.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, gimlet, gimletBin } from "../support/bin.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gimlet-login-"));
let server: ReturnType<typeof Bun.spawn> | undefined;
afterAll(() => {
  server?.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(url: string, login: string, password: string): Promise<Response> {
  const page = await fetch(`${url}/login`);
  const cookie = page.headers
    .getSetCookie()
    .find((c) => c.startsWith("gimlet_login_csrf="))!
    .split(";")[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  return fetch(`${url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie, Origin: url },
    body: new URLSearchParams({ _csrf: csrf, login, password }).toString(),
  });
}

test("passwords from stdin sign in over HTTP; changing one ends the sessions; bad input is refused", async () => {
  const local = ["--password-stdin", "--data-dir", dataDir];
  const made = await gimlet(["user", "create", "ann", "--role", "admin", ...local], { stdin: "correct horse\n" });
  expect(made.code, made.stderr).toBe(0);
  expect(made.stdout).toMatch(/^glt_/);
  const short = await gimlet(["user", "create", "bob", ...local], { stdin: "short\n" });
  expect(short.code).not.toBe(0);
  expect(short.stderr).toContain("at least 8 characters");
  expect((await gimlet(["user", "list", "--data-dir", dataDir])).stdout).not.toContain("bob");

  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ["serve", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`];
  server = Bun.spawn([gimletBin, ...args], { stdout: "pipe", stderr: "pipe" });
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await Bun.sleep(100);
  }
  const ok = await signIn(url, "ann", "correct horse");
  expect(ok.status).toBe(303);
  const session = ok.headers
    .getSetCookie()
    .find((c) => c.startsWith("gimlet_session="))!
    .split(";")[0]!;
  const home = await fetch(`${url}/`, { headers: { Cookie: session }, redirect: "manual" });
  expect(home.status).toBe(200);
  expect(home.headers.get("content-security-policy")).toContain("default-src 'none'");
  expect(await home.text()).toContain("Environments");

  const changed = await gimlet(["user", "password", "ann", ...local], { stdin: "battery staple\n" });
  expect(changed.code, changed.stderr).toBe(0);
  expect((await fetch(`${url}/`, { headers: { Cookie: session }, redirect: "manual" })).status).toBe(302);
  expect((await signIn(url, "ann", "correct horse")).status).toBe(401);
  expect((await signIn(url, "ann", "battery staple")).status).toBe(303);

  const agent = await gimlet(["user", "password", "nobody", ...local], { stdin: "long enough\n" });
  expect(agent.code).not.toBe(0);
  expect(agent.stderr).toContain('no user "nobody"');
}, 30_000);
