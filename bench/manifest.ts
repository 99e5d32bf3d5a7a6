/**
 * Manifest rendering speed. Prints in-process renders per second for a typical manifest, the wall
 * time of one `gimlet manifest template` process (and of `gimlet --version`, the floor: runtime
 * start-up), and — when helm and the onechart sources are in ~/.cache/gimlet (see
 * tests/oracles/helm/README.md) — the per-process ratio against `helm template`.
 *   bun bench/manifest.ts [--iterations N] [--runs N] [--bin dist/gimlet]
 * Targets (issue 10): one `manifest template` process ≤ 20 ms, ≥ 2.5× faster than helm template.
 * Medians of interleaved runs, so a noisy machine slows both sides alike; the CPU time (user + system)
 * of each process is printed too, as it varies less than wall time when the machine is shared.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadManifests, renderManifest } from "../src/core/manifest/index.ts";
import { toMultiDocYaml } from "../src/core/yaml.ts";

const { values: opts } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    iterations: { type: "string", default: "2000" },
    runs: { type: "string", default: "21" },
    bin: { type: "string", default: "dist/gimlet" },
  },
});
const iterations = Number(opts.iterations);
const runs = Number(opts.runs);
const processTarget = 20;
const helmRatioTarget = 2.5;
const manifestFile = resolve("examples/web.yaml");
const text = await Bun.file(manifestFile).text();
const vars = { SHA: "0123456789abcdef0123456789abcdef01234567" };

function renderOnce(): string {
  return toMultiDocYaml(loadManifests(text, { file: manifestFile, vars }).flatMap(renderManifest));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall and CPU (user + system) milliseconds of one run of `cmd`. */
async function timeProcess(cmd: string[], env: Record<string, string> = {}): Promise<{ wall: number; cpu: number }> {
  const t = performance.now();
  const p = Bun.spawn(cmd, { stdout: "ignore", stderr: "pipe", env: { ...process.env, ...env } });
  const code = await p.exited;
  const wall = performance.now() - t;
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited ${code}: ${await new Response(p.stderr).text()}`);
  const usage = p.resourceUsage();
  return { wall, cpu: usage ? Number(usage.cpuTime.user + usage.cpuTime.system) / 1000 : NaN };
}

for (let i = 0; i < 200; i++) renderOnce(); // warm up the JIT
const t0 = performance.now();
for (let i = 0; i < iterations; i++) renderOnce();
const perRender = (performance.now() - t0) / iterations;
console.log(
  `in-process: ${(1000 / perRender).toFixed(0)} renders/s (${(perRender * 1000).toFixed(0)} µs per render of examples/web.yaml)`,
);

const bin = resolve(opts.bin!);
const cache = process.env.GIMLET_CACHE ?? join(homedir(), ".cache/gimlet");
const helm = process.env.HELM_BIN ?? join(cache, "bin/helm");
const chartDir = process.env.ONECHART_DIR ?? join(cache, "onechart/charts/onechart");
const haveHelm = existsSync(helm) && existsSync(chartDir);

if (!existsSync(bin)) {
  console.log(`process: ${bin} missing; run \`npm run build\` to time the binary`);
  process.exit(0);
}

const tmp = mkdtempSync(join(tmpdir(), "bench-manifest-"));
const loaded = loadManifests(text, { file: manifestFile, vars })[0]!;
const valuesFile = join(tmp, "values.json");
writeFileSync(valuesFile, JSON.stringify(loaded.manifest.values));
const commands: Record<string, { cmd: string[]; env?: Record<string, string> }> = {
  template: { cmd: [bin, "manifest", "template", "-f", manifestFile], env: vars },
  version: { cmd: [bin, "--version"] },
  ...(haveHelm
    ? {
        helm: {
          cmd: [helm, "template", loaded.manifest.app, chartDir, "-n", loaded.manifest.namespace, "-f", valuesFile],
        },
      }
    : {}),
};
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
// Warm the page cache; not measured.
for (const c of Object.values(commands)) for (let i = 0; i < 2; i++) await timeProcess(c.cmd, c.env);
for (let i = 0; i < runs; i++) {
  for (const [k, c] of Object.entries(commands)) {
    const t = await timeProcess(c.cmd, c.env);
    samples[k]!.push(t.wall);
    cpu[k]!.push(t.cpu);
  }
}
rmSync(tmp, { recursive: true, force: true });

const gimletMs = median(samples.template!);
const versionMs = median(samples.version!);
const cpuLine = Object.keys(commands)
  .map((k) => `${k} ${median(cpu[k]!).toFixed(1)} ms`)
  .join(", ");
const ok = (b: boolean) => (b ? "OK" : "OVER");
console.log(
  `process: gimlet manifest template: ${gimletMs.toFixed(1)} ms median of ${runs} (target ≤ ${processTarget} ms) ${ok(gimletMs <= processTarget)}`,
);
console.log(
  `process: gimlet --version (start-up floor): ${versionMs.toFixed(1)} ms; manifest template adds ${(gimletMs - versionMs).toFixed(1)} ms`,
);
console.log(`process CPU time (user + system), medians: ${cpuLine}`);
if (haveHelm) {
  const helmMs = median(samples.helm!);
  const ratio = helmMs / gimletMs;
  console.log(`helm template: ${helmMs.toFixed(1)} ms median of ${runs}`);
  console.log(
    `ratio: gimlet is ${ratio.toFixed(2)}× faster than helm template per process (target ≥ ${helmRatioTarget}×) ${ratio >= helmRatioTarget ? "OK" : "UNDER"}`,
  );
  console.log(`ratio: in-process render is ${(helmMs / perRender).toFixed(0)}× faster than a helm template process`);
} else {
  console.log(
    `helm: missing (${existsSync(helm) ? "" : `no ${helm}`}${existsSync(chartDir) ? "" : ` no chart at ${chartDir}`}); no ratio. See tests/oracles/helm/README.md`,
  );
}
