/**
 * How rendered objects become files in `<env>/<app>/`. The original named files after helm
 * template basenames, which vanish once kustomize patches run; we name them after the kind, so
 * the same objects always land in the same files whatever rendered them:
 *
 * - one file per kind, `<kind in lowercase>.yaml` (`deployment.yaml`, `service.yaml`);
 * - a kind that exists in two API groups gets the group too (`certificate.cert-manager.io.yaml`);
 * - objects keep their render order inside a file; every file starts with `---`.
 */
import { apiGroup, type KubeObject } from "../k8s.ts";
import { toMultiDocYaml } from "../yaml.ts";

export interface FileChange {
  path: string;
  content: string;
}

export function splitObjects(objects: readonly KubeObject[]): FileChange[] {
  const groupsByKind = new Map<string, Set<string>>();
  for (const o of objects) {
    const kind = o.kind.toLowerCase();
    if (!groupsByKind.has(kind)) groupsByKind.set(kind, new Set());
    groupsByKind.get(kind)!.add(apiGroup(o.apiVersion));
  }
  const files = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const kind = o.kind.toLowerCase();
    const group = apiGroup(o.apiVersion);
    const name = groupsByKind.get(kind)!.size > 1 && group ? `${kind}.${group}.yaml` : `${kind}.yaml`;
    if (!files.has(name)) files.set(name, []);
    files.get(name)!.push(o);
  }
  return [...files.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, objs]) => ({ path, content: toMultiDocYaml(objs) }));
}
