/**
 * Shared by the helm comparisons: how objects are compared (key order ignored, nulls dropped,
 * documented differences normalised), the committed cases under cases/, and running helm.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { loadManifests, renderManifest } from "../../../src/core/manifest/index.ts";
import { yaml11ParseOptions } from "../../../src/core/yaml11.ts";

const cache = process.env.GIMLET_CACHE ?? join(homedir(), ".cache/gimlet");
export const helmBin = process.env.HELM_BIN ?? join(cache, "bin/helm");
export const chartsDir = process.env.ONECHART_CHARTS ?? join(cache, "onechart/charts");
export const casesDir = join(import.meta.dir, "cases");

export function helmAvailable(): boolean {
  return existsSync(helmBin) && existsSync(join(chartsDir, "onechart"));
}

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
  if (
    c.kind === "Service" &&
    side === "ours" &&
    c.spec?.sessionAffinity === "ClientIP" &&
    c.spec?.sessionAffinityConfig
  ) {
    delete c.spec.sessionAffinity;
  }
  return c;
}

function dropNulls(v: any): any {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, dropNulls(x)]),
    );
  }
  return v;
}

export function canonical(v: any): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

const id = (o: any) => `${o.kind}/${o.metadata?.name}`;

/**
 * go-yaml writes a string holding LS or PS single-quoted, the character raw and followed by the
 * next line's indentation; go-yaml's reader takes LS/PS as a line break and drops that
 * indentation, the `yaml` package keeps it. Read it as kubectl would.
 */
function lineSeparatorsAsGoYaml(v: any): any {
  if (typeof v === "string") return v.replace(/([\u2028\u2029]) +/g, "$1");
  if (Array.isArray(v)) return v.map(lineSeparatorsAsGoYaml);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, lineSeparatorsAsGoYaml(x)]));
  return v;
}

/** helm's output as kubectl reads it: YAML 1.1 (sigs.k8s.io/yaml). */
export function parseHelmOutput(text: string): Record<string, any>[] {
  return parseAllDocuments(text, yaml11ParseOptions)
    .map((d) => lineSeparatorsAsGoYaml(d.toJS()))
    .filter(Boolean)
    .map((o) => normalize(o, "helm"));
}

/** Differences between our objects and helm's, one line (or block) each; empty when equal. */
export function diffObjects(oursRaw: readonly object[], helmText: string): string[] {
  const helm = parseHelmOutput(helmText);
  const ours = oursRaw.map((o) => normalize(o as Record<string, any>, "ours"));
  const diffs: string[] = [];
  const hm = new Map(helm.map((o) => [id(o), o]));
  const om = new Map(ours.map((o) => [id(o), o]));
  for (const k of new Set([...hm.keys(), ...om.keys()])) {
    const [a, b] = [om.get(k), hm.get(k)];
    if (!a) diffs.push(`${k}: only helm renders it`);
    else if (!b) diffs.push(`${k}: only we render it`);
    else if (canonical(a) !== canonical(b)) diffs.push(`${k}:\n    ours: ${canonical(a)}\n    helm: ${canonical(b)}`);
  }
  return diffs;
}

export function helmTemplate(
  app: string,
  namespace: string,
  chart: string,
  values: unknown,
): { ok: boolean; out: string } {
  const tmp = mkdtempSync(join(tmpdir(), "helm-cmp-"));
  try {
    // helm reads the file as YAML, which refuses raw control characters that JSON allows: escape
    // everything outside printable ASCII, so helm gets exactly the values the original passed it.
    const json = JSON.stringify(values ?? {}).replace(
      /[^\x20-\x7e]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    writeFileSync(join(tmp, "values.json"), json);
    const p = Bun.spawnSync([
      helmBin,
      "template",
      app,
      join(chartsDir, chart),
      "-n",
      namespace,
      "-f",
      join(tmp, "values.json"),
    ]);
    return p.exitCode === 0 ? { ok: true, out: p.stdout.toString() } : { ok: false, out: p.stderr.toString().trim() };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export interface HelmCase {
  name: string;
  dir: string;
  manifestFile: string;
  manifest: string;
  /** helm's rendered output, or undefined when helm refuses the values. */
  expected?: string;
  /** helm's error, when it refuses the values. */
  expectedError?: string;
}

export function listCases(): HelmCase[] {
  return readdirSync(casesDir)
    .filter((n) => existsSync(join(casesDir, n, "manifest.yaml")))
    .sort()
    .map((name) => {
      const dir = join(casesDir, name);
      const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : undefined);
      const c: HelmCase = { name, dir, manifestFile: join(dir, "manifest.yaml"), manifest: read("manifest.yaml")! };
      const expected = read("expected.yaml");
      const expectedError = read("expected-error.txt");
      if (expected !== undefined) c.expected = expected;
      if (expectedError !== undefined) c.expectedError = expectedError;
      return c;
    });
}

/** Our side of a case: the rendered objects, or the error message. */
export function renderCase(c: HelmCase): { objects?: object[]; error?: string } {
  try {
    const loaded = loadManifests(c.manifest, { file: `cases/${c.name}/manifest.yaml` });
    return { objects: loaded.flatMap(renderManifest) };
  } catch (e) {
    const err = e as { describe?: () => string; message: string };
    return { error: err.describe ? err.describe() : err.message };
  }
}

/** Compares our rendering of a case with helm's text (committed or live). */
export function compareCase(c: HelmCase, helm: { ok: boolean; out: string }): string[] {
  const ours = renderCase(c);
  if (!helm.ok) return ours.error ? [] : [`helm refuses (${helm.out.split("\n")[0]}) but we render`];
  if (ours.error) return [`we refuse: ${ours.error}`];
  return diffObjects(ours.objects!, helm.out);
}
