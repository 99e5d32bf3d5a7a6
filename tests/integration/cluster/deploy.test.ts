/**
 * The install YAML against the real test cluster: `gimlet serve manifests` and `gimlet agent
 * manifests` pass server-side dry-run (schemas, the namespace's restricted pod security), and once
 * applied the StatefulSet (its PVC bound to a PV made here: the test cluster has no provisioner)
 * and the agent Deployment reach Ready on kwok nodes, in the same image.
 */
import { describe, expect, test } from "bun:test";
import { agentManifests } from "../../../src/core/agent/manifests.ts";
import { defaultImage } from "../../../src/core/deploy/image.ts";
import { serveManifests } from "../../../src/core/deploy/serve-manifests.ts";
import { toMultiDocYaml } from "../../../src/core/yaml.ts";
import pkg from "../../../package.json" with { type: "json" };
import { eventually, useCluster } from "../../support/cluster.ts";

const cluster = useCluster();
const image = defaultImage(pkg.version);
const serveYaml = toMultiDocYaml(
  serveManifests({
    image,
    host: "https://gimlet.example.com",
    storageClass: "gimlet-test",
    size: "1Gi",
    encryptionKey: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
  }),
);
const agentYaml = toMultiDocYaml(
  agentManifests({ env: "staging", server: "http://gimlet.gimlet.svc", image, token: "t" }),
);
const pv = `apiVersion: v1
kind: PersistentVolume
metadata: {name: gimlet-data}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: gimlet-test
  hostPath: {path: /tmp/gimlet-data}
`;

const get = async (args: string[]) => JSON.parse(await cluster.kubectl([...args, "-o", "json"]));

describe("install manifests", () => {
  test("serve and agent manifests pass server-side dry-run", async () => {
    // A dry run of namespaced objects needs their namespace: the manifests' own Namespace first.
    const namespace = toMultiDocYaml(serveManifests({ image }).filter((o) => o.kind === "Namespace"));
    await cluster.kubectl(["apply", "-f", "-"], namespace);
    const out = await cluster.kubectl(["apply", "--dry-run=server", "-f", "-"], serveYaml + agentYaml);
    const kinds = ["statefulset.apps", "service", "ingress.networking.k8s.io", "secret"].map((k) => `${k}/gimlet`);
    const agent = ["deployment.apps", "clusterrole.rbac.authorization.k8s.io"].map((k) => `${k}/gimlet-agent-staging`);
    for (const o of [...kinds, ...agent]) {
      expect(out).toContain(`${o} created (server dry run)`);
    }
    // `restricted` is enforced on pods, not on their controllers: the next test's pods being
    // created at all shows both pod templates pass it.
    const ns = await get(["get", "namespace", "gimlet"]);
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(await cluster.kubectl(["-n", "gimlet", "get", "statefulsets,deployments", "-o", "name"])).toBe("");
  }, 60_000);

  test("applied: the StatefulSet with its bound PVC and the agent Deployment become Ready", async () => {
    await cluster.kubectl(["apply", "-f", "-"], pv);
    await cluster.kubectl(["apply", "-f", "-"], serveYaml);
    await cluster.kubectl(["apply", "-f", "-"], agentYaml);
    const t = await eventually(
      "StatefulSet gimlet ready",
      async () => {
        const sts = await get(["-n", "gimlet", "get", "statefulset", "gimlet"]);
        return sts.status.readyReplicas === 1;
      },
      120_000,
    );
    console.log(`apply → StatefulSet ready: ${t.toFixed(1)} s`);
    const pvc = await get(["-n", "gimlet", "get", "pvc", "data-gimlet-0"]);
    expect(pvc.status.phase).toBe("Bound");
    expect(pvc.spec.volumeName).toBe("gimlet-data");
    const pod = await get(["-n", "gimlet", "get", "pod", "gimlet-0"]);
    expect(pod.spec.containers[0].image).toBe(image);
    expect(pod.spec.nodeName).toStartWith("kwok-node-");
    await eventually(
      "agent Deployment available",
      async () => {
        const d = await get(["-n", "gimlet", "get", "deployment", "gimlet-agent-staging"]);
        return d.status.availableReplicas === 1;
      },
      120_000,
    );
    const agentPods = await get(["-n", "gimlet", "get", "pods", "-l", "app.kubernetes.io/name=gimlet-agent"]);
    expect(agentPods.items.map((p: any) => p.spec.containers[0].image)).toEqual([image]);
  }, 300_000);
});
