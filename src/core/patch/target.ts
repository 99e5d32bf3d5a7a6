/** How kustomize identifies objects: group/version/kind, name and effective namespace. */
import { editDistance } from "../did-you-mean.ts";
import { apiGroup, type KubeObject } from "../k8s.ts";
import { clusterScoped } from "./schema.ts";

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export function gvkOf(apiVersion: unknown, kind: unknown): Gvk {
  const av = typeof apiVersion === "string" ? apiVersion : "";
  const i = av.lastIndexOf("/");
  return { group: apiGroup(av), version: i < 0 ? av : av.slice(i + 1), kind: typeof kind === "string" ? kind : "" };
}

/** kustomize's namespace for matching: unset means "default"; cluster-scoped kinds have none. */
export function effectiveNamespace(apiVersion: string, kind: string, namespace: unknown): string {
  if (clusterScoped.has(`${apiVersion} ${kind}`)) return "_non_namespaceable_";
  return typeof namespace === "string" && namespace !== "" ? namespace : "default";
}

export function describe(o: { apiVersion?: unknown; kind?: unknown; metadata?: unknown }): string {
  const meta = (typeof o.metadata === "object" && o.metadata !== null ? o.metadata : {}) as Record<string, unknown>;
  const ns = typeof meta.namespace === "string" && meta.namespace ? ` in namespace ${meta.namespace}` : "";
  return `${String(o.kind ?? "?")} ${JSON.stringify(meta.name ?? "")}${ns} (${String(o.apiVersion ?? "no apiVersion")})`;
}

/** The rendered objects a mistyped reference most likely meant, best first. */
export function closeCandidates(objects: readonly KubeObject[], kind: string, name: string): string {
  const scored = objects
    .map((o) => ({ o, score: (o.kind === kind ? 0 : 10) + Math.min(editDistance(o.metadata.name, name), 9) }))
    .filter((x) => x.score < 10 || x.o.metadata.name === name)
    .sort((a, b) => a.score - b.score)
    .slice(0, 5);
  if (scored.length === 0)
    return `rendered: ${objects.map((o) => `${o.kind} ${o.metadata.name}`).join(", ") || "nothing"}`;
  return `closest rendered: ${scored.map((x) => describe(x.o)).join("; ")}`;
}
