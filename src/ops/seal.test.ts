import { describe, expect, test } from "bun:test";
import { createDecipheriv, generateKeyPairSync, privateDecrypt, constants, type KeyObject } from "node:crypto";
import { isSealed, sealingLabel } from "../core/seal/index.ts";
import { sealValuesAt } from "../core/seal/values.ts";
import { isSealedFor, sealSecret, sealValue, sealingKey } from "./seal.ts";

const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = pair.publicKey.export({ type: "spki", format: "pem" }) as string;

/** The controller's HybridDecrypt (pkg/crypto), on node:crypto, as an independent reader. */
function unseal(priv: KeyObject, b64: string, label: string): string {
  const bytes = Buffer.from(b64, "base64");
  const n = bytes.readUInt16BE(0);
  const sessionKey = privateDecrypt(
    { key: priv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: Buffer.from(label) },
    bytes.subarray(2, 2 + n),
  );
  const aes = bytes.subarray(2 + n);
  const d = createDecipheriv("aes-256-gcm", sessionKey, Buffer.alloc(12));
  d.setAuthTag(aes.subarray(aes.length - 16));
  return Buffer.concat([d.update(aes.subarray(0, aes.length - 16)), d.final()]).toString("utf8");
}

describe("sealValue()", () => {
  test("the controller's algorithm unseals it with the same label, for each scope", async () => {
    const k = await sealingKey(pem, "key.pem");
    expect(k.modulusBytes).toBe(256);
    for (const [scope, label] of [
      ["strict", "team-a/db"],
      ["namespace-wide", "team-a"],
      ["cluster-wide", ""],
    ] as const) {
      expect(sealingLabel(scope, "team-a", "db")).toBe(label);
      const v = await sealValue(k, new TextEncoder().encode(`pw-${scope} ü`), label);
      expect(unseal(pair.privateKey, v, label)).toBe(`pw-${scope} ü`);
      expect(Buffer.from(v, "base64").readUInt16BE(0)).toBe(256);
    }
  });

  test("a value sealed for namespace A does not unseal as namespace B (strict)", async () => {
    const k = await sealingKey(pem, "key.pem");
    const v = await sealValue(k, new TextEncoder().encode("hunter2"), sealingLabel("strict", "a", "db"));
    expect(() => unseal(pair.privateKey, v, sealingLabel("strict", "b", "db"))).toThrow();
  });

  test("each sealing uses a fresh session key: the same value seals differently", async () => {
    const k = await sealingKey(pem, "key.pem");
    const [a, b] = await Promise.all([sealValue(k, new Uint8Array([1]), ""), sealValue(k, new Uint8Array([1]), "")]);
    expect(a).not.toBe(b);
  });

  test("sealed values are recognised for the key's size; plain values are not", async () => {
    const k = await sealingKey(pem, "key.pem");
    const v = await sealValue(k, new TextEncoder().encode("x"), "");
    expect(isSealed(v, 256)).toBe(true);
    expect(isSealed(v, 512)).toBe(false);
    for (const plain of ["hunter2", "", "aGVsbG8=", "A".repeat(400)]) expect(isSealed(plain, 256)).toBe(false);
  });

  test("a file that holds no RSA key is a clear error naming it", async () => {
    await expect(sealingKey("not a pem", "cert.pem")).rejects.toThrow(
      /cert\.pem holds no RSA certificate or public key/,
    );
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({
      type: "spki",
      format: "pem",
    }) as string;
    await expect(sealingKey(ec, "ec.pem")).rejects.toThrow(/not RSA/);
  });
});

describe("sealSecret()", () => {
  test("a SealedSecret as kubeseal writes it: scope annotations, template metadata, type", async () => {
    const k = await sealingKey(pem, "key.pem");
    const s = (await sealSecret(k, {
      name: "db",
      namespace: "team-a",
      scope: "namespace-wide",
      data: { password: new TextEncoder().encode("hunter2") },
      type: "Opaque",
      annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{leak}", team: "a" },
    })) as any;
    expect(s.apiVersion).toBe("bitnami.com/v1alpha1");
    expect(s.metadata).toEqual({
      name: "db",
      namespace: "team-a",
      annotations: { "sealedsecrets.bitnami.com/namespace-wide": "true" },
    });
    expect(s.spec.template).toEqual({
      metadata: {
        name: "db",
        namespace: "team-a",
        annotations: { team: "a", "sealedsecrets.bitnami.com/namespace-wide": "true" },
      },
      type: "Opaque",
    });
    expect(unseal(pair.privateKey, s.spec.encryptedData.password, "team-a")).toBe("hunter2");
    expect(JSON.stringify(s)).not.toContain("leak");
  });

  test("strict needs a name and a namespace", async () => {
    const k = await sealingKey(pem, "key.pem");
    await expect(sealSecret(k, { name: "db", scope: "strict", data: {} })).rejects.toThrow(/needs the namespace/);
  });
});

describe("sealValuesAt()", () => {
  const manifest = `app: web # the app\nenv: staging\nvalues:\n  sealedSecrets:\n    password: hunter2 # rotate monthly\n    token: "abc"\n  replicas: 2\n`;

  test("seals the plain values in place, keeps comments, and a second run changes nothing", async () => {
    const k = await sealingKey(pem, "key.pem");
    const seal = (_: string, v: string) => sealValue(k, new TextEncoder().encode(v), "");
    const once = await sealValuesAt(manifest, "staging.yaml", ["values.sealedSecrets"], seal, isSealedFor(k));
    expect(once.sealed).toEqual(["values.sealedSecrets.password", "values.sealedSecrets.token"]);
    expect(once.text).toContain("# rotate monthly");
    expect(once.text).toContain("app: web # the app");
    expect(once.text).not.toContain("hunter2");
    const m = /password: (\S+)/.exec(once.text)!;
    expect(unseal(pair.privateKey, m[1]!, "")).toBe("hunter2");
    const twice = await sealValuesAt(once.text, "staging.yaml", ["values.sealedSecrets"], seal, isSealedFor(k));
    expect(twice.sealed).toEqual([]);
    expect(twice.kept.length).toBe(2);
    expect(twice.text).toBe(once.text);
  });

  test("a missing path or a non-map is an error naming the file and the path", async () => {
    const k = await sealingKey(pem, "key.pem");
    const seal = (_: string, v: string) => sealValue(k, new TextEncoder().encode(v), "");
    await expect(sealValuesAt(manifest, "staging.yaml", ["values.nope"], seal, isSealedFor(k))).rejects.toThrow(
      /staging.yaml has nothing at values.nope/,
    );
    await expect(sealValuesAt(manifest, "staging.yaml", ["values.replicas"], seal, isSealedFor(k))).rejects.toThrow(
      /must be a map of strings/,
    );
  });
});
