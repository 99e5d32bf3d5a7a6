/**
 * `gimlet stack configure` in real Chromium (Debian's /usr/bin/chromium driven by playwright-core):
 * enable two components, fill a required field, save → stack.yaml as expected (comments kept);
 * invalid values show the schema's message at the field, with htmx and without JavaScript; the
 * CSP holds; closing the page ends the command.
 *   GIMLET_BIN=dist/gimlet runs the compiled binary instead of the source.
 *   GIMLET_SCREENSHOTS=DIR keeps the screenshots there.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { parse } from "yaml";

const chromiumPath = "/usr/bin/chromium";
const root = resolve(import.meta.dir, "../../..");
const fixture = join(import.meta.dir, "fixtures/stack");
const dir = mkdtempSync(join(tmpdir(), "gimlet-configure-"));
const shots = process.env.GIMLET_SCREENSHOTS ?? dir;
const stackFile = join(dir, "stack.yaml");
const original = `---
# the infra stack of prod
stack:
  repository: ${fixture}
config:
  loki:
    enabled: false # later
`;

let proc: ReturnType<typeof Bun.spawn>;
let url: string;
let browser: Browser;
const consoleErrors: string[] = [];
/**
 * The first test's page stays open until the last test's page is connected: the command ends 4 s after
 * its last page closes, and the no-JavaScript test in between opens no heartbeat, so on a loaded machine
 * the gap could outlast the idle time.
 */
let firstContext: BrowserContext | undefined;

async function readUrl(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(text);
    if (m) {
      reader.releaseLock();
      return m[0];
    }
  }
  throw new Error(`no URL printed: ${text}`);
}

beforeAll(async () => {
  writeFileSync(stackFile, original);
  const cmd = process.env.GIMLET_BIN ? [process.env.GIMLET_BIN] : [process.execPath, join(root, "src/main.ts")];
  proc = Bun.spawn([...cmd, "stack", "configure", "-c", stackFile], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, GIMLET_CONFIGURE_IDLE_MS: "4000" },
  });
  url = await readUrl(proc.stdout as ReadableStream<Uint8Array>);
  browser = await chromium.launch({ executablePath: chromiumPath });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  if (proc && proc.exitCode === null) proc.kill();
});

function watch(page: Page): void {
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(`${m.text()} at ${JSON.stringify(m.location())} on ${page.url()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
}

test("enable two components, fill the required fields, save; bad values are reported in place", async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  watch(page);
  const res = await page.goto(url);
  expect(res!.headers()["content-security-policy"]).toContain("script-src 'self'");
  await expect(page.locator("#category-ingress h2").textContent()).resolves.toBe("Ingress");
  await page.screenshot({
    path: join(shots, "stack-configure-overview.png"),
    fullPage: true,
    caret: "initial",
    animations: "allow",
  });

  // Nginx: the one-pager is rendered Markdown and its <script> stays text.
  await page.click("#tile-nginx");
  await page.waitForSelector("#component-form");
  expect(await page.locator(".one-pager h4").textContent()).toBe("What do you get with Nginx?");
  expect(await page.title()).not.toBe("pwned");
  expect(await page.locator("#nginx-host").count()).toBe(0);
  // Ticking "Enabled" swaps in the branch with the required host (htmx, no reload).
  await page.check("#nginx-enabled");
  await page.waitForSelector("#nginx-host");
  await page.click("button[type=submit]");
  await expect(page.locator("#nginx-host-error").textContent()).resolves.toBe("is required");
  await page.fill("#nginx-host", "example.com");
  await page.click("button[type=submit]");
  await page.waitForSelector("#component-form .notice");
  expect(await page.locator("#component-form .notice").textContent()).toBe("Saved to stack.yaml.");

  // CertManager: an invalid email gets the schema's format message at the field, then a valid one saves.
  await page.goto(url);
  await page.click("#tile-certManager");
  await page.check("#certManager-enabled");
  await page.waitForSelector("#certManager-email");
  await page.fill("#certManager-email", "not an email");
  await page.click("button[type=submit]");
  await page.waitForSelector("#certManager-email-error");
  expect(await page.locator("#certManager-email-error").textContent()).toBe('must match format "email"');
  expect(await page.locator("#certManager-email").getAttribute("aria-invalid")).toBe("true");
  await page.screenshot({
    path: join(shots, "stack-configure-error.png"),
    fullPage: true,
    caret: "initial",
    animations: "allow",
  });
  expect(parse(readFileSync(stackFile, "utf8")).config.certManager).toBeUndefined();
  await page.fill("#certManager-email", "ops@example.com");
  await page.click("button[type=submit]");
  await page.waitForSelector("#component-form .notice");

  const text = readFileSync(stackFile, "utf8");
  expect(parse(text)).toEqual({
    stack: { repository: fixture },
    config: {
      loki: { enabled: false },
      nginx: { enabled: true, host: "example.com" },
      certManager: { enabled: true, email: "ops@example.com" },
    },
  });
  expect(text).toStartWith("---\n# the infra stack of prod\n");
  expect(text).toContain("enabled: false # later");
  await page.goto(url);
  expect(await page.locator("#tile-nginx .badge").textContent()).toBe("enabled");
  firstContext = context;
}, 60_000);

test("without JavaScript the form posts normally and shows the schema's message in place", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(url + "components/loki");
  await page.fill("#loki-volumeSize", "0");
  await page.selectOption("#loki-retention", "30d");
  const [res] = await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  expect(res!.status()).toBe(422);
  expect(await page.locator("#loki-volumeSize-error").textContent()).toBe("must be >= 1");
  expect(await page.locator("#loki-volumeSize").inputValue()).toBe("0");
  expect(parse(readFileSync(stackFile, "utf8")).config.loki).toEqual({ enabled: false });
  await page.fill("#loki-volumeSize", "25");
  const [ok] = await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  expect(ok!.status()).toBe(200);
  // The unticked Persistence box is on the page, so it is saved as false.
  expect(parse(readFileSync(stackFile, "utf8")).config.loki).toEqual({
    enabled: false,
    persistence: false,
    volumeSize: 25,
    retention: "30d",
  });
  await context.close();
}, 30_000);

test("a POST without the CSRF token changes nothing", async () => {
  const before = readFileSync(stackFile, "utf8");
  const res = await fetch(url + "components/nginx", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "nginx.enabled=false",
  });
  expect(res.status).toBe(403);
  expect(readFileSync(stackFile, "utf8")).toBe(before);
});

test("no CSP violations or script errors, and closing the page ends the command", async () => {
  // The 422s are the invalid saves above (Chromium logs every 4xx response).
  expect(consoleErrors.filter((e) => !/status of 422/.test(e))).toEqual([]);
  const page = await browser.newPage();
  const connected = page.waitForResponse((r) => new URL(r.url()).pathname === "/heartbeat", { timeout: 10_000 });
  await page.goto(url);
  await connected;
  await firstContext?.close();
  // An open page keeps the command alive past the idle time; closing it ends the command.
  await Bun.sleep(5_000);
  expect(proc.exitCode).toBeNull();
  await browser.close();
  const code = await Promise.race([proc.exited, Bun.sleep(10_000).then(() => "still running")]);
  expect(code).toBe(0);
}, 20_000);
