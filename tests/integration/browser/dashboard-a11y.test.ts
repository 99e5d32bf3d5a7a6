/**
 * Every dashboard page in real Chromium at 360 px against the compiled `dist/gimlet serve`: no page scrolls
 * sideways; from each page's load (the delete confirmations of Settings too), Tab reaches the skip link,
 * the main nav and the page's primary action, every stop with a visible focus ring. No console errors;
 * axe-core finds no serious or critical violation.
 *   GIMLET_BIN=dist/gimlet (default) is the binary; GIMLET_SCREENSHOTS=DIR keeps the screenshots there.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { signIn } from "../../support/browser.ts";
import { DashboardServer } from "../../support/dashboard.ts";
import { FakeAgent, app as fakeApp, envState } from "../../support/fake-agent.ts";
import { overflowX, tabStops } from "../../support/keyboard.ts";

const dash = new DashboardServer();
const { checks, shots } = dash;
const { consoleErrors, axeProblems } = checks;
const watch = checks.watch.bind(checks);
const shoot = checks.shoot.bind(checks);
const cli = dash.cli.bind(dash);
const push = dash.push.bind(dash);
let url = "";
let browser: Browser;

beforeAll(async () => {
  await dash.start();
  ({ url, browser } = dash);
  // A first release of app web, as the CLI would have pushed it: the test's own push makes it one to roll back to.
  await dash.push("aaa1111");
}, 30_000);

afterAll(() => dash.stop());

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
