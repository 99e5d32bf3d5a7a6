/**
 * Where the API server is and how to authenticate, from a kubeconfig or from inside a pod.
 * Plain kubeconfigs and the in-cluster service account are read directly (kubeconfig.ts);
 * client-node 1.4.0 handles the rest (exec plugins, OIDC and other auth providers, merged
 * lists). Requests go through Bun's fetch with the TLS material passed explicitly, because
 * Bun's fetch ignores Node agents (reference/tech-notes.md §1).
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { noContext, readSimpleKubeconfig, tokenFileHeaders } from "./kubeconfig.ts";

const defaultServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
  serverName?: string;
}

export interface KubeTarget {
  /** `https://host:port`, no trailing slash. */
  server: string;
  /** The context's namespace, or the pod's own namespace in-cluster. */
  namespace?: string;
  /** `in-cluster (DIR)` or the kubeconfig path: for messages. */
  source: string;
  tls: TlsOptions;
  /** Auth headers for one request; async because token files and exec plugins refresh. */
  authHeaders(): Promise<Record<string, string>>;
}

export interface LoadOptions {
  /** `--kubeconfig`: wins over everything else. */
  kubeconfig?: string;
  /** `--context`: a context of the kubeconfig instead of its current-context. */
  context?: string;
  env?: Record<string, string | undefined>;
  home?: string;
}

type KubeConfigT = import("@kubernetes/client-node").KubeConfig;

async function newKubeConfig(): Promise<KubeConfigT> {
  // config.js alone, not the package index: the index pulls in every generated API class.
  const { KubeConfig } = await import("@kubernetes/client-node/dist/config.js");
  return new KubeConfig();
}

/** Order: --kubeconfig, KUBECONFIG, in-cluster (service host + token file), ~/.kube/config. */
export async function loadKube(opts: LoadOptions = {}): Promise<KubeTarget> {
  const env = opts.env ?? process.env;
  if (opts.kubeconfig) return fromKubeconfig([opts.kubeconfig], "--kubeconfig", opts.context);
  if (env.KUBECONFIG) return fromKubeconfig(env.KUBECONFIG.split(":").filter(Boolean), "KUBECONFIG", opts.context);
  const saDir = env.GIMLET_SERVICEACCOUNT_DIR || defaultServiceAccountDir;
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT && existsSync(join(saDir, "token"))) {
    return inCluster(env.KUBERNETES_SERVICE_HOST, env.KUBERNETES_SERVICE_PORT, saDir);
  }
  const home = join(opts.home ?? env.HOME ?? homedir(), ".kube", "config");
  if (existsSync(home)) return fromKubeconfig([home], "~/.kube/config", opts.context);
  throw new NoKubeconfigError("no Kubernetes configuration found", {
    hint: "pass --kubeconfig FILE, set KUBECONFIG, or run in a pod with a service account",
  });
}

/** Nothing says where a cluster is: callers with another way (a file) can say so. */
export class NoKubeconfigError extends UserError {
  override name = "NoKubeconfigError";
}

async function fromKubeconfig(files: string[], origin: string, context?: string): Promise<KubeTarget> {
  if (files.length === 1) {
    if (!existsSync(files[0]!)) throw new UserError(`kubeconfig ${files[0]} does not exist`, { path: origin });
    const simple = readSimpleKubeconfig(files[0]!, origin, context);
    if (simple) return simple;
  }
  const kc = await newKubeConfig();
  for (const [i, file] of files.entries()) {
    if (!existsSync(file)) throw new UserError(`kubeconfig ${file} does not exist`, { path: origin });
    const one = i === 0 ? kc : await newKubeConfig();
    try {
      one.loadFromFile(file);
    } catch (e) {
      throw new UserError(`kubeconfig ${file} cannot be read: ${(e as Error).message}`, { path: origin, cause: e });
    }
    if (one !== kc) kc.mergeConfig(one, true);
  }
  const source = files.join(":");
  if (context) {
    if (!kc.getContextObject(context))
      throw noContext(
        source,
        context,
        kc.getContexts().map((c) => c.name),
      );
    kc.setCurrentContext(context);
  }
  const ctx = kc.getContextObject(kc.getCurrentContext());
  const cluster = kc.getCurrentCluster();
  if (!ctx || !cluster) {
    throw new UserError(`kubeconfig ${source} has no usable current-context`, {
      path: origin,
      hint: "set current-context to a context whose cluster exists",
    });
  }
  return target(kc, cluster.server, source, ctx.namespace);
}

function inCluster(host: string, port: string, dir: string): KubeTarget {
  const scheme = port === "80" || port === "8080" ? "http" : "https";
  const server = `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const caFile = join(dir, "ca.crt");
  const tls: TlsOptions = {};
  if (scheme === "https") {
    if (!existsSync(caFile)) {
      const hint = "mount the service account's ca.crt";
      throw new UserError(`in-cluster configuration: ${caFile} is missing`, { hint });
    }
    tls.ca = readFileSync(caFile, "utf8");
  }
  const nsFile = join(dir, "namespace");
  const ns = existsSync(nsFile) ? readFileSync(nsFile, "utf8").trim() : undefined;
  const headers = tokenFileHeaders(join(dir, "token"));
  return { server, namespace: ns || undefined, source: `in-cluster (${dir})`, tls, authHeaders: async () => headers() };
}

async function target(kc: KubeConfigT, server: string, source: string, namespace?: string): Promise<KubeTarget> {
  type HttpsOptions = { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean; servername?: string };
  const o: HttpsOptions = {};
  try {
    await kc.applyToHTTPSOptions(o as never);
  } catch (e) {
    throw new UserError(`${source}: cannot prepare credentials: ${(e as Error).message}`, { cause: e });
  }
  const tls: TlsOptions = {};
  if (o.ca) tls.ca = o.ca.toString("utf8");
  if (o.cert) tls.cert = o.cert.toString("utf8");
  if (o.key) tls.key = o.key.toString("utf8");
  if (o.rejectUnauthorized === false) tls.rejectUnauthorized = false;
  if (o.servername) tls.serverName = o.servername;
  const basic = kc.getCurrentUser()?.username;
  return {
    server: server.replace(/\/+$/, ""),
    namespace,
    source,
    tls,
    async authHeaders() {
      const h: { headers: Record<string, string>; auth?: string } = { headers: {} };
      await kc.applyToHTTPSOptions(h as never);
      if (basic && h.auth) h.headers.Authorization = `Basic ${Buffer.from(h.auth).toString("base64")}`;
      return h.headers;
    },
  };
}
