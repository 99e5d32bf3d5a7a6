/**
 * `stack bootstrap`: `gitops bootstrap` for an infra repo, with the original's dependencies lane —
 * a second Kustomization applies `<env>/dependencies/` (namespaces, CRDs) and waits for it, and
 * the env's Kustomization depends on it, so HelmReleases never race their CRDs. stack.yaml and
 * `.stack/` are kept out of Flux's source.
 */
import { planBootstrap, type BootstrapOptions, type BootstrapPlan } from "../gitops/index.ts";
import { isPlainObject, type KubeObject } from "../k8s.ts";
import { parseYamlAll, toMultiDocYaml } from "../yaml.ts";

const dependenciesDir = "dependencies";

export function planStackBootstrap(o: BootstrapOptions): BootstrapPlan & { dependenciesName: string } {
  // Its own Flux objects: the env's apps repo (`gimlet env bootstrap`) owns `gitops-repo-<env>` in the
  // same cluster, and objects of one name would replace each other.
  const plan = planBootstrap({
    ...o,
    fluxName: o.fluxName ?? (o.env ? `gitops-repo-${o.env}-infra` : "gitops-repo-infra"),
  });
  const file = plan.files.find((f) => f.path === plan.repoFile)!;
  const docs = parseYamlAll(file.content, plan.repoFile) as KubeObject[];
  const source = docs.find((d) => d.kind === "GitRepository")!;
  const main = docs.find((d) => d.kind === "Kustomization")!;
  const envDir = o.env ?? "";
  const prefix = envDir ? `/${envDir}/` : "/";
  const spec = source.spec as Record<string, unknown>;
  spec.ignore = `${String(spec.ignore ?? "")}${prefix}stack.yaml\n${prefix}.stack/\n`;
  const dependenciesName = `${plan.name}-dependencies`;
  const mainSpec = main.spec as Record<string, unknown>;
  const deps: KubeObject = {
    apiVersion: main.apiVersion,
    kind: "Kustomization",
    metadata: {
      name: dependenciesName,
      namespace: (main.metadata as { namespace?: string }).namespace ?? "flux-system",
    },
    spec: {
      ...mainSpec,
      path: envDir ? `./${envDir}/${dependenciesDir}` : `./${dependenciesDir}`,
      // CRDs must be established before the main lane applies objects of their kinds.
      wait: true,
    },
  };
  if (isPlainObject(mainSpec)) mainSpec.dependsOn = [{ name: dependenciesName }];
  const files = plan.files.map((f) =>
    f.path === plan.repoFile ? { path: f.path, content: toMultiDocYaml([source, deps, main]) } : f,
  );
  return { ...plan, files, dependenciesName };
}
