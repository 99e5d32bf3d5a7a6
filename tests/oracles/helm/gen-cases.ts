/**
 * Writes helm's answer for every case under cases/: `expected.yaml` (what `helm template` of the
 * real onechart renders) or `expected-error.txt` (why helm refuses the values). The values reach
 * helm as the original Gimlet passed them: the manifest read with sigs.k8s.io/yaml (YAML 1.1),
 * by the Go program in yaml11/.
 *
 *   bun tests/oracles/helm/gen-cases.ts      # needs helm, onechart and Go; see README.md
 * Review the diff of cases/ before committing.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { helmAvailable, helmTemplate, listCases } from "./lib.ts";

/** Reads each text with sigs.k8s.io/yaml, as the original Gimlet read manifests. */
export function readAsOriginal(texts: string[]): unknown[] {
  const bin = join(process.env.GIMLET_CACHE ?? join(homedir(), ".cache/gimlet"), "bin/yaml11-oracle");
  const build = Bun.spawnSync(["go", "build", "-o", bin, "."], {
    cwd: join(import.meta.dir, "yaml11"),
    stderr: "inherit",
  });
  if (build.exitCode !== 0) throw new Error("cannot build the yaml11 oracle (needs Go and the module proxy)");
  const p = Bun.spawnSync([bin], { stdin: new TextEncoder().encode(texts.join("\0")) });
  return p.stdout
    .toString()
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

if (import.meta.main) {
  if (!helmAvailable()) {
    console.error("need helm and the onechart sources; see tests/oracles/helm/README.md");
    process.exit(2);
  }
  const cases = listCases();
  const docs = readAsOriginal(cases.map((c) => c.manifest)) as Record<string, any>[];
  cases.forEach((c, i) => {
    const m = docs[i]!;
    if (m.error) throw new Error(`${c.name}: sigs.k8s.io/yaml cannot read it: ${m.error}`);
    const chart = String(m.chart?.name ?? "onechart");
    const r = helmTemplate(m.app, m.namespace ?? "default", chart, m.values);
    const [keep, drop] = r.ok ? ["expected.yaml", "expected-error.txt"] : ["expected-error.txt", "expected.yaml"];
    writeFileSync(join(c.dir, keep), r.ok ? r.out : `${r.out}\n`);
    if (existsSync(join(c.dir, drop))) rmSync(join(c.dir, drop));
    console.log(`${r.ok ? "ok   " : "error"} ${c.name}`);
  });
}
