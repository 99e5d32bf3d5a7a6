/**
 * The data dir under `gimlet serve`, with real processes: one server per data dir (a second one is
 * refused, kill -9 of the holder frees it), CLI commands next to a running server, private modes,
 * and a gitops token that never reaches the db file in plain text.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, gimlet, gimletBin } from "../support/bin.ts";

const root = mkdtempSync(join(tmpdir(), "gimlet-datadir-"));
const procs: ReturnType<typeof Bun.spawn>[] = [];
afterAll(() => {
  for (const p of procs) p.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

interface Server {
  proc: ReturnType<typeof Bun.spawn>;
  /** stderr so far; for a server that exited, all of it. */
  output: string;
  listening: boolean;
}

/** Starts `gimlet serve` and waits until it listens or exits. */
async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<Server> {
  const proc = Bun.spawn([gimletBin, "serve", "--data-dir", dataDir, "--listen", `127.0.0.1:${freePort()}`], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  procs.push(proc);
  const reader = (proc.stderr as ReadableStream<Uint8Array>).getReader();
  let output = "";
  const deadline = Date.now() + 10_000;
  while (!output.includes("listening") && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    output += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return { proc, output, listening: output.includes("listening") };
}

const mode = (p: string) => statSync(p).mode & 0o777;

describe("gimlet serve and its data dir", () => {
  test("a second server on the same data dir exits non-zero naming the dir and the holder's pid", async () => {
    const dir = join(root, "two");
    const first = await startServer(dir);
    expect(first.listening, first.output).toBe(true);
    const second = await startServer(dir);
    expect(second.listening).toBe(false);
    expect(await second.proc.exited).not.toBe(0);
    expect(second.output).toContain(
      `another gimlet serve (pid ${first.proc.pid}) is already serving the data dir ${dir}`,
    );
    expect(second.output).not.toContain("internal");
    // The first one is untouched by the attempt.
    expect(first.proc.exitCode).toBeNull();
  });

  test("CLI commands with --data-dir work while the server runs", async () => {
    const dir = join(root, "two");
    const env = await gimlet(["env", "create", "staging", "--builtin", "--data-dir", dir]);
    expect(env.code, env.stderr).toBe(0);
    const token = await gimlet(["user", "token", "admin", "--data-dir", dir]);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toMatch(/^glt_/);
    const list = await gimlet(["env", "list", "--data-dir", dir]);
    expect(list.stdout).toContain("staging\tbuiltin");
  });

  test("kill -9 of the holder frees the data dir for a new server at once", async () => {
    const dir = join(root, "two");
    const holder = procs[0]!;
    holder.kill("SIGKILL");
    await holder.exited;
    const next = await startServer(dir);
    expect(next.listening, next.output).toBe(true);
    next.proc.kill("SIGTERM");
    expect(await next.proc.exited).toBe(0);
    // A clean stop leaves the dir free too.
    const after = await startServer(dir);
    expect(after.listening, after.output).toBe(true);
    after.proc.kill("SIGKILL");
  });

  test("the data dir is 0700, its files 0600, and the db file holds no gitops token in plain text", async () => {
    const dir = join(root, "private");
    // Data dir commands refuse a dir that is not there (only serve makes one); an empty one they start.
    mkdirSync(dir);
    const secret = `ghp_${randomBytes(12).toString("hex")}`;
    const env = await gimlet([
      "env",
      "create",
      "prod",
      "--gitops-repo",
      "https://git.example/gitops.git",
      "--gitops-token",
      secret,
      "--data-dir",
      dir,
    ]);
    expect(env.code, env.stderr).toBe(0);
    const inUrl = await gimlet([
      "env",
      "create",
      "qa",
      "--gitops-repo",
      `https://x:${secret}@git.example/g.git`,
      "--data-dir",
      dir,
    ]);
    expect(inUrl.code).toBe(1);
    expect(inUrl.stderr).toContain(
      "--gitops-repo: --gitops-repo must not hold credentials (give the token with --gitops-token)",
    );
    const s = await startServer(dir);
    expect(s.listening, s.output).toBe(true);
    expect(mode(dir)).toBe(0o700);
    for (const f of readdirSync(dir))
      if (!statSync(join(dir, f)).isDirectory()) expect([f, mode(join(dir, f))]).toEqual([f, 0o600]);
    expect(readdirSync(dir)).toContain("encryption.key");
    const bytes = Buffer.concat(
      readdirSync(dir)
        .filter((f) => f.startsWith("gimlet.db"))
        .map((f) => readFileSync(join(dir, f))),
    );
    expect(bytes.includes(secret)).toBe(false);
    s.proc.kill("SIGKILL");
    await s.proc.exited;
  });

  test("a wrong GIMLET_ENCRYPTION_KEY stops the server at start with what to do", async () => {
    const dir = join(root, "private");
    const s = await startServer(dir, { GIMLET_ENCRYPTION_KEY: randomBytes(32).toString("base64") });
    expect(s.listening).toBe(false);
    expect(await s.proc.exited).not.toBe(0);
    expect(s.output).toContain("error: GIMLET_ENCRYPTION_KEY is not the key the credentials in");
    expect(s.output).toContain("encryption.key");
    // The refused start released the serve lock: the right key starts.
    const ok = await startServer(dir);
    expect(ok.listening, ok.output).toBe(true);
    ok.proc.kill("SIGKILL");
  });
});
