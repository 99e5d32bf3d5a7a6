import { describe, expect, test } from "bun:test";
import { createDecipheriv, generateKeyPairSync, privateDecrypt, constants, type KeyObject } from "node:crypto";
import { UserError } from "../core/errors.ts";
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

  test("an expired certificate is refused, as kubeseal refuses it", async () => {
    // openssl ca -selfsign -startdate 20200101000000Z -enddate 20200201000000Z (RSA 2048, O=sealed-secret)
    const expired =
      "-----BEGIN CERTIFICATE-----\n" +
      "MIICpDCCAYwCAQEwDQYJKoZIhvcNAQELBQAwGDEWMBQGA1UECgwNc2VhbGVkLXNl\n" +
      "Y3JldDAeFw0yMDAxMDEwMDAwMDBaFw0yMDAyMDEwMDAwMDBaMBgxFjAUBgNVBAoM\n" +
      "DXNlYWxlZC1zZWNyZXQwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDt\n" +
      "SAGol4AYe04gSNKVLlc9UYMamZ5MvXgTkc1qhtTz75QXNw3Tg5u1okW0NaQOV8eP\n" +
      "TavCxmxi+/s+VMLvhu9AgyYMm8/RdSWCUiqC4E7j1x84nXtNXbdKxodBMtqR5vEN\n" +
      "nUYCNFon0L0f3lbLl2sPbzzJzMb2UuuSHjm/Kotq/DYkKEvPMqwZ7dKcs8JPx5JY\n" +
      "LQC7McCQvhm6Tq2eUnypDaGJXIGYfdTkxgdFq1fKi06h1MwfYQI7Bl2QHUWngjET\n" +
      "13q/M8584ije2RoOl0+puWhb9SoPLG5AGBH1QA4nUlBkihuoilX0RVp8uoNlXar1\n" +
      "6lRGc328/A3yDyI0rrhJAgMBAAEwDQYJKoZIhvcNAQELBQADggEBAN5mnmAB6vT/\n" +
      "FeHQ6bfrpbpc1QXumdkPWxqHxmgI2mRM2eJ7+gDtbJOPFTMzcD8n7CWnvtFCOOII\n" +
      "vNYbLF9ShuUMzQ/PM4e2/JjU9JwIx9P1ixt99Q5280eJwPY9yca31AHwD11FGM69\n" +
      "2W6SoFaijz7uipQLRL8MDHKeQj6OPekrHe8G37v6tukI694a9C9NNzeyud9ME5fE\n" +
      "rrWB4+6e4CWSUuXlL5/2pCmcyTIT8qqVOZmOKiIxxnhwNhQ3tmOJ5ucG6Ttr507S\n" +
      "XiGL1oPpwEXdm/XbBwDVRyVsgzZtDCKlwIxWdH66PtmhJEfM1i5hq89N65dQ6UND\n" +
      "w391E9hfyvM=\n" +
      "-----END CERTIFICATE-----\n";
    const e = await sealingKey(expired, "old.pem").catch((e: UserError) => e);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).describe()).toBe(
      "old.pem: the certificate expired on Feb  1 00:00:00 2020 GMT (fetch the controller's current one: gimlet seal --fetch-cert > cert.pem)",
    );
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
