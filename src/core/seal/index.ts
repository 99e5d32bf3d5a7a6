/**
 * @module Bitnami sealed-secrets, the pure parts: scopes and their OAEP labels, the SealedSecret
 * object kubeseal writes, the byte layout of a sealed value, and telling a sealed value from a
 * plain one. The encryption itself runs on WebCrypto (ops/seal.ts).
 */
import { UserError } from "../errors.ts";

export type Scope = "strict" | "namespace-wide" | "cluster-wide";
export const scopes: readonly Scope[] = ["strict", "namespace-wide", "cluster-wide"];

export const annotations = {
  namespaceWide: "sealedsecrets.bitnami.com/namespace-wide",
  clusterWide: "sealedsecrets.bitnami.com/cluster-wide",
} as const;

export function parseScope(s: string | undefined, fallback: Scope): Scope {
  if (s === undefined || s === "") return fallback;
  if ((scopes as readonly string[]).includes(s)) return s as Scope;
  throw new UserError(`unknown scope ${JSON.stringify(s)}`, {
    path: "--scope",
    hint: "use strict, namespace-wide or cluster-wide",
  });
}

/** The RSA-OAEP label the controller decrypts with: what pins a value to a namespace and name. */
export function sealingLabel(scope: Scope, namespace: string, name: string): string {
  if (scope === "cluster-wide") return "";
  if (scope === "namespace-wide") return namespace;
  return `${namespace}/${name}`;
}

/** The annotations that tell the controller the scope (none for strict, its default). */
export function scopeAnnotations(scope: Scope): Record<string, string> {
  if (scope === "namespace-wide") return { [annotations.namespaceWide]: "true" };
  if (scope === "cluster-wide") return { [annotations.clusterWide]: "true" };
  return {};
}

/** What must be known to seal for a scope; a missing piece is a clear error. */
export function checkTarget(scope: Scope, namespace: string | undefined, name: string | undefined): void {
  if (scope !== "cluster-wide" && !namespace)
    throw new UserError(`sealing with scope ${scope} needs the namespace`, { path: "--namespace" });
  if (scope === "strict" && !name)
    throw new UserError("sealing with scope strict needs the secret's name", { path: "--name" });
}

export interface SealedSecretInput {
  name: string;
  namespace?: string;
  scope: Scope;
  /** Key → sealed value (base64), as encryptedData holds it. */
  encryptedData: Record<string, string>;
  type?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Kubectl copies of the whole object (with the plain values) never go into the template. */
const leakyAnnotations = [
  "kubectl.kubernetes.io/last-applied-configuration",
  "kubecfg.ksonnet.io/last-applied-configuration",
];

/** The `bitnami.com/v1alpha1` SealedSecret, laid out as kubeseal writes it. */
export function sealedSecret(s: SealedSecretInput): Record<string, unknown> {
  const own = Object.fromEntries(
    Object.entries(s.annotations ?? {}).filter(
      ([k]) => !leakyAnnotations.includes(k) && k !== annotations.clusterWide && k !== annotations.namespaceWide,
    ),
  );
  const anno = { ...own, ...scopeAnnotations(s.scope) };
  const meta = {
    name: s.name,
    ...(s.namespace ? { namespace: s.namespace } : {}),
    ...(Object.keys(anno).length ? { annotations: anno } : {}),
  };
  const sorted = Object.fromEntries(Object.entries(s.encryptedData).sort(([a], [b]) => a.localeCompare(b)));
  return {
    apiVersion: "bitnami.com/v1alpha1",
    kind: "SealedSecret",
    metadata: {
      name: s.name,
      ...(s.namespace ? { namespace: s.namespace } : {}),
      ...(Object.keys(scopeAnnotations(s.scope)).length ? { annotations: scopeAnnotations(s.scope) } : {}),
    },
    spec: {
      encryptedData: sorted,
      template: {
        metadata: { ...meta, ...(s.labels && Object.keys(s.labels).length ? { labels: s.labels } : {}) },
        ...(s.type ? { type: s.type } : {}),
      },
    },
  };
}

/**
 * A sealed value's bytes (pkg/crypto HybridEncrypt): the RSA ciphertext's length as two big-endian
 * bytes, the RSA-OAEP ciphertext of the session key, then the AES-GCM ciphertext and tag.
 */
export function packSealed(rsaCiphertext: Uint8Array, aesCiphertext: Uint8Array): Uint8Array {
  if (rsaCiphertext.length > 0xffff) throw new Error("RSA ciphertext too long");
  const out = new Uint8Array(2 + rsaCiphertext.length + aesCiphertext.length);
  out[0] = rsaCiphertext.length >> 8;
  out[1] = rsaCiphertext.length & 0xff;
  out.set(rsaCiphertext, 2);
  out.set(aesCiphertext, 2 + rsaCiphertext.length);
  return out;
}

/** The two parts of a sealed value, or undefined when the bytes cannot be one. */
export function unpackSealed(bytes: Uint8Array): { rsa: Uint8Array; aes: Uint8Array } | undefined {
  if (bytes.length < 2) return undefined;
  const n = (bytes[0]! << 8) | bytes[1]!;
  // A GCM tag is 16 bytes: anything shorter after the RSA part is not a sealed value.
  if (bytes.length < 2 + n + 16) return undefined;
  return { rsa: bytes.subarray(2, 2 + n), aes: bytes.subarray(2 + n) };
}

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Whether a value is already sealed for a key of `modulusBytes` (256 for RSA-2048, 512 for 4096):
 * standard base64 of bytes whose length prefix is exactly one RSA block. The original checked
 * for 512 only; a plain value that passes this is 258+ bytes of base64 with the right prefix.
 */
export function isSealed(value: string, modulusBytes: number): boolean {
  if (value.length % 4 !== 0 || !base64.test(value)) return false;
  const bytes = Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
  const parts = unpackSealed(bytes);
  return parts !== undefined && parts.rsa.length === modulusBytes;
}
