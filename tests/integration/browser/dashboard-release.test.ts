/**
 * The dashboard in real Chromium (Debian's /usr/bin/chromium driven by playwright-core) against the
 * compiled `dist/gimlet serve`: sign in with a password made by `gimlet user create --password-stdin`,
 * the env page shows an app released through the CLI, a second push updates the row without a reload
 * (the page's SSE stream makes the table refetch), roll back through the confirmation page, sign out.
 * No console errors (a CSP violation is one); axe-core finds no serious or critical violation on any
 * page, light or dark. Screenshots of every page, light and dark, and the env page at 360 px, where it
 * does not scroll sideways.
 *   GIMLET_BIN=dist/gimlet (default) is the binary; GIMLET_SCREENSHOTS=DIR keeps the screenshots there.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { DashboardServer } from "../../support/dashboard.ts";

const dash = new DashboardServer();
const { checks, shots } = dash;
const { consoleErrors, axeProblems } = checks;
const watch = checks.watch.bind(checks);
const shoot = checks.shoot.bind(checks);
const push = dash.push.bind(dash);
let url = "";
let browser: Browser;

beforeAll(async () => {
  await dash.start();
  ({ url, browser } = dash);
}, 30_000);

afterAll(() => dash.stop());

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
