/**
 * The dashboard in real Chromium (Debian's /usr/bin/chromium driven by playwright-core) against the
 * compiled `dist/gimlet serve`: sign in with a password made by `gimlet user create --password-stdin`,
 * the env page shows an app released through the CLI, a second push updates the row without a reload
 * (the page's SSE stream makes the table refetch), roll back through the confirmation page, sign out.
 * No console errors (a CSP violation is one); axe-core finds no serious or critical violation on any
 * page, light or dark. Screenshots of every page, light and dark, and at 360 px, where no page scrolls
 * sideways; from each page's load (the delete confirmations of Settings too), Tab reaches the skip link,
 * the main nav and the page's primary action, every stop with a visible focus ring. A push on a new branch
 * adds it to an open repository page's branch switcher without a reload or taking the reader's focus.
 *   GIMLET_BIN=dist/gimlet (default) is the binary; GIMLET_SCREENSHOTS=DIR keeps the screenshots there.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { webArtifactFile } from "../../support/artifacts.ts";
import { freePort, gimlet, gimletBin } from "../../support/bin.ts";
import { chromiumPath, PageChecks, signIn } from "../../support/browser.ts";
import { FakeAgent, app as fakeApp, envState } from "../../support/fake-agent.ts";
import { overflowX, tabStops } from "../../support/keyboard.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gimlet-dash-"));
const work = mkdtempSync(join(tmpdir(), "gimlet-dash-work-"));
const shots = process.env.GIMLET_SCREENSHOTS ?? join(work, "screenshots");
const checks = new PageChecks(shots, "dashboard");
const { consoleErrors, axeProblems } = checks;
const watch = checks.watch.bind(checks);
const shoot = checks.shoot.bind(checks);

let server: ReturnType<typeof Bun.spawn> | undefined;
let url = "";
let token = "";
let browser: Browser;

const cli = (args: string[], stdin?: string) =>
  gimlet(args, { stdin, env: { GIMLET_SERVER: url, GIMLET_TOKEN: token, GIMLET_TRACK_INTERVAL_MS: "200" } });

function artifactFile(sha: string): string {
  const version = { authorName: "Dev One", url: "https://ci.example/1", created: 1700000000 };
  return webArtifactFile(work, sha, { image: { repository: "nginx", tag: sha } }, version);
}

async function push(sha: string): Promise<void> {
  const r = await cli(["artifact", "push", "-f", artifactFile(sha), "-o", "json"]);
  expect(r.code, r.stderr).toBe(0);
}

beforeAll(async () => {
  const port = freePort();
  url = `http://127.0.0.1:${port}`;
  const args = ["serve", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`];
  server = Bun.spawn([gimletBin, ...args], { stdout: "pipe", stderr: "pipe" });
  const reader = (server.stderr as ReadableStream<Uint8Array>).getReader();
  let buf = "";
  const deadline = Date.now() + 15_000;
  while (!buf.includes("listening") && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  token = /Admin token: (\S+)/.exec(buf)?.[1] ?? "";
  if (!token) throw new Error(`server did not start: ${buf}`);
  const env = await cli(["env", "create", "staging", "--builtin"]);
  expect(env.code, env.stderr).toBe(0);
  const user = await cli(["user", "create", "ann", "--role", "admin", "--password-stdin"], "correct horse battery\n");
  expect(user.code, user.stderr).toBe(0);
  browser = await chromium.launch({ executablePath: chromiumPath });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  server?.kill();
  await server?.exited;
  rmSync(dataDir, { recursive: true, force: true });
  if (!process.env.GIMLET_SCREENSHOTS) rmSync(work, { recursive: true, force: true });
});

test("sign in, see the app, a push updates the row live, roll back with confirmation, sign out", async () => {
  await push("aaa1111");
  const context = await browser.newContext({ viewport: { width: 1200, height: 850 } });
  const page = await context.newPage();
  watch(page);
  if (process.env.DEBUG_DASH) {
    page.on("response", (r) => console.log("res", r.status(), r.url()));
    page.on("console", (m) => console.log("console", m.type(), m.text()));
  }

  await page.goto(`${url}/envs/staging`);
  expect(page.url()).toBe(`${url}/login?next=%2Fenvs%2Fstaging`);
  await shoot(page, "login");
  await page.fill("#login", "ann");
  await page.fill("#password", "wrong password");
  await page.click("button:text-is('Sign in')");
  await page.waitForSelector("text=Wrong user or password.");
  await page.fill("#password", "correct horse battery");
  const streaming = page.waitForResponse((r) => r.url().includes("/ui/events?topic=env&"));
  await page.click("button:text-is('Sign in')");
  await page.waitForURL(`${url}/envs/staging`);
  const row = page.locator("#app-web");
  await row.waitFor();
  await expect(row.textContent()).resolves.toContain("aaa1111");
  await shoot(page, "env");

  // The page must not reload: a marker set on this document survives only an in-place update.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  await streaming;
  await push("bbb2222");
  const rowShows = () => document.querySelector("#app-web")?.textContent?.includes("bbb2222");
  await page.waitForFunction(rowShows, undefined, { timeout: 15_000 });
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

  // Roll back to the first release through the confirmation page.
  await page.click("#app-web a");
  await page.waitForURL(`${url}/envs/staging/apps/web`);
  await page.waitForSelector("text=Release history");
  await shoot(page, "app");
  await page.click("button:text('Roll back to this')");
  await page.waitForSelector("text=Roll back web in staging?");
  await shoot(page, "rollback-confirm");
  await page.click("#confirm-rollback");
  await page.waitForSelector("text=Rollback queued");
  const historyShows = () => document.querySelector("#history")?.textContent?.includes("rolled back");
  await page.waitForFunction(historyShows, undefined, { timeout: 15_000 });

  await page.goto(`${url}/activity`);
  await page.waitForSelector("#activity");
  await shoot(page, "activity");
  await page.goto(`${url}/settings`);
  await shoot(page, "settings");
  await page.goto(`${url}/repos`);
  await shoot(page, "repos");
  await page.goto(`${url}/`);
  await shoot(page, "envs");

  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(`${url}/envs/staging`);
  await page.screenshot({ path: join(shots, "dashboard-env-360.png"), fullPage: true });
  const overflow = await page.evaluate(() => {
    const el = document.documentElement;
    return el.scrollWidth - el.clientWidth;
  });
  expect(overflow).toBeLessThanOrEqual(0);

  await page.click("button:text('Sign out')");
  await page.waitForSelector("text=You are signed out.");
  await page.goto(`${url}/settings`);
  expect(page.url()).toStartWith(`${url}/login`);
  // A wrong password answers 401: Chromium logs the status as a console error; nothing else may.
  expect(consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  expect(axeProblems).toEqual([]);
  await context.close();
}, 90_000);

test("with an agent: pods and a failing pod's reason live, restart, streamed logs, stop", async () => {
  const made = await cli(["user", "create", "agent-staging", "--role", "agent", "--env", "staging"]);
  expect(made.code, made.stderr).toBe(0);
  const agent = new FakeAgent(url, made.stdout.trim(), "staging");
  await agent.register();
  const healthy = fakeApp("web");
  expect((await agent.snapshot(envState("staging", [healthy]))).status).toBe(200);

  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  watch(page);
  await page.goto(`${url}/login?next=%2Fenvs%2Fstaging%2Fapps%2Fweb`);
  await page.fill("#login", "ann");
  await page.fill("#password", "correct horse battery");
  const streaming = page.waitForResponse((r) => r.url().includes("/ui/events?topic=app&"));
  await page.click("button:text-is('Sign in')");
  await page.waitForURL(`${url}/envs/staging/apps/web`);
  await streaming;
  await page.waitForSelector("#pod-web-7d9f-a1");

  // The agent reports a crashing pod: its status and reason appear without a reload.
  const crashing = fakeApp("web", {
    pods: [
      {
        name: "web-7d9f-a1",
        status: "CrashLoopBackOff",
        ready: "0/1",
        restarts: 5,
        node: "node-1",
        statusDescription: "back-off 5m0s restarting failed container",
      },
      { name: "web-7d9f-b2", status: "Running", ready: "1/1", restarts: 0, node: "node-2" },
    ],
  });
  expect((await agent.update([crashing])).status).toBe(200);
  await page.waitForSelector("#pod-web-7d9f-a1 >> text=back-off 5m0s restarting failed container", { timeout: 15_000 });
  await shoot(page, "app-live");

  // Restart: the agent gets the command; its answer lands as a notice.
  const restarted = page.waitForURL(/done=restart/);
  // Not awaited: the post waits for the agent's answer, which comes below.
  const clicking = page.click("button:text-is('Restart')");
  const cmd = await agent.next("restartDeployment");
  expect(cmd).toMatchObject({ namespace: "default", name: "web" });
  await agent.result(cmd.id, { ok: true, data: { restartedAt: new Date().toISOString() } });
  await clicking;
  await restarted;
  await page.waitForSelector("text=Restart requested");

  // Logs: the panel streams what the agent relays, escaped, until Stop.
  await page.waitForSelector("#logs");
  await page.click("button:text-is('Show logs')");
  // One stream per pod that is not Pending; the agent says each started, then relays lines.
  const logCmd = await agent.next("podLogs");
  const logCmd2 = await agent.next("podLogs");
  for (const c of [logCmd, logCmd2]) await agent.result(c.id, { ok: true });
  await page.waitForSelector("#log-lines");
  expect((await agent.logs(logCmd.id, { lines: ["listening on :8080", "<b>not bold</b>"] })).status).toBeLessThan(300);
  await page.waitForSelector("#log-lines >> text=listening on :8080", { timeout: 10_000 });
  expect(await page.locator("#log-lines b").count()).toBe(0);
  expect(await page.locator("#log-lines").textContent()).toContain("<b>not bold</b>");
  await shoot(page, "app-logs");
  await page.click("button:text-is('Stop')");
  await page.waitForSelector("button:text-is('Show logs')");
  // Leaving the panel closes its stream; the server then stops both of the agent's streams.
  const stops = [await agent.next("stopPodLogs", 10_000), await agent.next("stopPodLogs", 10_000)];
  expect(stops.map((x) => x.id).sort()).toEqual([logCmd.id, logCmd2.id].sort());

  // Without JavaScript the same form opens the logs as plain text, streamed until every pod's log ends.
  const text = page.request.get(`${url}/envs/staging/apps/web/logs.txt?tail=5`);
  for (let i = 0; i < 2; i++) {
    const c = await agent.next("podLogs");
    expect(c).toMatchObject({ tailLines: 5 });
    expect(c.follow).toBeUndefined();
    await agent.result(c.id, { ok: true });
    await agent.logs(c.id, { lines: [`line from ${c.pod}`], done: true });
  }
  const body = await (await text).text();
  expect(body).toContain("web-7d9f-a1 line from web-7d9f-a1");
  expect(body).toContain("web-7d9f-b2 line from web-7d9f-b2");
  expect(body).toContain("[web-7d9f-b2] stream ended");

  expect(consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  expect(axeProblems).toEqual([]);
  agent.disconnect();
  await context.close();
}, 90_000);

test("a repository's page: branch switcher by keyboard, CI links, deploy behind the diff, followed live to applied", async () => {
  const shop = (sha: string, branch: string) => {
    const f = join(work, `shop-${sha}.json`);
    writeFileSync(
      f,
      JSON.stringify({
        version: {
          repositoryName: "acme/shop",
          sha,
          branch,
          event: "push",
          message: `shop ${sha}`,
          authorName: "Dev Two",
          url: `https://github.com/acme/shop/commit/${sha}`,
          created: 1700000000,
        },
        items: [{ name: "CI", url: `https://github.com/acme/shop/actions/runs/${sha}` }],
        environments: [
          { app: "shop", env: "staging", namespace: "default", values: { image: { repository: "nginx", tag: sha } } },
        ],
      }),
    );
    return f;
  };
  for (const [sha, branch] of [
    ["aaa0001", "main"],
    ["fff0001", "feature"],
  ] as const) {
    const r = await cli(["artifact", "push", "-f", shop(sha, branch), "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
  }
  const made = await cli(["user", "create", "flux-staging", "--role", "flux", "--env", "staging"]);
  expect(made.code, made.stderr).toBe(0);
  const fluxToken = made.stdout.trim();

  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  watch(page);
  await page.goto(`${url}/login?next=%2Frepos`);
  await page.fill("#login", "ann");
  await page.fill("#password", "correct horse battery");
  await page.click("button:text-is('Sign in')");
  await page.waitForURL(`${url}/repos`);
  await shoot(page, "repos-index");
  await page.click("a:text-is('acme/shop')");
  await page.waitForURL(`${url}/repos/acme/shop`);
  expect(await page.locator("li[id^='commit-']").count()).toBe(2);
  expect(await page.locator("a.ci-link").first().getAttribute("href")).toBe(
    "https://github.com/acme/shop/actions/runs/fff0001",
  );
  await shoot(page, "repo");

  // The branch switcher is a plain GET form: pick a branch with the keyboard, submit with Enter.
  await page.focus("#branch");
  await page.selectOption("#branch", "feature");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.waitForURL(`${url}/repos/acme/shop?branch=feature`);
  expect(await page.locator("li[id^='commit-']").count()).toBe(1);

  await page.click("button:text('Deploy to staging/shop')");
  await page.waitForSelector("text=Deploy shop to staging?");
  expect(await page.locator("pre.diff .add", { hasText: "image: nginx:fff0001" }).count()).toBe(1);
  await shoot(page, "repo-deploy-confirm");
  await page.click("#confirm-deploy");
  await page.waitForURL(/\/repos\/acme\/shop\/deploys\/[\w-]+\?done=deploy$/);
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
  // The worker writes the commit; the page's stream makes the progress refetch without a reload.
  await page.waitForSelector("#release-progress >> text=waiting for Flux", { timeout: 15_000 });
  const hash = await page.locator("#release-progress code").first().getAttribute("title");
  expect(hash).toMatch(/^[0-9a-f]{40}$/);
  const flux = await fetch(`${url}/api/flux-events`, {
    method: "POST",
    headers: { Authorization: `Bearer ${fluxToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ reason: "ReconciliationSucceeded", metadata: { revision: `main@sha1:${hash}` } }),
  });
  expect(flux.status).toBe(200);
  await page.waitForSelector("#release-progress .badge:text-is('applied')", { timeout: 15_000 });
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
  await shoot(page, "repo-deploy-applied");
  const followUrl = page.url();

  await page.setViewportSize({ width: 360, height: 800 });
  for (const at of [`${url}/repos`, `${url}/repos/acme/shop`, followUrl]) {
    await page.goto(at);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    expect(overflow, at).toBeLessThanOrEqual(0);
  }
  await page.screenshot({ path: join(shots, "dashboard-repo-360.png"), fullPage: true });
  expect(consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  expect(axeProblems).toEqual([]);
  await context.close();
}, 90_000);

test("an open repository page and the index show a newly pushed commit without a reload", async () => {
  const pushLive = async (sha: string, branch = "main") => {
    const f = join(work, `live-${sha}.json`);
    const version = { repositoryName: "acme/live", sha, branch, event: "push", message: `live ${sha}` };
    writeFileSync(
      f,
      JSON.stringify({ version, environments: [{ app: "live", env: "staging", namespace: "default" }] }),
    );
    const r = await cli(["artifact", "push", "-f", f, "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
  };
  await pushLive("abc0001");
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const repoPage = await context.newPage();
  watch(repoPage);
  await repoPage.goto(`${url}/login?next=%2Frepos%2Facme%2Flive%3Fbranch%3Dmain`);
  const streaming = repoPage.waitForResponse((r) => r.url().includes("/ui/events?topic=repo&"));
  await signIn(repoPage, "ann", "correct horse battery");
  await repoPage.waitForURL(`${url}/repos/acme/live?branch=main`);
  await streaming;
  const indexPage = await context.newPage();
  watch(indexPage);
  const indexStreaming = indexPage.waitForResponse((r) => r.url().includes("/ui/events?topic=repos&"));
  await indexPage.goto(`${url}/repos`);
  await indexStreaming;
  for (const p of [repoPage, indexPage]) await p.evaluate(() => ((window as unknown as { marker: number }).marker = 9));

  await pushLive("def0002");
  await repoPage.waitForSelector("#commits >> text=live def0002", { timeout: 15_000 });
  expect(await repoPage.locator("li[id^='commit-']").count()).toBe(2);
  await indexPage.waitForSelector("#repos >> text=live def0002", { timeout: 15_000 });
  for (const p of [repoPage, indexPage]) {
    expect(await p.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(9);
  }

  // A push on a new branch: the switcher offers it at once, while the reader's select keeps focus and choice.
  expect(await repoPage.locator("#branch option").allTextContents()).toEqual(["All branches", "main (2)"]);
  await repoPage.focus("#branch");
  await pushLive("rel0001", "release-1");
  await repoPage.waitForSelector("#branch option[value='release-1']", { state: "attached", timeout: 15_000 });
  expect(await repoPage.locator("#branch option").allTextContents()).toEqual([
    "All branches",
    "release-1 (1)",
    "main (2)",
  ]);
  expect(await repoPage.evaluate(() => document.activeElement?.id)).toBe("branch");
  expect(await repoPage.inputValue("#branch")).toBe("main");
  // Not the branch shown: the commit list stays as it was.
  expect(await repoPage.locator("li[id^='commit-']").count()).toBe(2);
  expect(await repoPage.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(9);
  // A choice made but not yet submitted survives the next refresh.
  await repoPage.selectOption("#branch", "release-1");
  await pushLive("rel0002", "release-1");
  await repoPage.waitForSelector("#branch option:text-is('release-1 (2)')", { state: "attached", timeout: 15_000 });
  expect(await repoPage.inputValue("#branch")).toBe("release-1");
  expect(await repoPage.evaluate(() => document.activeElement?.id)).toBe("branch");
  expect(consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  await context.close();
}, 60_000);

test("every page at 360 px scrolls no sideways; Tab reaches the skip link, the nav and the primary action, each ringed", async () => {
  // A new release: the ones before it can be rolled back to.
  await push("ccc3333");
  const made = await cli(["user", "create", "agent-kbd", "--role", "agent", "--env", "staging"]);
  expect(made.code, made.stderr).toBe(0);
  const agent = new FakeAgent(url, made.stdout.trim(), "staging");
  await agent.register();
  expect((await agent.snapshot(envState("staging", [fakeApp("web")]))).status).toBe(200);
  const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
  const page = await context.newPage();
  watch(page);
  const nav = ["gimlet", "Environments", "Repositories", "Activity", "Settings", "Sign out"];
  /** The page now shown: no sideways scroll; from its load, Tab reaches what it must, each with a focus ring. */
  const check = async (name: string, primary: RegExp[], withNav = true) => {
    const where = `${name} (${page.url()})`;
    expect(await overflowX(page), where).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(shots, `dashboard-${name}-360.png`), fullPage: true });
    await checks.axe(page, `${name}-360`);
    await page.reload();
    const stops = await tabStops(page, 150);
    const seen = stops.map((x) => `${x.tag} "${x.name}"${x.indicator ? "" : ` (no ring: ${x.outline})`}`).join(", ");
    expect(stops[0], where).toMatchObject({ name: "Skip to content", onScreen: true });
    if (withNav)
      expect(
        stops.filter((x) => x.nav).map((x) => x.name),
        where,
      ).toEqual(nav);
    for (const p of primary)
      expect(
        stops.some((x) => p.test(x.name)),
        `${where}: ${p} among ${seen}`,
      ).toBe(true);
    expect(
      stops.filter((x) => !x.indicator).map((x) => `${x.tag} "${x.name}": ${x.outline}`),
      where,
    ).toEqual([]);
  };
  await page.goto(`${url}/login?next=%2Factivity`);
  await check("login", [/^Sign in$/], false);
  await signIn(page, "ann", "correct horse battery");
  await page.waitForURL(`${url}/activity`);
  await check("activity", [/^Filter$/]);
  await page.goto(`${url}/`);
  await check("envs", [/^staging/]);
  await page.goto(`${url}/envs/staging`);
  await check("env", [/^web$/, /^Filter$/]);
  await page.goto(`${url}/envs/staging/apps/web`);
  await page.waitForSelector("button:text-is('Restart')");
  await check("app", [/^Restart$/, /^Show logs$/, /^Roll back to this/]);
  const to = await page.locator('#history input[name="to"]').first().getAttribute("value");
  await page.goto(`${url}/envs/staging/apps/web/rollback?to=${to}`);
  await check("rollback-confirm", [/^Roll back$/, /^Cancel$/]);
  await page.goto(`${url}/settings`);
  await check("settings", [/^New token$/, /^Create user$/]);
  await page.goto(`${url}/repos`);
  await check("repos", [/^acme\/web$/]);
  await page.goto(`${url}/repos/acme/web`);
  await check("repo", [/^Deploy to staging\/web/]);
  await page.locator("button:text('Deploy to staging/web')").first().click();
  await page.waitForSelector("#confirm-deploy");
  await check("deploy-confirm", [/^Deploy$/]);
  // Settings' delete confirmations (only looked at: nothing is posted).
  await page.goto(`${url}/settings/users/agent-kbd/delete`);
  await check("user-delete", [/^Settings$/, /^Delete agent-kbd$/, /^Cancel$/]);
  await shoot(page, "user-delete");
  await page.goto(`${url}/settings/envs/staging/delete`);
  await check("env-delete", [/^Settings$/, /^Delete staging$/, /^Cancel$/]);
  await shoot(page, "env-delete");
  // The keep-repos choice reads as one paragraph beside its box: a bare text run in the flex label would be
  // a flex item of its own, and the text would stand in narrow columns.
  const bareText = (l: Element) => [...l.childNodes].filter((n) => n.nodeType === 3 && n.textContent?.trim()).length;
  expect(await page.locator("label.check").evaluate(bareText)).toBe(0);
  expect(await page.locator("label.check > span").textContent()).toContain("Keep the hosted repos");
  // The probe sees a missing ring: with every outline taken away, no stop counts as ringed.
  await page.evaluate(() => {
    for (const el of document.querySelectorAll<HTMLElement>("*")) el.style.setProperty("outline", "none", "important");
  });
  const bare = await tabStops(page, 5);
  expect(bare.length).toBeGreaterThan(0);
  expect(bare.filter((x) => x.indicator)).toEqual([]);
  expect(consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  expect(axeProblems).toEqual([]);
  agent.disconnect();
  await context.close();
}, 120_000);
