/**
 * A direct reader for the kubeconfigs most agents see — bearer token or token file, client
 * certificate, CA, skip-verify, TLS server name — and for the in-cluster service account.
 * Loading client-node costs about 45 MiB of resident memory (it pulls in every generated API
 * model), half the agent's budget; so client-node is loaded only for what this reader declines:
 * exec plugins, auth providers, proxies and merged KUBECONFIG lists.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";
import { UserError } from "../core/errors.ts";
import type { KubeTarget, TlsOptions } from "./config.ts";

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A target, or undefined when the file needs client-node (exec, auth-provider, proxy-url). */
export function readSimpleKubeconfig(file: string, origin: string, context?: string): KubeTarget | undefined {
  let doc: Any;
  try {
    doc = parse(readFileSync(file, "utf8")) as Any;
  } catch (e) {
    throw new UserError(`kubeconfig ${file} cannot be read: ${(e as Error).message}`, { path: origin, cause: e });
  }
  if (!doc || typeof doc !== "object") {
    throw new UserError(`kubeconfig ${file} is empty or not a mapping`, { path: origin });
  }
  const named = (list: unknown, key: string, name: string | undefined): Any | undefined =>
    Array.isArray(list) ? (list as Any[]).find((x) => x?.name === name)?.[key] : undefined;
  const current = context ?? (doc["current-context"] as string | undefined);
  const ctx = named(doc.contexts, "context", current);
  if (context && !ctx) {
    const known = Array.isArray(doc.contexts) ? (doc.contexts as Any[]).map((c) => String(c?.name)) : [];
    throw noContext(file, context, known);
  }
  const cluster = ctx && named(doc.clusters, "cluster", ctx.cluster);
  if (!ctx || !cluster?.server) {
    throw new UserError(`kubeconfig ${file} has no usable current-context`, {
      path: origin,
      hint: "set current-context to a context whose cluster has a server",
    });
  }
  const user: Any = named(doc.users, "user", ctx.user) ?? {};
  if (user.exec || user["auth-provider"] || cluster["proxy-url"] || user.as || user["as-groups"]) return undefined;
  const dir = dirname(file);
  const readPath = (p: string, field: string): string => {
    const full = isAbsolute(p) ? p : join(dir, p);
    try {
      return readFileSync(full, "utf8");
    } catch (e) {
      const why = (e as Error).message;
      throw new UserError(`kubeconfig ${file}: ${field} ${full} cannot be read: ${why}`, { path: origin, cause: e });
    }
  };
  const pem = (data: unknown, path: unknown, field: string): string | undefined => {
    if (typeof data === "string" && data) return Buffer.from(data, "base64").toString("utf8");
    if (typeof path === "string" && path) return readPath(path, field);
    return undefined;
  };
  const tls: TlsOptions = {};
  const ca = pem(cluster["certificate-authority-data"], cluster["certificate-authority"], "certificate-authority");
  if (ca) tls.ca = ca;
  const cert = pem(user["client-certificate-data"], user["client-certificate"], "client-certificate");
  if (cert) tls.cert = cert;
  const key = pem(user["client-key-data"], user["client-key"], "client-key");
  if (key) tls.key = key;
  if (cluster["insecure-skip-tls-verify"] === true) tls.rejectUnauthorized = false;
  if (cluster["tls-server-name"]) tls.serverName = cluster["tls-server-name"];
  let headers: () => Record<string, string> = () => ({});
  if (user.token) headers = () => ({ Authorization: `Bearer ${user.token}` });
  else if (user.tokenFile) {
    headers = tokenFileHeaders(isAbsolute(user.tokenFile) ? user.tokenFile : join(dir, user.tokenFile));
  } else if (user.username) {
    const basic = Buffer.from(`${user.username}:${user.password ?? ""}`).toString("base64");
    headers = () => ({ Authorization: `Basic ${basic}` });
  }
  return {
    server: String(cluster.server).replace(/\/+$/, ""),
    namespace: ctx.namespace || undefined,
    source: file,
    tls,
    authHeaders: async () => headers(),
  };
}

/** `--context NAME` names no context of the kubeconfig. */
export function noContext(source: string, context: string, known: string[]): UserError {
  return new UserError(`kubeconfig ${source} has no context ${JSON.stringify(context)}`, {
    path: "--context",
    hint: known.length ? `its contexts: ${known.join(", ")}` : "it defines no contexts",
  });
}

/** Bound service-account tokens rotate: read the file again at most every minute. */
export function tokenFileHeaders(path: string, maxAgeMs = 60_000): () => Record<string, string> {
  let token = "";
  let readAt = -Infinity;
  return () => {
    if (performance.now() - readAt > maxAgeMs) {
      token = readFileSync(path, "utf8").trim();
      readAt = performance.now();
    }
    return { Authorization: `Bearer ${token}` };
  };
}
