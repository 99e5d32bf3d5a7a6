/** JSON 6902 patches (RFC 6902), targeted like kustomize's patchesJson6902. */
import jsonpatch, { type Operation } from "fast-json-patch";
import { UserError } from "../errors.ts";
import { apiGroup, isPlainObject, type KubeObject } from "../k8s.ts";
import { parseYamlAll } from "../yaml.ts";

export interface Json6902Target {
  group?: string;
  version?: string;
  kind: string;
  name: string;
  namespace?: string;
}

function matches(o: KubeObject, t: Json6902Target): boolean {
  const version = o.apiVersion.split("/").at(-1);
  return (
    o.kind === t.kind &&
    o.metadata.name === t.name &&
    (t.group === undefined || apiGroup(o.apiVersion) === t.group) &&
    (t.version === undefined || version === t.version) &&
    (t.namespace === undefined || (o.metadata.namespace ?? "default") === t.namespace)
  );
}

export function applyJson6902Patches(objects: KubeObject[], patches: { target: Json6902Target; patch: string }[], opts: { file?: string } = {}): KubeObject[] {
  const out = objects.map((o) => o);
  patches.forEach((p, i) => {
    const where = `json6902Patches[${i}]`;
    const idx = out.findIndex((o) => matches(o, p.target));
    const t = p.target;
    if (idx < 0) {
      throw new UserError(`no rendered object matches the target ${[t.group, t.version, t.kind].filter(Boolean).join("/")} ${JSON.stringify(t.name)}`, {
        pos: { file: opts.file },
        path: `${where}.target`,
        hint: `rendered: ${out.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`).join("; ")}`,
      });
    }
    const docs = parseYamlAll(p.patch, opts.file);
    const ops = (docs.length === 1 && Array.isArray(docs[0]) ? docs[0] : docs) as unknown[];
    if (!ops.every((op) => isPlainObject(op) && typeof op.op === "string" && typeof op.path === "string")) {
      throw new UserError("the patch must be a list of operations with op and path", { pos: { file: opts.file }, path: `${where}.patch`, hint: "e.g. - op: replace\\n  path: /spec/replicas\\n  value: 3" });
    }
    const doc = JSON.parse(JSON.stringify(out[idx]));
    (ops as Operation[]).forEach((op, j) => {
      try {
        jsonpatch.applyOperation(doc, op, true, true, false);
      } catch (e) {
        throw new UserError(`operation ${j} (${op.op} ${op.path}) failed on ${t.kind} ${JSON.stringify(t.name)}: ${(e as Error).message.split("\n")[0]}`, {
          pos: { file: opts.file },
          path: `${where}.patch`,
          hint: "check that the path exists in the rendered object (`gimlet manifest template` shows it)",
        });
      }
    });
    out[idx] = doc as KubeObject;
  });
  return out;
}
