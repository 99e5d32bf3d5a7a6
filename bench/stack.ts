/**
 * `gimlet stack generate` speed: the wall time of one dist/gimlet process generating the full
 * reference stack (embedded v2, all six components) into a fresh directory and regenerating it
 * (3-way merge, nothing to change), and the same from a git stack repository already in the stack
 * cache (served by `git http-backend`; a pinned tag is read from the cache without the network).
 *   bun bench/stack.ts [--runs N] [--bin dist/gimlet]
 * Target (issue 14): one generate process of the full reference stack ≤ 150 ms. Medians; CPU time too.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { run, startGitServer } from "../tests/support/git-server.ts";

const { values: opts } = parseArgs({
  args: Bun.argv.slice(2),
  options: { runs: { type: "string", default: "21" }, bin: { type: "string", default: "dist/gimlet" } },
});
const runs = Number(opts.runs);
const bin = resolve(opts.bin!);
const target = 150;

const fullConfig = `stack:
  repository: REPO
config:
  nginx: {enabled: true, host: example.com}
  certManager: {enabled: true, email: admin@example.com}
  sealedSecrets: {enabled: true}
  prometheus: {enabled: true}
  loki: {enabled: true}
  gimletAgent: {enabled: true, environment: production, dashboardAddress: "https://gimlet.example.com", agentKey: k}
`;

const tmp = mkdtempSync(join(tmpdir(), "bench-stack-"));
const env = { PATH: process.env.PATH ?? "", HOME: tmp, XDG_CACHE_HOME: join(tmp, "cache") };

interface Sample {
  wallMs: number;
  cpuMs: number;
}

/** Async: the git server runs in this process and must keep serving while the child runs. */
async function generate(dir: string): Promise<Sample> {
  const t0 = performance.now();
  const p = Bun.spawn([bin, "stack", "generate", "-c", join(dir, "stack.yaml")], {
    env,
    stdout: "ignore",
    stderr: "pipe",
  });
  const [err, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
  const wallMs = performance.now() - t0;
  if (code !== 0) throw new Error(`generate failed: ${err}`);
  const u = p.resourceUsage();
  const cpuMs = u ? Number(u.cpuTime.user + u.cpuTime.system) / 1000 : NaN;
  return { wallMs, cpuMs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function measure(label: string, repository: string): Promise<number> {
  const fresh: Sample[] = [];
  const again: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmp, "infra-"));
    writeFileSync(join(dir, "stack.yaml"), fullConfig.replace("REPO", repository));
    fresh.push(await generate(dir));
    again.push(await generate(dir));
    rmSync(dir, { recursive: true, force: true });
  }
  const f = median(fresh.map((s) => s.wallMs));
  const a = median(again.map((s) => s.wallMs));
  console.log(
    `${label.padEnd(34)} first generate ${f.toFixed(1)} ms (cpu ${median(fresh.map((s) => s.cpuMs)).toFixed(1)} ms)` +
      `, regenerate ${a.toFixed(1)} ms (cpu ${median(again.map((s) => s.cpuMs)).toFixed(1)} ms)`,
  );
  return Math.max(f, a);
}

const version = Bun.spawnSync([bin, "--version"], { env }).stdout.toString().trim();
console.log(`${version}; ${runs} runs each, medians of wall time per process`);
const embedded = await measure("embedded:reference?tag=v2", "embedded:reference?tag=v2");

// A git stack repository with the reference stack's v2 files, tagged, cloned into the cache once.
const server = await startGitServer();
try {
  const bare = await server.createRepo("reference.git", { empty: true });
  const work = mkdtempSync(join(tmp, "stack-work-"));
  cpSync(resolve(import.meta.dir, "../stacks/reference/v2"), work, { recursive: true });
  await run(["git", "init", "-q", "-b", "main"], work);
  await run(["git", "add", "-A"], work);
  await run(["git", "commit", "-q", "-m", "v2"], work);
  await run(["git", "tag", "v2.0.0"], work);
  await run(["git", "push", "-q", "--tags", bare, "main"], work);
  const url = `${server.url("reference.git")}?tag=v2.0.0`;
  const warm = mkdtempSync(join(tmp, "warm-"));
  writeFileSync(join(warm, "stack.yaml"), fullConfig.replace("REPO", url));
  await generate(warm); // clones into the cache
  const git = await measure("git stack, cached clone", url);
  const ok = embedded <= target;
  console.log(
    `target: one generate process ≤ ${target} ms — ${ok ? "met" : "NOT met"} (embedded ${embedded.toFixed(1)} ms, git ${git.toFixed(1)} ms)`,
  );
} finally {
  server.stop();
  rmSync(tmp, { recursive: true, force: true });
}
