import { expect, test } from "bun:test";
import type { UserError } from "../errors.ts";
import { agentManifests } from "./manifests.ts";

const base = {
  env: "staging",
  server: "https://gimlet.example.com",
  image: "ghcr.io/gimlet-io/gimlet:1.0.0",
  token: "t0k",
};
type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test("cluster-wide: Namespace, ServiceAccount, ClusterRole + binding, token Secret, Deployment", () => {
  const objs = agentManifests(base);
  expect(objs.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`)).toEqual([
    "Namespace//gimlet",
    "ServiceAccount/gimlet/gimlet-agent-staging",
    "ClusterRole//gimlet-agent-staging",
    "ClusterRoleBinding//gimlet-agent-staging",
    "Secret/gimlet/gimlet-agent-staging",
    "Deployment/gimlet/gimlet-agent-staging",
  ]);
  expect((objs[3] as Any).subjects).toEqual([
    { kind: "ServiceAccount", name: "gimlet-agent-staging", namespace: "gimlet" },
  ]);
  expect((objs[4] as Any).stringData).toEqual({ GIMLET_AGENT_TOKEN: "t0k" });
});

test("least privilege: no secrets, no wildcards, no create/delete; patch only where restart and reconcile need it", () => {
  const rules = (agentManifests(base)[2] as Any).rules as {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
  }[];
  const grants = rules.flatMap((r) =>
    r.resources.flatMap((res) => r.verbs.map((v) => `${r.apiGroups[0]}/${res}:${v}`)),
  );
  expect(grants.filter((g) => /secrets|\*|:(create|delete|update|deletecollection)$/.test(g))).toEqual([]);
  expect(grants.filter((g) => g.endsWith(":patch")).sort()).toEqual([
    "apps/deployments:patch",
    "apps/statefulsets:patch",
    "helm.toolkit.fluxcd.io/helmreleases:patch",
    "kustomize.toolkit.fluxcd.io/kustomizations:patch",
    "source.toolkit.fluxcd.io/gitrepositories:patch",
  ]);
  expect(grants).toContain("/pods/log:get");
});

test("one namespace: a Role and RoleBinding there, and the agent told to watch only it", () => {
  const objs = agentManifests({ ...base, watchNamespace: "apps" });
  expect(objs[2]!.kind).toBe("Role");
  expect(objs[2]!.metadata.namespace).toBe("apps");
  expect(objs[3]!.kind).toBe("RoleBinding");
  expect((objs[3] as Any).roleRef.kind).toBe("Role");
  const c = (objs[5] as Any).spec.template.spec.containers[0];
  expect(c.env.find((e: Any) => e.name === "GIMLET_ENV").value).toBe("staging=apps");
});

test("the Deployment: non-root, read-only root fs, no privilege escalation, probes on the health port, resources", () => {
  const d = agentManifests(base)[5] as Any;
  const pod = d.spec.template.spec;
  const c = pod.containers[0];
  expect(pod.securityContext.runAsNonRoot).toBe(true);
  expect(c.securityContext).toEqual({
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
  });
  expect(c.args).toEqual(["agent", "--health-listen", "0.0.0.0:9091"]);
  expect(c.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "health" });
  expect(c.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "health" });
  expect(c.ports).toEqual([{ name: "health", containerPort: 9091 }]);
  expect(c.resources.limits.memory).toBe("256Mi");
  expect(c.env.find((e: Any) => e.name === "GIMLET_AGENT_TOKEN").valueFrom.secretKeyRef.name).toBe(
    "gimlet-agent-staging",
  );
  expect(d.spec.strategy.type).toBe("Recreate");
});

test("bad names and URLs are refused, naming the flag", () => {
  const err = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as UserError).describe();
    }
    return "no error";
  };
  expect(err(() => agentManifests({ ...base, namespace: "Gimlet" }))).toBe(
    `--namespace: "Gimlet" is not a valid Kubernetes name (lowercase letters, digits and '-', at most 63)`,
  );
  expect(err(() => agentManifests({ ...base, server: "gimlet.example.com" }))).toBe(
    `--server: "gimlet.example.com" is not an http(s) URL (e.g. https://gimlet.example.com)`,
  );
});
