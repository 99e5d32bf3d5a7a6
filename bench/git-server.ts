/**
 * gimlet's git server against `git http-backend` serving the same repo (default 1,000 apps,
 * 10,000 commits): `git clone --depth 1` and a full `git clone`, as ratios, plus the peak RSS of
 * the gimlet server process during the clones.
 *   bun bench/git-server.ts [--commits N] [--apps N] [--runs N] [--bin PATH]
 * Targets (issue 6): shallow clone ≤ 2× http-backend; full clone ≤ 4×; memory bounded (reported).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startGitServer } from "../tests/support/git-server.ts";
import { makeSyntheticRepo } from "../tests/support/synthetic-repo.ts";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { commits: { type: "string", default: "10000" }, apps: { type: "string", default: "1000" }, runs: { type: "string", default: "3" }, bin: { type: "string" } } });
const runs = Number(values.runs);
const work = mkdtempSync(join(tmpdir(), "bench-git-server-"));
const backend = await startGitServer();
const bin = values.bin ?? join(import.meta.dir, "../dist/gimlet");
let gimlet: ReturnType<typeof Bun.spawn> | undefined;
try {
  let t = performance.now();
  await makeSyntheticRepo(join(backend.root, "apps.git"), { commits: Number(values.commits), apps: Number(values.apps) });
  // The same repo for gimlet: a hosted repo in its data dir.
  const data = join(work, "data");
  await Bun.$`mkdir -p ${join(data, "repos")} && cp -r ${join(backend.root, "apps.git")} ${join(data, "repos", "staging-apps.git")}`.quiet();
  console.log(`repo: ${values.commits} commits, ${values.apps} apps (${((performance.now() - t) / 1000).toFixed(1)} s to make)`);
  const port = 20000 + Math.floor(Math.random() * 20000);
  gimlet = Bun.spawn([bin, "serve", "--data-dir", data, "--listen", `127.0.0.1:${port}`], { stdout: "ignore", stderr: "pipe" });
  const reader = (gimlet.stderr as ReadableStream<Uint8Array>).getReader();
  let buf = "";
  while (!buf.includes("listening")) buf += new TextDecoder().decode((await reader.read()).value);
  const token = /Admin token: (\S+)/.exec(buf)![1]!;
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${gimlet!.pid}/status`, "utf8"))![1]) * 1024;
      peak = Math.max(peak, rss);
    } catch {
      // process gone
    }
  }, 20);
  const clone = async (url: string, args: string[]) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const dest = join(work, `c-${Math.random()}`);
      const t0 = performance.now();
      const p = Bun.spawn(["git", "clone", "-q", "--no-checkout", ...args, url, dest], { stderr: "pipe", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
      if ((await p.exited) !== 0) throw new Error(`clone failed: ${await new Response(p.stderr).text()}`);
      times.push(performance.now() - t0);
      rmSync(dest, { recursive: true, force: true });
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  };
  const ours = `http://gimlet:${token}@127.0.0.1:${port}/git/staging-apps.git`;
  const theirs = backend.url("apps.git");
  for (const [label, args, target] of [
    ["shallow clone (--depth 1)", ["--depth", "1"], 2],
    ["full clone", [], 4],
  ] as const) {
    const [a, b] = [await clone(ours, [...args]), await clone(theirs, [...args])];
    console.log(`${label}: gimlet ${a.toFixed(0)} ms, git http-backend ${b.toFixed(0)} ms → ${(a / b).toFixed(2)}× (target ≤ ${target}×) ${a / b <= target ? "OK" : "OVER"}`);
  }
  clearInterval(sampler);
  console.log(`gimlet serve peak RSS during the clones: ${(peak / 1e6).toFixed(0)} MB`);
} finally {
  gimlet?.kill();
  backend.stop();
  rmSync(work, { recursive: true, force: true });
}
