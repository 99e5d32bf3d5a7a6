/**
 * One `gimlet serve` per dashboard browser test file: a fresh data dir, the builtin env staging, the admin
 * ann (password `annPassword`), Chromium, and the CLI pointed at the server. Each file starts its own, so a
 * file's pages see only what that file pushed.
 *   GIMLET_SCREENSHOTS=DIR keeps the screenshots there (otherwise they go with the work dir).
 */
import { expect } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { webArtifactFile } from "./artifacts.ts";
import { gimlet, type RunResult, type ServeProcess, startServe } from "./bin.ts";
import { chromiumPath, PageChecks } from "./browser.ts";

export const annPassword = "correct horse battery";

export class DashboardServer {
  readonly dataDir = mkdtempSync(join(tmpdir(), "gimlet-dash-"));
  /** Artifact files and (unless GIMLET_SCREENSHOTS) screenshots. */
  readonly work = mkdtempSync(join(tmpdir(), "gimlet-dash-work-"));
  readonly shots = process.env.GIMLET_SCREENSHOTS ?? join(this.work, "screenshots");
  readonly checks = new PageChecks(this.shots, "dashboard");
  url = "";
  token = "";
  browser!: Browser;
  private serve: ServeProcess | undefined;

  /** For beforeAll: the server, staging, ann and Chromium. */
  async start(): Promise<void> {
    this.serve = await startServe(this.dataDir);
    this.url = this.serve.url;
    this.token = this.serve.token;
    if (!this.token) throw new Error(`server did not start: ${this.serve.output}`);
    const env = await this.cli(["env", "create", "staging", "--builtin"]);
    expect(env.code, env.stderr).toBe(0);
    const user = await this.cli(["user", "create", "ann", "--role", "admin", "--password-stdin"], `${annPassword}\n`);
    expect(user.code, user.stderr).toBe(0);
    this.browser = await chromium.launch({ executablePath: chromiumPath });
  }

  /** For afterAll. */
  async stop(): Promise<void> {
    await this.browser?.close();
    this.serve?.proc.kill();
    await this.serve?.proc.exited;
    rmSync(this.dataDir, { recursive: true, force: true });
    if (!process.env.GIMLET_SCREENSHOTS) rmSync(this.work, { recursive: true, force: true });
  }

  cli(args: string[], stdin?: string): Promise<RunResult> {
    const env = { GIMLET_SERVER: this.url, GIMLET_TOKEN: this.token, GIMLET_TRACK_INTERVAL_MS: "200" };
    return gimlet(args, { stdin, env });
  }

  /** Pushes a release of acme/web's app web (nginx:`sha`) to staging through the CLI. */
  async push(sha: string): Promise<void> {
    const version = { authorName: "Dev One", url: "https://ci.example/1", created: 1700000000 };
    const file = webArtifactFile(this.work, sha, { image: { repository: "nginx", tag: sha } }, version);
    const r = await this.cli(["artifact", "push", "-f", file, "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
  }
}
