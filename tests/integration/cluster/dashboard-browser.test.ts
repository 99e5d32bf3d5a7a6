/**
 * The dashboard in real Chromium against the compiled `gimlet serve`, with the real `gimlet agent` on the
 * test cluster and Flux applying the hosted env repo: sign in; the env page shows the app; a CLI push
 * updates the row without a reload (new sha, then Flux's "applied"); deploy a commit from the
 * repositories page and follow its timeline; roll back through the confirmation diff; the logs panel
 * streams lines kwok serves from a file (kube-apiserver → agent → server → browser), also lines
 * appended while it is open; a pod patched into CrashLoopBackOff shows its reason; sign out.
 * Screenshots of every page, light and dark, in test-artifacts/screenshots (GIMLET_SCREENSHOTS=DIR
 * overrides); axe-core finds no serious or critical violation; every page has the CSP header and no
 * console error (CSP violations are).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { chromiumPath, PageChecks, signIn } from "../../support/browser.ts";
import { crashLoopStatus, eventually, useCluster } from "../../support/cluster.ts";
import { webArtifactFile } from "../../support/artifacts.ts";
import { HostedStaging } from "../../support/cluster-stack.ts";

const data = mkdtempSync(join(tmpdir(), "dash-cluster-"));
/** What kwok serves as every default-namespace container's log (CRI format, appended to below). */
const podLog = join(data, "pod.log");
const criLine = (text: string) => `${new Date().toISOString().replace("Z", "000000Z")} stdout F ${text}\n`;
writeFileSync(podLog, criLine("listening on :8080") + criLine("<b>not bold</b>"));

const cluster = useCluster({ podLogs: { file: podLog, namespaces: ["default"] } });
const checks = new PageChecks(
  resolve(process.env.GIMLET_SCREENSHOTS ?? join(import.meta.dir, "../../../test-artifacts/screenshots")),
  "cluster",
);
const password = "correct horse battery";
const stack = new HostedStaging(cluster, data, join(data, "procs.log"));
const { cli, web } = stack;
let url = "";
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Artifact ids by sha, from the CLI's push output. */
const artifactIds = new Map<string, string>();

async function push(sha: string): Promise<void> {
  const values = {
    replicas: 2,
    gitRepository: "acme/web",
    gitSha: "{{ .SHA }}",
    image: { repository: "nginx", tag: "{{ .SHA }}" },
  };
  const f = webArtifactFile(data, sha, values, { authorName: "Dev One", url: "https://ci.example/1" });
  artifactIds.set(sha, await stack.push(f));
}

/** Waits until the text of `sel` on the page (not reloaded) matches `re`; returns the seconds it took. */
async function pageShows(what: string, sel: string, re: RegExp, timeout = 60_000): Promise<number> {
  const t = performance.now();
  try {
    await page.waitForFunction(
      ([sel, source, flags]) => new RegExp(source!, flags).test(document.querySelector(sel!)?.textContent ?? ""),
      [sel, re.source, re.flags],
      { timeout, polling: 100 },
    );
  } catch (e) {
    const now = await page
      .locator(sel)
      .first()
      .textContent({ timeout: 1000 })
      .catch(() => "(absent)");
    throw new Error(`the page never showed ${what} in ${sel}: ${(e as Error).message.split("\n")[0]}; it has: ${now}`);
  }
  return (performance.now() - t) / 1000;
}

/** Opens the confirmation page's diff of the file ending in `file`; its lines must match `re`. */
async function openDiff(file: string, re: RegExp): Promise<void> {
  const details = page.locator("details", { has: page.locator(`summary code:text-matches("${file}$")`) }).first();
  await details.evaluate((d) => ((d as HTMLDetailsElement).open = true));
  const diff = (await details.locator(".diff").textContent()) ?? "";
  expect(diff).toMatch(re);
}

/** Set on the document: an in-place update keeps it, a reload loses it. */
const mark = () => page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
const marked = async () =>
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

beforeAll(async () => {
  await stack.start();
  url = stack.url;
  const ann = await cli(["user", "create", "ann", "--role", "admin", "--password-stdin"], `${password}\n`);
  expect(ann.code, ann.stderr).toBe(0);
  browser = await chromium.launch({ executablePath: chromiumPath });
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  page = await context.newPage();
  checks.watch(page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack.stop();
  if (process.env.KEEP_DASH_DATA) console.error(`kept ${data}`);
  else rmSync(data, { recursive: true, force: true });
});

describe("the dashboard on the real cluster", () => {
  test("sign in: the env page shows the app with its sha, Flux applied and Running pods", async () => {
    await push("aaa1111");
    await eventually("web Running at aaa1111", async () => (await web())?.workload?.sha === "aaa1111", 120_000);
    await page.goto(`${url}/envs/staging`);
    expect(page.url()).toBe(`${url}/login?next=%2Fenvs%2Fstaging`);
    await checks.shoot(page, "login");
    await signIn(page, "ann", password);
    await page.waitForURL(`${url}/envs/staging`);
    await page.locator("#app-web").waitFor();
    await pageShows("aaa1111 applied", "#app-web", /aaa1111[\s\S]*applied/);
    // Flux's own folder in the env's gitops repo is not an app.
    expect(await page.locator("#app-flux").count()).toBe(0);
    await checks.shoot(page, "env");
  }, 180_000);

  test("a push from the CLI: the row shows the new sha, then applied, without a reload", async () => {
    await mark();
    const t0 = performance.now();
    await push("bbb2222");
    const sha = await pageShows("bbb2222", "#app-web", /bbb2222/);
    await pageShows("bbb2222 applied", "#app-web", /bbb2222[\s\S]*applied/, 90_000);
    const applied = (performance.now() - t0) / 1000;
    console.log(`push → row shows the sha after ${sha.toFixed(1)} s, applied after ${applied.toFixed(1)} s`);
    await marked();
  }, 120_000);

  test("deploy a commit from the repositories page, with its diff; the timeline follows it live", async () => {
    await page.goto(`${url}/repos`);
    await checks.shoot(page, "repos");
    // The repository's own page, where there is one (/repos/OWNER/NAME); else the list deploys.
    const repoLink = page.locator('a[href="/repos/acme/web"]').first();
    if (await repoLink.count()) {
      await repoLink.click();
      await page.waitForURL(`${url}/repos/acme/web**`);
      await checks.shoot(page, "repo");
    }
    const id = artifactIds.get("aaa1111")!;
    await page.locator(`form:has(input[name="artifact"][value="${id}"]) button`).first().click();
    await page.waitForSelector("text=Deploy web to staging?");
    await openDiff("deployment.yaml", /^-.*nginx:bbb2222[\s\S]*^\+.*nginx:aaa1111/m);
    await checks.shoot(page, "deploy-confirm");
    await page.click("#confirm-deploy");
    await page.waitForURL(/\/repos\/acme\/web\/deploys\/[\w-]+\?done=deploy$|\/envs\/staging\/apps\/web\?done=deploy$/);
    if (page.url().includes("/deploys/")) {
      // The release's own page follows it through the queue and the gitops commit to Flux's word.
      await mark();
      await pageShows("the gitops commit and Flux applied", "#release-progress", /gitops commit[\s\S]*Flux applied/);
      await marked();
      await checks.shoot(page, "deploy-follow");
      await page.click("a:text('Timeline in the app')");
      await page.waitForURL(/\/envs\/staging\/apps\/web#release-/);
    }
    await mark();
    const first = "#history li:first-child";
    // Flux 2's kustomize-controller reports the apply as Progressing with the change set, and Ready only
    // in a commit_status=update event: both say "applied" (core/flux/verdict.ts). The rollout is the end.
    const s = await pageShows(
      "the timeline up to the rollout complete",
      first,
      /aaa1111[\s\S]*release requested[\s\S]*gitops commit made[\s\S]*Flux applied (just now|\d+ \w+ ago)[\s\S]*rollout complete (just now|\d+ \w+ ago)/,
      120_000,
    );
    const steps = await page.locator(`${first} .timeline li`).allTextContents();
    console.log(`deploy → timeline complete after ${s.toFixed(1)} s: ${steps.map((x) => x.trim()).join(" → ")}`);
    // The release timeline API's steps, each recorded but the CI commit's time (the artifact gives none).
    expect(steps.filter((x) => x.includes("not recorded")).map((x) => x.replace(/ .*/s, ""))).toEqual(["artifact"]);
    expect(steps.map((x) => x.trim().replace(/ (just now|\d+ \w+ ago)( \+\d+ \w+)?$| not recorded.*$/s, ""))).toEqual([
      "artifact created",
      "artifact received",
      "release requested",
      "gitops commit made",
      "pushed",
      "Flux applied",
      "rollout complete",
    ]);
    await marked();
    await checks.shoot(page, "app");
  }, 180_000);

  test("roll back through the confirmation diff: the app goes back to the release chosen", async () => {
    const older = page.locator('#history li:has(code[title="bbb2222"])').first();
    await older.locator("button:text('Roll back to this')").click();
    await page.waitForSelector("text=Roll back web in staging?");
    await openDiff("deployment.yaml", /^-.*nginx:aaa1111[\s\S]*^\+.*nginx:bbb2222/m);
    await checks.shoot(page, "rollback-confirm");
    await page.click("#confirm-rollback");
    await page.waitForSelector("text=Rollback queued");
    await mark();
    await pageShows("a rolled-back release", "#history", /rolled back/);
    await pageShows("pods of bbb2222 again", "#live-card", /nginx:bbb2222/, 90_000);
    await marked();
    expect((await web())?.workload?.sha).toBe("bbb2222");
    await page.goto(`${url}/envs/staging`);
    // Applied: Flux applied the revert commit that restored the release (its newest commit touching the app).
    await pageShows("bbb2222 healthy again", "#app-web", /bbb2222[\s\S]*healthy/, 30_000);
    await pageShows("bbb2222 applied after the rollback", "#app-web", /bbb2222[\s\S]*applied/, 90_000);
  }, 180_000);

  test("the logs panel streams the pods' real logs, lines appended later too, escaped", async () => {
    await page.goto(`${url}/envs/staging/apps/web`);
    await page.click("button:text-is('Show logs')");
    await pageShows("the file's lines", "#log-lines", /listening on :8080/, 30_000);
    expect(await page.locator("#log-lines b").count()).toBe(0);
    expect(await page.locator("#log-lines").textContent()).toContain("<b>not bold</b>");
    const t0 = performance.now();
    appendFileSync(podLog, criLine("GET /healthz 200 appended"));
    await pageShows("the appended line", "#log-lines", /\/healthz 200 appended/, 30_000);
    console.log(`log line appended → in the browser after ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    // Every pod's stream relays the same file: each line shows once per pod, under that pod's name.
    const pods = ((await web())?.pods ?? []).map((p) => p.name);
    const text = (await page.locator("#log-lines").textContent()) ?? "";
    for (const p of pods) expect(text).toContain(`${p} GET /healthz 200 appended`);
    await checks.shoot(page, "app-logs");
    await page.click("button:text-is('Stop')");
    await page.waitForSelector("button:text-is('Show logs')");
  }, 90_000);

  test("a pod in CrashLoopBackOff shows its reason on the app page without a reload", async () => {
    await mark();
    const pod = (await web())!.pods[0]!.name;
    const status = crashLoopStatus("nginx:bbb2222", 4, "1m20s", 1);
    await cluster.kubectl([
      ...["-n", "default", "patch", "pod", pod, "--subresource=status", "--type=merge"],
      ...["-p", JSON.stringify({ status })],
    ]);
    const s = await pageShows(
      "the crash reason",
      `#pod-${pod}`,
      /CrashLoopBackOff[\s\S]*back-off 1m20s restarting failed container/,
      30_000,
    );
    console.log(`pod patched into CrashLoopBackOff → on the page after ${s.toFixed(1)} s`);
    await marked();
    await checks.shoot(page, "app-failing");
  }, 60_000);

  test("the other pages, then sign out: no console error, no serious accessibility violation", async () => {
    for (const [path, name] of [
      ["/", "envs"],
      ["/activity", "activity"],
      ["/settings", "settings"],
    ] as const) {
      await page.goto(`${url}${path}`);
      await checks.shoot(page, name);
    }
    await page.click("button:text('Sign out')");
    await page.waitForSelector("text=You are signed out.");
    await checks.shoot(page, "signed-out");
    await page.goto(`${url}/envs/staging`);
    expect(page.url()).toStartWith(`${url}/login`);
    expect(checks.consoleErrors).toEqual([]);
    // Every page came with the policy that forbids inline code (Chromium logs each violation as an error).
    expect(checks.documents.length).toBeGreaterThan(15);
    expect(checks.documents.filter((d) => !/script-src 'self';/.test(d.csp) || /unsafe/.test(d.csp))).toEqual([]);
    expect(checks.axeProblems).toEqual([]);
  }, 60_000);
});
