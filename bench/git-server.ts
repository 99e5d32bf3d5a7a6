/**
 * gimlet's git server against `git http-backend` serving the same repo (default 1,000 apps,
 * 10,000 commits): `git clone --depth 1` and a full `git clone`, as ratios, plus the peak RSS of
 * the gimlet server process during the clones, split into what the process holds itself (anonymous,
 * private) and file pages (the mmapped packs, which the kernel can drop), against the peak RSS of
 * git's server side (http-backend, upload-pack, pack-objects) in the same run.
 *   bun bench/git-server.ts [--commits N] [--apps N] [--runs N] [--bin PATH]
 * Targets (issues 6, 18): shallow clone ≤ 2× http-backend; full clone ≤ 1.5×; gimlet's own memory
 * (anonymous RSS) ≤ 200 MB.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startGitServer } from "../tests/support/git-server.ts";
import { makeSyntheticRepo } from "../tests/support/synthetic-repo.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    commits: { type: "string", default: "10000" },
    apps: { type: "string", default: "1000" },
    runs: { type: "string", default: "3" },
    bin: { type: "string" },
  },
});
const runs = Number(values.runs);
const work = mkdtempSync(join(tmpdir(), "bench-git-server-"));
const backend = await startGitServer();
const bin = values.bin ?? join(import.meta.dir, "../dist/gimlet");
let gimlet: ReturnType<typeof Bun.spawn> | undefined;
try {
  const t = performance.now();
  await makeSyntheticRepo(join(backend.root, "apps.git"), {
    commits: Number(values.commits),
    apps: Number(values.apps),
  });
  // The same repo for gimlet: a hosted repo in its data dir.
  const data = join(work, "data");
  await Bun.$`mkdir -p ${join(data, "repos")} && cp -r ${join(backend.root, "apps.git")} ${join(data, "repos", "staging-apps.git")}`.quiet();
  console.log(
    `repo: ${values.commits} commits, ${values.apps} apps (${((performance.now() - t) / 1000).toFixed(1)} s to make)`,
  );
  const port = 20000 + Math.floor(Math.random() * 20000);
  gimlet = Bun.spawn([bin, "serve", "--data-dir", data, "--listen", `127.0.0.1:${port}`], {
    stdout: "ignore",
    stderr: "pipe",
  });
  const reader = (gimlet.stderr as ReadableStream<Uint8Array>).getReader();
  let buf = "";
  while (!buf.includes("listening")) buf += new TextDecoder().decode((await reader.read()).value);
  const token = /Admin token: (\S+)/.exec(buf)![1]!;
  const peak = { rss: 0, anon: 0, file: 0, priv: 0, shared: 0, git: 0 };
  const kb = (text: string, field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0) * 1024;
  const sampler = setInterval(() => {
    try {
      const t = readFileSync(`/proc/${gimlet!.pid}/smaps_rollup`, "utf8");
      peak.rss = Math.max(peak.rss, kb(t, "Rss"));
      peak.anon = Math.max(peak.anon, kb(t, "Anonymous"));
      peak.file = Math.max(peak.file, kb(t, "Rss") - kb(t, "Anonymous"));
      peak.priv = Math.max(peak.priv, kb(t, "Private_Clean") + kb(t, "Private_Dirty"));
      peak.shared = Math.max(peak.shared, kb(t, "Shared_Clean") + kb(t, "Shared_Dirty"));
    } catch {
      // process gone
    }
    // git's side of the anchor: every http-backend, upload-pack and pack-objects process at once.
    let git = 0;
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (!/http-backend|upload-pack|pack-objects/.test(readFileSync(`/proc/${pid}/cmdline`, "utf8"))) continue;
        git += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
      } catch {
        // gone
      }
    }
    peak.git = Math.max(peak.git, git);
  }, 25);
  const cloneOnce = async (url: string, args: string[]) => {
    const dest = join(work, `c-${Math.random()}`);
    const t0 = performance.now();
    const p = Bun.spawn(["git", "clone", "-q", "--no-checkout", ...args, url, dest], {
      stderr: "pipe",
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
    });
    if ((await p.exited) !== 0) throw new Error(`clone failed: ${await new Response(p.stderr).text()}`);
    const ms = performance.now() - t0;
    rmSync(dest, { recursive: true, force: true });
    return ms;
  };
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  // Alternating runs: on a shared machine both sides then see the same load.
  const clonePair = async (urls: [string, string], args: string[]) => {
    const times: [number[], number[]] = [[], []];
    for (let i = 0; i < runs; i++) for (const k of [0, 1] as const) times[k].push(await cloneOnce(urls[k], args));
    return [median(times[0]), median(times[1])];
  };
  const ours = `http://gimlet:${token}@127.0.0.1:${port}/git/staging-apps.git`;
  const theirs = backend.url("apps.git");
  for (const [label, args, target] of [
    ["shallow clone (--depth 1)", ["--depth", "1"], 2],
    ["full clone", [], 1.5],
  ] as const) {
    const [a, b] = (await clonePair([ours, theirs], [...args])) as [number, number];
    console.log(
      `${label}: gimlet ${a.toFixed(0)} ms, git http-backend ${b.toFixed(0)} ms → ${(a / b).toFixed(2)}× (target ≤ ${target}×) ${a / b <= target ? "OK" : "OVER"}`,
    );
  }
  clearInterval(sampler);
  const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
  console.log(
    `gimlet serve peak RSS during the clones: ${mb(peak.rss)} (anonymous ${mb(peak.anon)}, file/mmapped ${mb(peak.file)}; private ${mb(peak.priv)}, shared ${mb(peak.shared)}); target: anonymous ≤ 200 MB ${peak.anon <= 200e6 ? "OK" : "OVER"}`,
  );
  console.log(
    `git http-backend + upload-pack + pack-objects peak RSS: ${mb(peak.git)} → gimlet ${(peak.rss / peak.git).toFixed(2)}× git`,
  );
} finally {
  gimlet?.kill();
  backend.stop();
  rmSync(work, { recursive: true, force: true });
}
