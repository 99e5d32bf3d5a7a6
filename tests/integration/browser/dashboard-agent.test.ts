/**
 * The dashboard's app page in real Chromium against the compiled `dist/gimlet serve`, with a fake agent:
 * pods and a failing pod's reason appear live, Restart reaches the agent, the logs panel streams what the
 * agent relays (escaped) until Stop, and without JavaScript the logs open as plain text. No console
 * errors; axe-core finds no serious or critical violation, light or dark.
 *   GIMLET_BIN=dist/gimlet (default) is the binary; GIMLET_SCREENSHOTS=DIR keeps the screenshots there.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { DashboardServer } from "../../support/dashboard.ts";
import { FakeAgent, app as fakeApp, envState } from "../../support/fake-agent.ts";

const dash = new DashboardServer();
const { checks } = dash;
const { consoleErrors, axeProblems } = checks;
const watch = checks.watch.bind(checks);
const shoot = checks.shoot.bind(checks);
const cli = dash.cli.bind(dash);
let url = "";
let browser: Browser;

beforeAll(async () => {
  await dash.start();
  ({ url, browser } = dash);
  // App web has a release in staging, as the CLI would have pushed it.
  await dash.push("aaa1111");
}, 30_000);

afterAll(() => dash.stop());

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
