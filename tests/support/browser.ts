/**
 * Shared pieces of the dashboard's Chromium tests: Debian's /usr/bin/chromium through playwright-core,
 * sign-in, console-error capture (a CSP violation is a console error), axe-core checks and screenshots
 * of a page in light and dark.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";

export const chromiumPath = "/usr/bin/chromium";

const axeSource = readFileSync(join(import.meta.dir, "../../node_modules/axe-core/axe.min.js"), "utf8");

/** Collects what every watched page logs as an error and what axe-core finds; shoots pages into `dir`. */
export class PageChecks {
  readonly consoleErrors: string[] = [];
  readonly axeProblems: string[] = [];
  /** Every HTML document a watched page loaded, with its Content-Security-Policy header. */
  readonly documents: { url: string; csp: string }[] = [];

  constructor(
    readonly dir: string,
    readonly prefix: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  watch(page: Page): void {
    page.on("console", (m) => {
      if (m.type() === "error") this.consoleErrors.push(`${m.text()} on ${page.url()}`);
    });
    page.on("pageerror", (e) => this.consoleErrors.push(String(e)));
    page.on("response", (r) => {
      const h = r.headers();
      if (r.request().resourceType() !== "document" || !h["content-type"]?.startsWith("text/html")) return;
      this.documents.push({ url: r.url(), csp: h["content-security-policy"] ?? "" });
    });
  }

  /** axe-core in the page (through the debugger, so the page's CSP stays as it is): serious and critical. */
  async axe(page: Page, name: string): Promise<void> {
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      type Result = { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
      const axe = (window as unknown as { axe: { run: (o: unknown) => Promise<Result> } }).axe;
      const r = await axe.run({ resultTypes: ["violations"] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
      }));
    });
    for (const v of violations) {
      if (v.impact !== "serious" && v.impact !== "critical") continue;
      this.axeProblems.push(`${name}: ${v.id} (${v.impact}) at ${v.targets.join(", ")}`);
    }
  }

  /** A full-page screenshot and an axe run in light and in dark; the page is left light. */
  async shoot(page: Page, name: string): Promise<void> {
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const path = join(this.dir, `${this.prefix}-${name}-${scheme}.png`);
      await page.screenshot({ path, fullPage: true, animations: "allow" });
      await this.axe(page, `${name} (${scheme})`);
    }
    await page.emulateMedia({ colorScheme: "light" });
  }

  /** Console errors except the ones a test provoked on purpose (`allowed`). */
  errorsExcept(allowed: RegExp): string[] {
    return this.consoleErrors.filter((e) => !allowed.test(e));
  }
}

/** Fills the sign-in form of the page at /login and submits it. */
export async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.fill("#login", login);
  await page.fill("#password", password);
  await page.click("button:text-is('Sign in')");
}
