/**
 * Runs one oracle case directory through src/core/patch the way the rendering pipeline does
 * (strategic merge patches, then JSON 6902 patches) and reads what kustomize wrote for it.
 * Shared by src/core/patch/patch.test.ts and the local fuzz script.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import type { KubeObject } from "../../../src/core/k8s.ts";
import { applyJson6902Patches, applyStrategicMergePatches, type Json6902Patch } from "../../../src/core/patch/index.ts";

const read = (dir: string, f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : undefined);
const docs = (text: string) =>
  parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter((d) => d !== null && d !== undefined);

export interface CaseResult {
  ours: { objects: KubeObject[] } | { error: string };
  kustomize: { objects: unknown[]; legacy: unknown[] } | { error: string };
  /** A deliberate difference: our expected output, or a fragment of our expected error. */
  override?: { objects: unknown[] } | { error: string };
}

export function runCase(dir: string): CaseResult {
  const resources = docs(read(dir, "resources.yaml") ?? "") as KubeObject[];
  const smp = read(dir, "patches.yaml");
  const j6902 = read(dir, "json6902.yaml");
  let ours: CaseResult["ours"];
  try {
    let objects = resources;
    if (smp?.trim()) objects = applyStrategicMergePatches(objects, smp, { file: "patches.yaml" });
    if (j6902)
      objects = applyJson6902Patches(objects, (parse(j6902) ?? []) as Json6902Patch[], { file: "json6902.yaml" });
    ours = { objects };
  } catch (e) {
    ours = { error: (e as Error).message };
  }
  const err = read(dir, "expected-error.txt");
  const kustomize: CaseResult["kustomize"] =
    err !== undefined
      ? { error: err.trim() }
      : { objects: docs(read(dir, "expected.yaml") ?? ""), legacy: docs(read(dir, "expected-legacy.yaml") ?? "") };
  const oursYaml = read(dir, "ours.yaml");
  const oursError = read(dir, "ours-error.txt");
  const override =
    oursYaml !== undefined
      ? { objects: docs(oursYaml) }
      : oursError !== undefined
        ? { error: oursError.trim() }
        : undefined;
  return { ours, kustomize, ...(override ? { override } : {}) };
}
