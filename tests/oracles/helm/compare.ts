/**
 * Equivalence of our built-in charts with `helm template` of the real onechart, live: every golden
 * manifest with a built-in chart, and every case under cases/, is rendered both ways and compared
 * object by object (lib.ts: key order ignored, null fields dropped, documented differences
 * normalised). For cases helm refuses, we must refuse too.
 *
 *   bun tests/oracles/helm/compare.ts        # needs helm and the onechart sources, see README.md
 * Prints a diff per mismatch and `N passed, M failed`; exits 1 on any failure.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isBuiltinChart } from "../../../src/core/chart/index.ts";
import { chartKind, loadManifests, renderManifest } from "../../../src/core/manifest/index.ts";
import { goldenVars } from "../../golden/vars.ts";
import { readAsOriginal } from "./gen-cases.ts";
import { compareCase, diffObjects, helmAvailable, helmTemplate, listCases } from "./lib.ts";

export { chartsDir, helmBin } from "./lib.ts";

export interface Comparison {
  name: string;
  ok: boolean;
  diffs: string[];
}

export function compareFixture(file: string): Comparison[] {
  const out: Comparison[] = [];
  for (const loaded of loadManifests(readFileSync(file, "utf8"), { file, vars: goldenVars })) {
    const m = loaded.manifest;
    if (chartKind(m) !== "builtin" || m.manifests || m.strategicMergePatches || m.json6902Patches) continue;
    const chart =
      m.chart?.name && isBuiltinChart(m.chart.name) && m.chart.name.endsWith("cron-job") ? "cron-job" : "onechart";
    const helm = helmTemplate(m.app, m.namespace, chart, m.values);
    const name = `${file.split("/").at(-1)} (${m.app})`;
    const diffs = helm.ok ? diffObjects(renderManifest(loaded), helm.out) : [`helm failed: ${helm.out}`];
    out.push({ name, ok: diffs.length === 0, diffs });
  }
  return out;
}

export function fixtures(): string[] {
  const dir = join(import.meta.dir, "../../golden/manifests");
  return readdirSync(dir)
    .filter((n) => n.endsWith(".yaml"))
    .sort()
    .map((n) => join(dir, n));
}

/** Every case against live helm, the values read as the original read them (sigs.k8s.io/yaml). */
export function compareCasesLive(): Comparison[] {
  const cases = listCases();
  const docs = readAsOriginal(cases.map((c) => c.manifest)) as Record<string, any>[];
  return cases.map((c, i) => {
    const m = docs[i]!;
    const helm = helmTemplate(m.app, m.namespace ?? "default", String(m.chart?.name ?? "onechart"), m.values);
    const diffs = compareCase(c, helm);
    return { name: `cases/${c.name}`, ok: diffs.length === 0, diffs };
  });
}

if (import.meta.main) {
  if (!helmAvailable()) {
    console.error("need helm and the onechart sources; see tests/oracles/helm/README.md");
    process.exit(2);
  }
  const all = [...fixtures().flatMap(compareFixture), ...compareCasesLive()];
  for (const c of all) if (!c.ok) console.log(`FAIL ${c.name}\n  ${c.diffs.join("\n  ")}`);
  const failed = all.filter((c) => !c.ok).length;
  console.log(`${all.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
