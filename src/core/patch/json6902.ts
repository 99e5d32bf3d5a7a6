/**
 * `json6902Patches`: each entry is what gimlet wrote into its kustomization as a `patches:` item
 * with a target. kustomize's target is a selector — every field optional, name and namespace are
 * anchored regular expressions — so one entry may patch several objects. Patch text that is a
 * YAML map rather than a list of operations is a strategic merge patch for the selected objects,
 * as kustomize reads it.
 */
import { parseAllDocuments } from "yaml";
import { UserError } from "../errors.ts";
import { isPlainObject, type KubeObject } from "../k8s.ts";
import { applyOperation, PatchOpError } from "./jsonpointer.ts";
import { MergeError, scalarText } from "./merge.ts";
import { mergeObject } from "./strategic.ts";
import { closeCandidates, effectiveNamespace, gvkOf } from "./target.ts";

export interface Json6902Target {
  group?: string;
  version?: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface Json6902Patch {
  target: Json6902Target;
  patch: string;
}

/**
 * kustomize reads the patch with sigs.k8s.io/yaml (YAML 1.1: `on`, `yes`, `y` are booleans, `0755`
 * is octal) and only its first document; timestamps and 1:20-style numbers stay strings there.
 */
function parsePatchText(text: string): unknown {
  if (text.startsWith("[")) return JSON.parse(text);
  const [doc] = parseAllDocuments(text, {
    version: "1.1",
    customTags: (tags) =>
      tags.filter((t) => typeof t === "string" || (t.tag !== "tag:yaml.org,2002:timestamp" && t.format !== "TIME")),
  }) as unknown as import("yaml").Document.Parsed[];
  if (!doc) return null;
  const err = doc.errors[0];
  if (err) throw new Error(err.message.split("\n")[0]);
  return doc.toJS({ maxAliasCount: 50 });
}

function selectorMatches(pattern: string | undefined, value: string, what: string, where: string): boolean {
  if (pattern === undefined || pattern === "") return true;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`);
  } catch {
    throw new UserError(`target.${what} ${JSON.stringify(pattern)} is not a valid regular expression`, {
      path: `${where}.target.${what}`,
    });
  }
  return re.test(value);
}

function selected(objects: KubeObject[], t: Json6902Target, where: string): number[] {
  return objects.flatMap((o, i) => {
    const g = gvkOf(o.apiVersion, o.kind);
    const ok =
      selectorMatches(
        t.namespace,
        effectiveNamespace(o.apiVersion, o.kind, o.metadata.namespace),
        "namespace",
        where,
      ) &&
      selectorMatches(t.name, o.metadata.name, "name", where) &&
      selectorMatches(t.group, g.group, "group", where) &&
      selectorMatches(t.version, g.version, "version", where) &&
      selectorMatches(t.kind, g.kind, "kind", where);
    return ok ? [i] : [];
  });
}

function describeTarget(t: Json6902Target): string {
  const gv = [t.group, t.version].filter(Boolean).join("/");
  return `${t.kind || "any kind"}${gv ? ` (${gv})` : ""} ${t.name ? JSON.stringify(t.name) : "of any name"}${t.namespace ? ` in namespace ${t.namespace}` : ""}`;
}

export function applyJson6902Patches(
  objects: KubeObject[],
  patches: Json6902Patch[],
  opts: { file?: string } = {},
): KubeObject[] {
  const out = [...objects];
  patches.forEach((p, i) => {
    const where = `json6902Patches[${i}]`;
    const pos = { file: opts.file };
    const t = p.target ?? ({} as Json6902Target);
    const text = (p.patch ?? "").trim();
    if (!text)
      throw new UserError("the patch is empty", {
        pos,
        path: `${where}.patch`,
        hint: "give a list of operations: - {op: replace, path: /spec/replicas, value: 3}",
      });
    let ops: unknown;
    try {
      ops = parsePatchText(text);
    } catch (e) {
      throw new UserError(`cannot read the patch: ${(e as Error).message}`, {
        pos,
        path: `${where}.patch`,
        hint: "a YAML or JSON list of {op, path, value} operations",
      });
    }
    const idxs = selected(out, t, where);
    // kustomize silently skips a target that matches nothing; a patch that does nothing is almost
    // always a typo, so here it is an error.
    if (idxs.length === 0) {
      throw new UserError(`no rendered object matches the target ${describeTarget(t)}`, {
        pos,
        path: `${where}.target`,
        hint: closeCandidates(out, t.kind, t.name),
      });
    }
    if (isPlainObject(ops)) {
      for (const idx of idxs) {
        try {
          const merged = mergeObject(out[idx]!, ops);
          if (merged) out[idx] = merged;
        } catch (e) {
          if (!(e instanceof MergeError)) throw e;
          throw new UserError(`strategic merge patch for ${describeTarget(t)}: ${e.message}`, {
            pos,
            path: `${where}.patch`,
            cause: e,
          });
        }
      }
      return;
    }
    if (!Array.isArray(ops) || !ops.every(isPlainObject)) {
      throw new UserError("the patch must be a list of operations", {
        pos,
        path: `${where}.patch`,
        hint: "e.g. - op: replace\n  path: /spec/replicas\n  value: 3",
      });
    }
    for (const idx of idxs) {
      let doc = JSON.parse(JSON.stringify(out[idx])) as Record<string, unknown> | unknown[];
      ops.forEach((op, j) => {
        try {
          doc = applyOperation(doc, op);
        } catch (e) {
          if (!(e instanceof PatchOpError)) throw e;
          const o = out[idx]!;
          throw new UserError(
            `operation ${j} (${String(op.op)} ${String(op.path ?? op.from ?? "")}) failed on ${o.kind} ${JSON.stringify(o.metadata.name)}: ${e.message}`,
            {
              pos,
              path: `${where}.patch[${j}]`,
              hint: "paths start with / and must exist in the rendered object, except the last segment of add (`gimlet manifest template` shows the rendered objects)",
            },
          );
        }
      });
      if (!isPlainObject(doc) || !isPlainObject(doc.metadata)) {
        throw new UserError("the patch leaves something that is not a Kubernetes object", {
          pos,
          path: `${where}.patch`,
        });
      }
      // kustomize re-sets the annotations after a JSON patch, as strings: `value: on` ends up "true".
      const ann = doc.metadata.annotations;
      const flat = isPlainObject(ann) ? Object.entries(ann).map(([k, v]) => [k, scalarText(v)] as const) : [];
      if (flat.length) doc.metadata.annotations = Object.fromEntries(flat);
      else delete doc.metadata.annotations;
      out[idx] = doc as unknown as KubeObject;
    }
  });
  return out;
}
