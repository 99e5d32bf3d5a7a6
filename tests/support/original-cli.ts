/**
 * A `gimlet serve` with a built-in "staging" env, as the original Gimlet CLI binaries meet it
 * (tests/e2e/original-cli*.test.ts): this CLI and the API with the admin token, artifacts that
 * deploy `web` to staging, and Flux reports posted the way the notification-controller does.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "bun:test";
import { webArtifactFile } from "./artifacts.ts";
import { gimlet, type RunResult, startServe } from "./bin.ts";

export interface OriginalCliBed {
  url: string;
  token: string;
  work: string;
  /** The built-in gitops repo of "staging". */
  gitdir: string;
  /** This CLI, pointed at the server. */
  cli(args: string[]): Promise<RunResult>;
  api(path: string, init?: RequestInit): Promise<{ status: number; json: any }>;
  /** An artifact JSON file for acme/web@sha whose one manifest deploys `web` to staging on push to main. */
  artifactFile(sha: string, values?: Record<string, unknown>): string;
  /** Polls the artifact's tracking until its processing ended. */
  processed(artifactId: string): Promise<any>;
  fluxSays(hash: string, reason: string): Promise<void>;
  /** An original CLI binary, pointed at the server by environment. */
  orig(bin: string, args: string[], cwd?: string): Promise<RunResult>;
  stop(): void;
}

export async function startOriginalCliBed(): Promise<OriginalCliBed> {
  const dataDir = mkdtempSync(join(tmpdir(), "gimlet-orig-cli-"));
  const work = mkdtempSync(join(tmpdir(), "gimlet-orig-cli-work-"));
  const serve = await startServe(dataDir);
  const { url, token } = serve;
  const env = await gimlet(["env", "create", "staging", "--builtin", "--data-dir", dataDir]);
  if (env.code !== 0) throw new Error(env.stderr);

  const cli = (args: string[]) =>
    gimlet(args, { env: { GIMLET_SERVER: url, GIMLET_TOKEN: token, GIMLET_TRACK_INTERVAL_MS: "100" } });
  const api = async (path: string, init: RequestInit = {}) => {
    const headers = { Authorization: `Bearer ${token}`, ...init.headers };
    const res = await fetch(`${url}${path}`, { ...init, headers });
    return { status: res.status, json: (await res.json()) as any };
  };
  let fluxUsers = 0;
  return {
    url,
    token,
    work,
    gitdir: join(dataDir, "repos", "staging-apps.git"),
    cli,
    api,
    artifactFile(sha, values = { image: { repository: "nginx", tag: "{{ .SHA }}" } }) {
      return webArtifactFile(work, sha, values, { url: "https://x", created: 1700000000 });
    },
    async processed(artifactId) {
      for (let i = 0; i < 100; i++) {
        const t = await api(`/api/eventArtifactTrack?artifactId=${encodeURIComponent(artifactId)}`);
        if (t.json.status === "processed" || t.json.status === "error") return t.json;
        await Bun.sleep(50);
      }
      throw new Error(`artifact ${artifactId} was not processed`);
    },
    async fluxSays(hash, reason) {
      const flux = await cli(["user", "create", `flux-${++fluxUsers}`, "--role", "flux"]);
      const res = await fetch(`${url}/api/flux-events?env=staging&access_token=${flux.stdout.trim()}`, {
        method: "POST",
        body: JSON.stringify({ reason, message: reason, metadata: { revision: `main@sha1:${hash}` } }),
      });
      expect(res.status).toBe(200);
    },
    async orig(bin, args, cwd = work) {
      // By environment: urfave/cli stops reading flags at the first positional argument.
      const env = { PATH: process.env.PATH ?? "", HOME: work, GIMLET_SERVER: url, GIMLET_TOKEN: token };
      const p = Bun.spawn([bin, ...args], { cwd, stdout: "pipe", stderr: "pipe", env });
      const [stdout, stderr, code] = await Promise.all([
        new Response(p.stdout).text(),
        new Response(p.stderr).text(),
        p.exited,
      ]);
      return { code, stdout, stderr };
    },
    stop() {
      serve.proc.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Where tests/e2e/README.md says to build the original CLI binaries (the Go proxy does not serve them). */
export function originalCliBin(version: "v0.12.2" | "cli-v0.20.0"): { path: string; built: boolean } {
  const bin = join(process.env.GIMLET_CACHE ?? join(homedir(), ".cache/gimlet"), "bin");
  const path = join(bin, version === "v0.12.2" ? "gimlet-v0.12.2" : "gimlet-cli-v0.20.0");
  return { path, built: existsSync(path) };
}
