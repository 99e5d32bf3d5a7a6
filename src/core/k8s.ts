/** Minimal shape of a Kubernetes object as the renderers produce and consume it. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** A JSON-like value, as YAML parsing yields it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `group` of an apiVersion: "" for the core group ("v1"). */
export function apiGroup(apiVersion: string): string {
  const i = apiVersion.lastIndexOf("/");
  return i < 0 ? "" : apiVersion.slice(0, i);
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1123 label (RFC 1123): what Kubernetes takes as a namespace or an object name part. */
export function isDnsLabel(s: string): boolean {
  return s.length > 0 && s.length <= 63 && dnsLabel.test(s);
}
