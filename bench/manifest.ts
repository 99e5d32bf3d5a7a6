/**
 * Manifest rendering speed. Prints in-process renders per second for a typical manifest, the wall
 * time of one `dist/gimlet manifest template` process, and — when helm and the onechart sources are
 * in ~/.cache/gimlet (see tests/oracles/helm/README.md) — the ratio against `helm template`.
 *   bun bench/manifest.ts [--iterations N]
 * Targets (issue 2): one process ≤ 40 ms; ≥ 20× faster than helm template.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadManifests, renderManifest } from "../src/core/manifest/index.ts";
import { toMultiDocYaml } from "../src/core/yaml.ts";

const { values: opts } = parseArgs({ args: Bun.argv.slice(2), options: { iterations: { type: "string", default: "2000" } } });
const iterations = Number(opts.iterations);
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

async function timeProcess(cmd: string[], runs: number, env: Record<string, string> = {}): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const p = Bun.spawn(cmd, { stdout: "ignore", stderr: "pipe", env: { ...process.env, ...env } });
    const code = await p.exited;
    if (code !== 0) throw new Error(`${cmd.join(" ")} exited ${code}: ${await new Response(p.stderr).text()}`);
    times.push(performance.now() - t);
  }
  return median(times);
}

for (let i = 0; i < 200; i++) renderOnce(); // warm up the JIT
const t0 = performance.now();
for (let i = 0; i < iterations; i++) renderOnce();
const perRender = (performance.now() - t0) / iterations;
console.log(`in-process: ${(1000 / perRender).toFixed(0)} renders/s (${(perRender * 1000).toFixed(0)} µs per render of examples/web.yaml)`);

const bin = resolve("dist/gimlet");
let gimletMs: number | undefined;
if (existsSync(bin)) {
  gimletMs = await timeProcess([bin, "manifest", "template", "-f", manifestFile], 20, vars);
  console.log(`process: dist/gimlet manifest template: ${gimletMs.toFixed(1)} ms median of 20 (target ≤ 40 ms) ${gimletMs <= 40 ? "OK" : "OVER"}`);
} else {
  console.log("process: dist/gimlet missing; run `npm run build` to time the binary");
}

const cache = process.env.GIMLET_CACHE ?? join(homedir(), ".cache/gimlet");
const helm = process.env.HELM_BIN ?? join(cache, "bin/helm");
const chartDir = process.env.ONECHART_DIR ?? join(cache, "onechart/charts/onechart");
if (gimletMs !== undefined && existsSync(helm) && existsSync(chartDir)) {
  const tmp = mkdtempSync(join(tmpdir(), "bench-helm-"));
  const loaded = loadManifests(text, { file: manifestFile, vars })[0]!;
  const valuesFile = join(tmp, "values.json");
  writeFileSync(valuesFile, JSON.stringify(loaded.manifest.values));
  const helmMs = await timeProcess([helm, "template", loaded.manifest.app, chartDir, "-n", loaded.manifest.namespace, "-f", valuesFile], 10);
  rmSync(tmp, { recursive: true, force: true });
  const ratio = helmMs / gimletMs;
  console.log(`helm template: ${helmMs.toFixed(1)} ms median of 10`);
  console.log(`ratio: gimlet is ${ratio.toFixed(1)}× faster than helm template per process (target ≥ 20×) ${ratio >= 20 ? "OK" : "UNDER"}`);
  console.log(`ratio: in-process render is ${(helmMs / perRender).toFixed(0)}× faster than a helm template process`);
} else {
  console.log(`helm: not found at ${helm} or chart at ${chartDir}; see tests/oracles/helm/README.md to compare`);
}
