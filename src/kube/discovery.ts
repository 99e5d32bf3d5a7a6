/** API discovery: which optional resource types (Flux's CRDs) the API server serves right now. */
import { KubeApiError, type KubeClient } from "./client.ts";
import type { ResourceType } from "./watch.ts";

export interface Wanted {
  kind: string;
  group: string;
  plural: string;
}

export const fluxTypes: Wanted[] = [
  { kind: "GitRepository", group: "source.toolkit.fluxcd.io", plural: "gitrepositories" },
  { kind: "Kustomization", group: "kustomize.toolkit.fluxcd.io", plural: "kustomizations" },
  { kind: "HelmRelease", group: "helm.toolkit.fluxcd.io", plural: "helmreleases" },
];

interface Group {
  preferredVersion?: { version: string };
  versions?: { version: string }[];
}
interface ResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

/** The wanted types the server serves, at each group's preferred version; absent groups are skipped. */
export async function discover(client: KubeClient, wanted: Wanted[]): Promise<ResourceType[]> {
  const found: ResourceType[] = [];
  for (const w of wanted) {
    let group: Group;
    try {
      group = await client.get<Group>(`/apis/${w.group}`);
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) continue;
      throw e;
    }
    const version = group.preferredVersion?.version ?? group.versions?.[0]?.version;
    if (!version) continue;
    let list: ResourceList;
    try {
      list = await client.get<ResourceList>(`/apis/${w.group}/${version}`);
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) continue;
      throw e;
    }
    const r = list.resources?.find((x) => x.name === w.plural);
    if (r) found.push({ kind: w.kind, group: w.group, version, plural: w.plural, namespaced: r.namespaced });
  }
  return found;
}
