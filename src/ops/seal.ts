/**
 * Sealing for Bitnami's sealed-secrets controller, byte for byte as kubeseal does it
 * (pkg/crypto HybridEncrypt): a random AES-256-GCM session key seals the value with a zero nonce
 * (the key is used once), and RSA-OAEP with SHA-256 and the scope's label seals the session key.
 * All primitives are WebCrypto's; node:crypto only reads the public key out of the certificate.
 */
import { X509Certificate, createPublicKey } from "node:crypto";
import { UserError } from "../core/errors.ts";
import { checkTarget, isSealed, packSealed, sealedSecret, sealingLabel, type Scope } from "../core/seal/index.ts";

export interface SealingKey {
  key: CryptoKey;
  /** Size of one RSA block: the length every sealed value's RSA part has. */
  modulusBytes: number;
}

/** The controller's public key from its certificate (`kubeseal --fetch-cert`) or a public key PEM. */
export async function sealingKey(pem: string, where: string): Promise<SealingKey> {
  let spki: Buffer;
  let expired: string | undefined;
  try {
    const cert = pem.includes("BEGIN CERTIFICATE") ? new X509Certificate(pem) : undefined;
    if (cert && Date.parse(cert.validTo) < Date.now()) expired = cert.validTo;
    const pub = cert ? cert.publicKey : createPublicKey(pem);
    if (pub.asymmetricKeyType !== "rsa") throw new Error(`the key is ${pub.asymmetricKeyType}, not RSA`);
    spki = pub.export({ type: "spki", format: "der" });
  } catch (e) {
    throw new UserError(`${where} holds no RSA certificate or public key: ${(e as Error).message}`, {
      pos: { file: where },
      hint: "use the controller's certificate: kubectl -n kube-system get secret -l sealedsecrets.bitnami.com/sealed-secrets-key, or /v1/cert.pem",
    });
  }
  // As kubeseal: the controller renews its key (30 days by default) and a stale one may be retired.
  if (expired) {
    throw new UserError(`the certificate expired on ${expired}`, {
      pos: { file: where },
      hint: "fetch the controller's current one: gimlet seal --fetch-cert > cert.pem",
    });
  }
  const key = await crypto.subtle.importKey(
    "spki",
    new Uint8Array(spki),
    { name: "RSA-OAEP", hash: "SHA-256" },
    false,
    ["encrypt"],
  );
  return { key, modulusBytes: (key.algorithm as RsaHashedKeyAlgorithm).modulusLength / 8 };
}

/** One sealed value, base64 as `encryptedData` holds it. */
export async function sealValue(k: SealingKey, plaintext: Uint8Array, label: string): Promise<string> {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const session = await crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt"]);
  const aes = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: new Uint8Array(12) },
    session,
    new Uint8Array(plaintext),
  );
  const rsa = await crypto.subtle.encrypt({ name: "RSA-OAEP", label: new TextEncoder().encode(label) }, k.key, raw);
  raw.fill(0);
  return Buffer.from(packSealed(new Uint8Array(rsa), new Uint8Array(aes))).toString("base64");
}

export interface SealSecretInput {
  name: string;
  namespace?: string;
  scope: Scope;
  data: Record<string, Uint8Array>;
  type?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A SealedSecret of every key of `data`, each sealed for the scope. */
export async function sealSecret(k: SealingKey, s: SealSecretInput): Promise<Record<string, unknown>> {
  checkTarget(s.scope, s.namespace, s.name);
  const label = sealingLabel(s.scope, s.namespace ?? "", s.name);
  const encryptedData: Record<string, string> = {};
  for (const [key, value] of Object.entries(s.data)) encryptedData[key] = await sealValue(k, value, label);
  return sealedSecret({ ...s, encryptedData });
}

export const isSealedFor = (k: SealingKey) => (v: string) => isSealed(v, k.modulusBytes);
