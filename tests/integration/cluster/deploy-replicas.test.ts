/**
 * `gimlet serve manifests --database-secret … --replicas 3` against the real test cluster: it passes
 * server-side dry-run (schemas, restricted pod security), and applied next to the database Secret
 * the three replicas of the Deployment all mount the one ReadWriteMany claim (bound to a PV made
 * here: the test cluster has no provisioner) and become Ready on kwok nodes.
 */
import { describe, expect, test } from "bun:test";
import { defaultImage } from "../../../src/core/deploy/image.ts";
import { serveManifests } from "../../../src/core/deploy/serve-manifests.ts";
import { toMultiDocYaml } from "../../../src/core/yaml.ts";
import pkg from "../../../package.json" with { type: "json" };
import { eventually, useCluster } from "../../support/cluster.ts";

const cluster = useCluster({ nodes: 3 });
const image = defaultImage(pkg.version);
const ns = "gimlet-ha";
const objects = serveManifests({
  image,
  namespace: ns,
  host: "https://gimlet.example.com",
  storageClass: "gimlet-rwx",
  size: "1Gi",
  encryptionKey: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
  databaseSecret: { name: "gimlet-db", key: "url" },
  replicas: 3,
});
const yaml = toMultiDocYaml(objects);
const dbSecret = `apiVersion: v1
kind: Secret
metadata: {name: gimlet-db, namespace: ${ns}}
stringData: {url: "postgres://gimlet:pw@postgres.${ns}.svc:5432/gimlet"}
`;
const pv = `apiVersion: v1
kind: PersistentVolume
metadata: {name: gimlet-shared-data}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteMany]
  storageClassName: gimlet-rwx
  nfs: {server: nfs.example.com, path: /exports/gimlet}
`;

const get = async (args: string[]) => JSON.parse(await cluster.kubectl([...args, "-o", "json"]));

describe("PostgreSQL replicas install", () => {
  test("passes server-side dry-run", async () => {
    const namespace = toMultiDocYaml(objects.filter((o) => o.kind === "Namespace"));
    await cluster.kubectl(["apply", "-f", "-"], namespace);
    const out = await cluster.kubectl(["apply", "--dry-run=server", "-f", "-"], yaml);
    const kinds = ["deployment.apps/gimlet", "persistentvolumeclaim/gimlet-data", "service/gimlet", "secret/gimlet"];
    for (const k of [...kinds, "ingress.networking.k8s.io/gimlet"])
      expect(out).toContain(`${k} created (server dry run)`);
    expect(yaml).not.toContain("postgres://");
  }, 60_000);

  test("applied with the database Secret: three Ready replicas share the one bound ReadWriteMany claim", async () => {
    await cluster.kubectl(["apply", "-f", "-"], pv);
    await cluster.kubectl(["apply", "-f", "-"], dbSecret);
    await cluster.kubectl(["apply", "-f", "-"], yaml);
    const t = await eventually(
      "Deployment gimlet has 3 ready replicas",
      async () => (await get(["-n", ns, "get", "deployment", "gimlet"])).status.readyReplicas === 3,
      120_000,
    );
    console.log(`apply → 3 replicas ready: ${t.toFixed(1)} s`);
    const pvc = await get(["-n", ns, "get", "pvc", "gimlet-data"]);
    expect(pvc.status.phase).toBe("Bound");
    expect(pvc.spec.volumeName).toBe("gimlet-shared-data");
    const pods = (await get(["-n", ns, "get", "pods", "-l", "app.kubernetes.io/name=gimlet"])).items;
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.spec.nodeName).toStartWith("kwok-node-");
      expect(p.spec.volumes).toContainEqual({ name: "data", persistentVolumeClaim: { claimName: "gimlet-data" } });
      const env = p.spec.containers[0].env.find((e: { name: string }) => e.name === "GIMLET_DATABASE_URL");
      expect(env.valueFrom.secretKeyRef).toEqual({ name: "gimlet-db", key: "url" });
      expect(p.spec.containers[0].readinessProbe.httpGet.path).toBe("/readyz");
    }
  }, 300_000);
});
