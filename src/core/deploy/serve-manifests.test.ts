/**
 * `serveManifests`: goldens for the install YAML (golden/*.yaml; UPDATE_GOLDEN=1 rewrites them,
 * review the diff), the security settings every variant keeps, and bad options refused by flag.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.ts";
import type { KubeObject } from "../k8s.ts";
import { toMultiDocYaml } from "../yaml.ts";
import { serveManifests, type ServeManifestOptions } from "./serve-manifests.ts";

const image = "ghcr.io/gimlet-io/gimlet:1.2.3";
const key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const cases: Record<string, ServeManifestOptions> = {
  default: { image, encryptionKey: key, adminToken: `glt_${"a".repeat(43)}` },
  "https-ingress": {
    image,
    encryptionKey: key,
    host: "https://gimlet.example.com",
    storageClass: "fast-ssd",
    size: "20Gi",
    namespace: "platform",
  },
  "http-host-no-secret": { image, host: "http://gimlet.internal:8080" },
};
/** PostgreSQL: a Deployment whose replicas share one data dir claim. */
const shared: Record<string, ServeManifestOptions> = {
  "postgres-replicas": {
    image,
    encryptionKey: key,
    host: "https://gimlet.example.com",
    storageClass: "nfs",
    databaseSecret: { name: "gimlet-db", key: "GIMLET_DATABASE_URL" },
    replicas: 3,
  },
  "postgres-one-rwo": {
    image,
    databaseSecret: { name: "pg", key: "url" },
    accessMode: "ReadWriteOnce",
  },
};

describe("golden install YAML", () => {
  for (const [name, o] of Object.entries({ ...cases, ...shared })) {
    test(`${name} prints as golden/${name}.yaml`, () => {
      const actual = toMultiDocYaml(serveManifests(o));
      const file = join(import.meta.dir, "golden", `${name}.yaml`);
      if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, actual);
      if (!existsSync(file)) throw new Error(`${file} is missing: run with UPDATE_GOLDEN=1 and review it`);
      expect(actual).toBe(readFileSync(file, "utf8"));
    });
  }
});

const find = (objs: KubeObject[], kind: string) => objs.find((o) => o.kind === kind) as any;

describe("every variant", () => {
  for (const [name, o] of Object.entries(cases)) {
    test(`${name}: non-root, read-only root, only /data and /tmp writable, one replica`, () => {
      const sts = find(serveManifests(o), "StatefulSet");
      const pod = sts.spec.template.spec;
      const c = pod.containers[0];
      expect(sts.spec.replicas).toBe(1);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, fsGroup: 65532 });
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      });
      expect(c.volumeMounts.map((m: { mountPath: string }) => m.mountPath).sort()).toEqual(["/data", "/tmp"]);
      expect(c.readinessProbe.httpGet.path).toBe("/readyz");
      expect(c.livenessProbe.httpGet.path).toBe("/healthz");
      expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(o.size ?? "10Gi");
    });
  }

  test("the Ingress follows --host: TLS for https, none without --host", () => {
    expect(find(serveManifests(cases.default!), "Ingress")).toBeUndefined();
    const tls = find(serveManifests(cases["https-ingress"]!), "Ingress").spec.tls;
    expect(tls).toEqual([{ hosts: ["gimlet.example.com"], secretName: "gimlet-tls" }]);
    expect(find(serveManifests(cases["http-host-no-secret"]!), "Ingress").spec.tls).toBeUndefined();
  });
});

describe("PostgreSQL replicas", () => {
  test("the URL comes from the Secret's key into GIMLET_DATABASE_URL; no URL anywhere in the YAML", () => {
    const objs = serveManifests(shared["postgres-replicas"]!);
    const c = find(objs, "Deployment").spec.template.spec.containers[0];
    const db = c.env.find((e: { name: string }) => e.name === "GIMLET_DATABASE_URL");
    expect(db).toEqual({
      name: "GIMLET_DATABASE_URL",
      valueFrom: { secretKeyRef: { name: "gimlet-db", key: "GIMLET_DATABASE_URL" } },
    });
    expect(toMultiDocYaml(objs)).not.toContain("postgres://");
    expect(find(objs, "StatefulSet")).toBeUndefined();
  });

  for (const [name, o] of Object.entries(shared)) {
    test(`${name}: every replica mounts the one claim gimlet-data at /data, probes /readyz and /healthz`, () => {
      const objs = serveManifests(o);
      const d = find(objs, "Deployment");
      const pvc = find(objs, "PersistentVolumeClaim");
      const pod = d.spec.template.spec;
      const c = pod.containers[0];
      expect(d.spec.replicas).toBe(o.replicas ?? 1);
      expect(pvc.metadata.name).toBe("gimlet-data");
      expect(pvc.spec.accessModes).toEqual([o.accessMode ?? "ReadWriteMany"]);
      expect(pvc.spec.storageClassName).toBe(o.storageClass);
      expect(pod.volumes).toContainEqual({ name: "data", persistentVolumeClaim: { claimName: "gimlet-data" } });
      expect(c.volumeMounts).toContainEqual({ name: "data", mountPath: "/data" });
      expect(c.readinessProbe.httpGet.path).toBe("/readyz");
      expect(c.livenessProbe.httpGet.path).toBe("/healthz");
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, fsGroup: 65532 });
      expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    });
  }

  test("one pod on a ReadWriteOnce claim is replaced, not rolled, so two never want the volume", () => {
    expect(find(serveManifests(shared["postgres-one-rwo"]!), "Deployment").spec.strategy).toEqual({ type: "Recreate" });
    const rolling = find(serveManifests(shared["postgres-replicas"]!), "Deployment").spec.strategy;
    expect(rolling).toEqual({ type: "RollingUpdate" });
  });

  const refused: [Partial<ServeManifestOptions>, string, string][] = [
    [{ replicas: 2 }, "--replicas", "--database-secret"],
    [{ replicas: 0, databaseSecret: { name: "pg", key: "url" } }, "--replicas", "1 to 100"],
    [{ replicas: 1.5, databaseSecret: { name: "pg", key: "url" } }, "--replicas", "1 to 100"],
    [
      { replicas: 3, databaseSecret: { name: "pg", key: "url" }, accessMode: "ReadWriteOnce" },
      "--access-mode",
      "ReadWriteMany",
    ],
    [{ accessMode: "ReadWriteMany" }, "--access-mode", "ReadWriteOnce"],
    [{ databaseSecret: { name: "Bad_Name", key: "url" } }, "--database-secret", "NAME:KEY"],
    [{ databaseSecret: { name: "pg", key: "" } }, "--database-secret", "NAME:KEY"],
    [{ databaseSecret: { name: "pg", key: "a/b" } }, "--database-secret", "NAME:KEY"],
  ];
  for (const [o, flag, hint] of refused) {
    test(`${JSON.stringify(o)} is refused, naming ${flag}, the hint says ${hint}`, () => {
      const err = (() => {
        try {
          serveManifests({ image, ...o });
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).options.path).toBe(flag);
      expect(`${(err as UserError).message} ${(err as UserError).options.hint}`).toContain(hint);
    });
  }
});

describe("bad options", () => {
  const bad: [Partial<ServeManifestOptions>, string][] = [
    [{ host: "gimlet.example.com" }, "--host"],
    [{ host: "https://gimlet.example.com/sub" }, "--host"],
    [{ host: "ftp://gimlet.example.com" }, "--host"],
    [{ size: "10GB" }, "--size"],
    [{ size: "" }, "--size"],
    [{ storageClass: "Fast_SSD" }, "--storage-class"],
    [{ namespace: "Gimlet" }, "--namespace"],
    [{ image: "" }, "--image"],
    [{ image: "a b" }, "--image"],
  ];
  for (const [o, flag] of bad) {
    test(`${JSON.stringify(o)} is refused, naming ${flag}`, () => {
      let err: unknown;
      try {
        serveManifests({ image, ...o });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).options.path).toBe(flag);
    });
  }
});
