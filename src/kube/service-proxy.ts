/**
 * A GET through the API server's service proxy (`…/services/SCHEME:NAME:PORT/proxy/PATH`): how kubectl
 * and kubeseal reach a controller from outside the cluster with nothing but the kubeconfig. Also the one
 * reading of a request that got no answer at all (TLS refused, connection refused, timed out) as an
 * error naming the API server and the kubeconfig it came from.
 */
import { TimeoutError, UpstreamError, UserError } from "../core/errors.ts";
import { KubeApiError, type KubeClient } from "./client.ts";

export interface ServiceRef {
  namespace: string;
  name: string;
}

export interface ProxyGetOptions {
  /** `http` or `https`: how the API server talks to the service ("" lets it choose). */
  scheme?: string;
  /** A port name or number of the service; "" for a service with one unnamed port. */
  port?: string;
  accept?: string;
  timeoutMs: number;
  /** The answer is refused beyond this many bytes: a proxied service is not trusted to be small. */
  maxBytes?: number;
}

/**
 * The proxy path; the service id is joined as apimachinery's JoinSchemeNamePort does it, so the
 * resource name RBAC sees (`http:NAME:PORT`) is the one the controllers' own roles grant.
 */
export function serviceProxyPath(ref: ServiceRef, path: string, opts: { scheme?: string; port?: string }): string {
  const name = encodeURIComponent(ref.name);
  const port = encodeURIComponent(opts.port ?? "");
  const id = opts.scheme ? `${encodeURIComponent(opts.scheme)}:${name}:${port}` : port ? `${name}:${port}` : name;
  const rest = path.replace(/^\/+/, "");
  return `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/services/${id}/proxy/${rest}`;
}

export interface ProxyAnswer {
  text: string;
  contentType: string;
}

/** GETs PATH from the service; a non-2xx answer (the API server's or the service's) is a KubeApiError. */
export async function serviceProxyGet(
  client: KubeClient,
  ref: ServiceRef,
  path: string,
  opts: ProxyGetOptions,
): Promise<ProxyAnswer> {
  const url = serviceProxyPath(ref, path, opts);
  return reachable(client, opts.timeoutMs, async () => {
    const signal = AbortSignal.timeout(opts.timeoutMs);
    const res = await client.request("GET", url, { accept: opts.accept, signal });
    const text = await readCapped(res, opts.maxBytes ?? 1 << 20, `${ref.namespace}/${ref.name}${path}`);
    return { text, contentType: res.headers.get("content-type") ?? "" };
  });
}

/** One JSON GET with reachability errors described (see `reachable`). */
export function getJson<T>(client: KubeClient, path: string, timeoutMs: number): Promise<T> {
  return reachable(client, timeoutMs, () => client.json<T>("GET", path, { timeoutMs }));
}

/**
 * Runs `fn`; a request that got no HTTP answer becomes a UserError saying what failed and where to
 * look. KubeApiErrors (an answer with a status) pass through for the caller to word.
 */
export async function reachable<T>(client: KubeClient, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof KubeApiError || e instanceof UserError) throw e;
    throw unreachable(e, client, timeoutMs);
  }
}

const tlsCode = /CERT|SELF_SIGNED|UNABLE_TO_|TLS|SSL|HOSTNAME_MISMATCH/;

function unreachable(e: unknown, client: KubeClient, timeoutMs: number): Error {
  const { server, source } = client.target;
  const err = e as { name?: string; code?: unknown; message?: string };
  const code = typeof err.code === "string" ? err.code : "";
  if (err.name === "TimeoutError" || err.name === "AbortError") {
    return new TimeoutError(`no answer from the API server ${server} within ${timeoutMs / 1000}s`, {
      hint: "raise --timeout, or check the cluster is up",
      cause: e,
    });
  }
  // Anything else with no code (a failing exec credential plugin, a bug) is not about the network.
  if (!code) return e instanceof Error ? e : new Error(String(e));
  if (tlsCode.test(code)) {
    return new UserError(`TLS with the API server ${server} failed: ${code}: ${err.message}`, {
      path: `kubeconfig ${source}`,
      hint: "its certificate-authority(-data) must be the CA that signed the API server's certificate",
      cause: e,
    });
  }
  return new UpstreamError(`cannot reach the API server ${server}: ${code}: ${err.message}`, {
    path: `kubeconfig ${source}`,
    hint: "is the cluster up, and is the kubeconfig's server address right?",
    cause: e,
  });
}

async function readCapped(res: Response, max: number, what: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.length;
    // Leaving the loop by a throw cancels the body, so the connection is not read any further.
    if (size > max) throw new UserError(`${what}: the answer is larger than ${max} bytes`);
    chunks.push(chunk);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
