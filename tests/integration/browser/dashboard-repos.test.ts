/**
 * The dashboard's repository pages in real Chromium against the compiled `dist/gimlet serve`: the branch
 * switcher by keyboard, CI links, a deploy behind its diff followed live to applied, no sideways scroll
 * at 360 px; an open repository page and the index show a newly pushed commit without a reload, and a
 * push on a new branch adds it to the open page's branch switcher without taking the reader's focus.
 *   GIMLET_BIN=dist/gimlet (default) is the binary; GIMLET_SCREENSHOTS=DIR keeps the screenshots there.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { signIn } from "../../support/browser.ts";
import { DashboardServer } from "../../support/dashboard.ts";

const dash = new DashboardServer();
const { checks, work, shots } = dash;
const { consoleErrors, axeProblems } = checks;
const watch = checks.watch.bind(checks);
const shoot = checks.shoot.bind(checks);
const cli = dash.cli.bind(dash);
let url = "";
let browser: Browser;

beforeAll(async () => {
  await dash.start();
  ({ url, browser } = dash);
}, 30_000);

afterAll(() => dash.stop());

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
