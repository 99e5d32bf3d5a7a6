/**
 * The manifest's structure as data, checked against the parsed YAML nodes so every problem
 * can name its file:line:column and field path. Chart values are checked separately, by the
 * chart's JSON Schema.
 */
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { closestName } from "../did-you-mean.ts";

export type Shape =
  | { type: "string" }
  | { type: "boolean" }
  | { type: "enum"; values: readonly string[] }
  | { type: "any-map" }
  | { type: "list"; of: Shape }
  | {
      type: "object";
      fields: Record<string, Shape>;
      required?: readonly string[];
      hints?: Record<string, string>;
      /** A map whose values are all empty counts as not set (what Go clients marshal for a zero struct). */
      emptyIsUnset?: boolean;
    };

const str: Shape = { type: "string" };

export const manifestShape: Shape = {
  type: "object",
  required: ["app", "env"],
  fields: {
    app: str,
    env: str,
    namespace: str,
    preview: { type: "boolean" },
    deploy: {
      type: "object",
      fields: {
        branch: str,
        tag: str,
        event: { type: "enum", values: ["push", "tag", "pr"] },
        commitMessagePatterns: { type: "list", of: str },
      },
    },
    // As in the original, a cleanup block never fails a deploy: `event` defaults to branchDeleted,
    // and without `app` or `branch` the policy simply never fires (`manifest lint` says so).
    cleanup: {
      type: "object",
      fields: { app: str, event: { type: "enum", values: ["branchDeleted"] }, branch: str },
    },
    // The original CLI re-sends a manifest without a chart as `chart: {repository: "", name: "", version: ""}`.
    chart: {
      type: "object",
      required: ["name"],
      emptyIsUnset: true,
      fields: { repository: str, name: str, version: str },
    },
    values: { type: "any-map" },
    strategicMergePatches: str,
    json6902Patches: {
      type: "list",
      of: {
        type: "object",
        required: ["target", "patch"],
        fields: {
          target: {
            type: "object",
            required: ["kind", "name"],
            fields: { group: str, version: str, kind: str, name: str, namespace: str },
          },
          patch: str,
        },
      },
    },
    manifests: str,
  },
  hints: {
    dependencies: "terraform dependencies are not supported yet; render them into `manifests`",
    replicas: "chart values go under `values:`",
    image: "chart values go under `values:`",
  },
};

export interface ShapeProblem {
  path: string;
  message: string;
  /** Offset into the source text, for turning into line:column. */
  offset: number;
  hint?: string;
}

/** Walks a YAML node against a shape and returns every mismatch (never throws). */
export function checkShape(node: Node | null | undefined, shape: Shape, path = ""): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  walk(node, shape, path, problems);
  return problems;
}

function walk(node: Node | null | undefined, shape: Shape, path: string, out: ShapeProblem[]): void {
  const offset = node?.range?.[0] ?? 0;
  const here = path || "(top level)";
  if (node == null || (isScalar(node) && node.value === null)) return; // empty is "not set"
  switch (shape.type) {
    case "string":
      // Numbers and booleans are what YAML makes of unquoted `version: 1.2` or `tag: 123`;
      // the original (Go structs) would refuse them, so say how to fix it.
      if (!isScalar(node) || typeof node.value !== "string")
        out.push({
          path: here,
          message: `must be a string, got ${describe(node)}`,
          offset,
          hint: isScalar(node) ? "quote the value" : undefined,
        });
      return;
    case "boolean":
      if (!isScalar(node) || typeof node.value !== "boolean")
        out.push({ path: here, message: `must be true or false, got ${describe(node)}`, offset });
      return;
    case "enum":
      if (!isScalar(node) || typeof node.value !== "string" || !shape.values.includes(node.value))
        out.push({ path: here, message: `must be one of ${shape.values.join(", ")}, got ${describe(node)}`, offset });
      return;
    case "any-map":
      if (!isMap(node)) out.push({ path: here, message: `must be a map, got ${describe(node)}`, offset });
      return;
    case "list":
      if (!isSeq(node)) {
        out.push({ path: here, message: `must be a list, got ${describe(node)}`, offset });
        return;
      }
      node.items.forEach((item, i) => walk(item as Node, shape.of, `${path}[${i}]`, out));
      return;
    case "object": {
      if (!isMap(node)) {
        out.push({ path: here, message: `must be a map, got ${describe(node)}`, offset });
        return;
      }
      if (shape.emptyIsUnset && node.items.every((p) => isEmptyScalar(p.value as Node | null))) return;
      const seen = new Set<string>();
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : "";
        seen.add(key);
        const child = shape.fields[key];
        const childPath = path ? `${path}.${key}` : key;
        if (!child) {
          const hint = shape.hints?.[key] ?? suggest(key, Object.keys(shape.fields));
          out.push({ path: childPath, message: "unknown field", offset: keyNode?.range?.[0] ?? offset, hint });
          continue;
        }
        walk(pair.value as Node | null, child, childPath, out);
      }
      for (const req of shape.required ?? []) {
        const v = node.get(req, true) as Node | undefined;
        if (!seen.has(req) || (isScalar(v) && (v.value === null || v.value === "")))
          out.push({ path: path ? `${path}.${req}` : req, message: "is required", offset });
      }
      return;
    }
  }
}

function isEmptyScalar(node: Node | null): boolean {
  return node == null || (isScalar(node) && (node.value === null || node.value === ""));
}

function describe(node: Node): string {
  if (isMap(node)) return "a map";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === "string") return `string ${JSON.stringify(v)}`;
    return `${typeof v} ${String(v)}`;
  }
  return "an alias";
}

/** "did you mean" for a misspelt field: the closest known name within edit distance 2. */
function suggest(key: string, known: string[]): string | undefined {
  const best = closestName(key, known, 2);
  return best ? `did you mean \`${best}\`?` : `known fields: ${known.join(", ")}`;
}
