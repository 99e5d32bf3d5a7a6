/**
 * Where `gimlet seal` gets the controller's certificate, with kubeseal's flags and environment
 * (`SEALED_SECRETS_CERT`, `SEALED_SECRETS_CONTROLLER_NAMESPACE`, `SEALED_SECRETS_CONTROLLER_NAME`):
 * a file or URL with --cert; otherwise fetched from the controller's Service through the API server,
 * kube-system/sealed-secrets-controller unless --controller names another.
 */
import { existsSync, readFileSync } from "node:fs";
import { UpstreamError, UserError } from "../core/errors.ts";
import { isDnsLabel } from "../core/k8s.ts";
import type { ServiceRef } from "../kube/index.ts";
import { parseDuration } from "./track.ts";

/** kubeseal's defaults (`--controller-namespace`, `--controller-name`): the controller.yaml install. */
export const defaultController: ServiceRef = { namespace: "kube-system", name: "sealed-secrets-controller" };

/** `NS/NAME` as typed in `--controller`. */
export function parseController(s: string, flag = "--controller"): ServiceRef {
  const [namespace, name, ...rest] = s.split("/");
  if (rest.length || !namespace || !name || !isDnsLabel(namespace) || !isDnsLabel(name)) {
    throw new UserError(`must be NAMESPACE/NAME of the controller's Service, got ${JSON.stringify(s.slice(0, 80))}`, {
      path: flag,
      hint: `e.g. ${defaultController.namespace}/${defaultController.name}`,
    });
  }
  return { namespace, name };
}

export type CertSource =
  | { kind: "file"; path: string }
  | { kind: "url"; url: string; timeoutMs: number }
  | { kind: "controller"; ref: ServiceRef; kubeconfig?: string; context?: string; timeoutMs: number };

export interface CertArgs {
  cert?: string;
  controller?: string;
  "controller-namespace"?: string;
  "controller-name"?: string;
  kubeconfig?: string;
  context?: string;
  timeout?: string;
}

/** Flags beat the environment; --cert and --controller together are a mistake, not a precedence rule. */
export function certificateSource(args: CertArgs, env: Record<string, string | undefined>): CertSource {
  const timeoutMs = parseDuration(args.timeout ?? "30s");
  const split = args["controller-namespace"] !== undefined || args["controller-name"] !== undefined;
  if (args.controller !== undefined && split) {
    throw new UserError("--controller NS/NAME and --controller-namespace/--controller-name say the same thing", {
      path: "--controller",
      hint: "give one form",
    });
  }
  const named = args.controller !== undefined || split;
  if (args.cert !== undefined && named) {
    throw new UserError("--cert and --controller both name the certificate", {
      path: "--cert",
      hint: "give the file with --cert, or fetch it with --controller",
    });
  }
  const cert = args.cert ?? (named ? undefined : env.SEALED_SECRETS_CERT || undefined);
  if (cert !== undefined) {
    if (!cert) throw new UserError("is empty", { path: "--cert" });
    return /^https?:\/\//i.test(cert) ? { kind: "url", url: cert, timeoutMs } : { kind: "file", path: cert };
  }
  let ref: ServiceRef;
  if (args.controller !== undefined) ref = parseController(args.controller);
  else {
    const ns = args["controller-namespace"] ?? env.SEALED_SECRETS_CONTROLLER_NAMESPACE ?? defaultController.namespace;
    const name = args["controller-name"] ?? env.SEALED_SECRETS_CONTROLLER_NAME ?? defaultController.name;
    ref = parseController(`${ns}/${name}`, split ? "--controller-namespace/--controller-name" : "--controller");
  }
  const { kubeconfig, context } = args;
  return { kind: "controller", ref, kubeconfig, context, timeoutMs };
}

/** The PEM text and a name for it in messages. */
export async function loadCertificate(src: CertSource): Promise<{ pem: string; where: string }> {
  if (src.kind === "file") {
    if (!existsSync(src.path)) {
      throw new UserError(`no such file: ${src.path}`, {
        path: "--cert",
        hint: "gimlet seal --fetch-cert > cert.pem, or leave --cert out to fetch it from the cluster",
      });
    }
    return { pem: readFileSync(src.path, "utf8"), where: src.path };
  }
  if (src.kind === "url") return { pem: await fetchUrl(src.url, src.timeoutMs), where: src.url };
  // Loaded only here: sealing with a file needs no Kubernetes client.
  const { loadKube, NoKubeconfigError } = await import("../kube/index.ts");
  const { fetchCertificate } = await import("../ops/seal-cert.ts");
  const where = `${src.ref.namespace}/${src.ref.name}`;
  let target: Awaited<ReturnType<typeof loadKube>>;
  try {
    target = await loadKube({ kubeconfig: src.kubeconfig, context: src.context });
  } catch (e) {
    if (!(e instanceof NoKubeconfigError)) throw e;
    throw new UserError(`no certificate: --cert not given, and no cluster to fetch it from (${where})`, {
      path: "--cert",
      hint: "give the controller's certificate with --cert CERT.pem, or a cluster with --kubeconfig FILE or KUBECONFIG",
      cause: e,
    });
  }
  return { pem: await fetchCertificate(target, src.ref, src.timeoutMs), where: `${where} on ${target.server}` };
}

async function fetchUrl(url: string, timeoutMs: number): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new UpstreamError(`cannot fetch ${url}: ${(e as Error).message}`, { path: "--cert", cause: e });
  }
  if (!res.ok) throw new UpstreamError(`cannot fetch ${url}: ${res.status} ${res.statusText}`, { path: "--cert" });
  return res.text();
}
