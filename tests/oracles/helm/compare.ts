/**
 * Equivalence of our built-in charts with `helm template` of the real onechart: every golden
 * manifest with a built-in chart is rendered both ways and compared object by object (key order
 * ignored, null fields dropped on both sides, as Kubernetes treats them as absent).
 *
 *   bun tests/oracles/helm/compare.ts        # needs helm and the onechart sources, see README.md
 * Prints a diff per mismatch and `N passed, M failed`; exits 1 on any failure.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { isBuiltinChart } from "../../../src/core/chart/index.ts";
import { chartKind, loadManifests, renderManifest } from "../../../src/core/manifest/index.ts";
import { goldenVars } from "../../golden/vars.ts";

const cache = process.env.GIMLET_CACHE ?? join(homedir(), ".cache/gimlet");
export const helmBin = process.env.HELM_BIN ?? join(cache, "bin/helm");
export const chartsDir = process.env.ONECHART_CHARTS ?? join(cache, "onechart/charts");

/**
 * Where we knowingly differ from onechart, with the reason:
 * - basic-auth Secret data: onechart's htpasswd is bcrypt with a random salt (never the same twice);
 *   we write a deterministic {SSHA} entry.
 * - Service with stickySessions: onechart omits `sessionAffinity: ClientIP`, which the API server
 *   requires next to sessionAffinityConfig; we add it.
 */
export function normalize(o: Record<string, any>, side: "ours" | "helm"): Record<string, any> {
  const c = dropNulls(structuredClone(o));
  if (c.kind === "Secret" && c.metadata?.name?.endsWith("-basic-auth")) delete c.data;
  if (c.kind === "Service" && side === "ours" && c.spec?.sessionAffinity === "ClientIP" && c.spec?.sessionAffinityConfig) delete c.spec.sessionAffinity;
  return c;
}

function dropNulls(v: any): any {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, dropNulls(x)]));
  return v;
}

function canonical(v: any): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

const id = (o: any) => `${o.kind}/${o.metadata?.name}`;

export interface Comparison {
  name: string;
  ok: boolean;
  diffs: string[];
}

export async function compareFixture(file: string): Promise<Comparison[]> {
  const out: Comparison[] = [];
  for (const loaded of loadManifests(readFileSync(file, "utf8"), { file, vars: goldenVars })) {
    const m = loaded.manifest;
    if (chartKind(m) !== "builtin" || m.manifests || m.strategicMergePatches || m.json6902Patches) continue;
    const chart = m.chart?.name && isBuiltinChart(m.chart.name) && m.chart.name.endsWith("cron-job") ? "cron-job" : "onechart";
    const tmp = mkdtempSync(join(tmpdir(), "helm-cmp-"));
    writeFileSync(join(tmp, "values.json"), JSON.stringify(m.values ?? {}));
    const p = Bun.spawnSync([helmBin, "template", m.app, join(chartsDir, chart), "-n", m.namespace, "-f", join(tmp, "values.json")]);
    rmSync(tmp, { recursive: true, force: true });
    const name = `${file.split("/").at(-1)} (${m.app})`;
    if (p.exitCode !== 0) {
      out.push({ name, ok: false, diffs: [`helm failed: ${p.stderr.toString()}`] });
      continue;
    }
    const helm = parseAllDocuments(p.stdout.toString()).map((d) => d.toJS()).filter(Boolean).map((o) => normalize(o, "helm"));
    const ours = renderManifest(loaded).map((o) => normalize(o as any, "ours"));
    const diffs: string[] = [];
    const hm = new Map(helm.map((o) => [id(o), o]));
    const om = new Map(ours.map((o) => [id(o), o]));
    for (const k of new Set([...hm.keys(), ...om.keys()])) {
      const [a, b] = [om.get(k), hm.get(k)];
      if (!a) diffs.push(`${k}: only helm renders it`);
      else if (!b) diffs.push(`${k}: only we render it`);
      else if (canonical(a) !== canonical(b)) diffs.push(`${k}:\n    ours: ${canonical(a)}\n    helm: ${canonical(b)}`);
    }
    out.push({ name, ok: diffs.length === 0, diffs });
  }
  return out;
}

export function fixtures(): string[] {
  const dir = join(import.meta.dir, "../../golden/manifests");
  return readdirSync(dir).filter((n) => n.endsWith(".yaml")).sort().map((n) => join(dir, n));
}

if (import.meta.main) {
  if (!existsSync(helmBin) || !existsSync(join(chartsDir, "onechart"))) {
    console.error(`need ${helmBin} and ${chartsDir}/onechart; see tests/oracles/helm/README.md`);
    process.exit(2);
  }
  let passed = 0;
  let failed = 0;
  for (const f of fixtures()) {
    for (const c of await compareFixture(f)) {
      if (c.ok) passed++;
      else {
        failed++;
        console.log(`FAIL ${c.name}\n  ${c.diffs.join("\n  ")}`);
      }
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
