/**
 * The sealing certificate from the controller itself, as `kubeseal` fetches it: read the controller's
 * Service for its first port's name, then GET /v1/cert.pem through the API server's service proxy as
 * `http:NAME:PORT` (the resource name the controller's own RBAC role grants to every user).
 */
import { ForbiddenError, NotFoundError, UpstreamError, UserError } from "../core/errors.ts";
import { getJson, KubeApiError, KubeClient, serviceProxyGet, type KubeTarget, type ServiceRef } from "../kube/index.ts";

const helmHint = "a Helm install names it after the release, e.g. kube-system/sealed-secrets";

interface ServiceShape {
  spec?: { ports?: { name?: string; port?: number }[] };
}

/** The controller's certificate, PEM; every failure names the Service and says what to try. */
export async function fetchCertificate(target: KubeTarget, ref: ServiceRef, timeoutMs: number): Promise<string> {
  const client = new KubeClient(target);
  const svc = `service ${ref.namespace}/${ref.name}`;
  const where = `${target.server} (kubeconfig ${target.source})`;
  const servicePath = `/api/v1/namespaces/${ref.namespace}/services/${ref.name}`;
  let service: ServiceShape;
  try {
    service = await getJson<ServiceShape>(client, servicePath, timeoutMs);
  } catch (e) {
    if (!(e instanceof KubeApiError)) throw e;
    if (e.status === 404) {
      throw new NotFoundError(`no ${svc} on ${where}: the sealed-secrets controller is not there`, {
        path: "--controller",
        hint: `name its Service with --controller NAMESPACE/NAME, or give the certificate with --cert; ${helmHint}`,
        cause: e,
      });
    }
    throw apiError(e, `reading ${svc}`);
  }
  const ports = service.spec?.ports ?? [];
  if (!ports.length) throw new UserError(`${svc} has no ports`, { path: "--controller" });
  // kubeseal takes the first port, whatever its name: the controller's Service has one, `http`.
  const port = ports[0]!.name ?? "";
  let answer: { text: string; contentType: string };
  try {
    answer = await serviceProxyGet(client, ref, "/v1/cert.pem", {
      scheme: "http",
      port,
      accept: "application/x-pem-file, */*",
      timeoutMs,
      maxBytes: 64 * 1024,
    });
  } catch (e) {
    if (!(e instanceof KubeApiError)) throw e;
    throw apiError(e, `GET /v1/cert.pem from ${svc} (port ${port || ports[0]!.port})`);
  }
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(answer.text)?.[0];
  if (!pem) {
    const got = JSON.stringify(answer.text.trim().slice(0, 80));
    throw new UpstreamError(`${svc} answered /v1/cert.pem with no PEM certificate (${answer.contentType}: ${got})`, {
      path: "--controller",
      hint: `is it the sealed-secrets controller? ${helmHint}; or give the certificate with --cert`,
    });
  }
  return `${pem}\n`;
}

/** An HTTP status from the API server or, through the proxy, from the controller. */
function apiError(e: KubeApiError, what: string): Error {
  // A body that was no Status object is already worded "GET PATH: STATUS TEXT": keep the status and text.
  const detail = /^[A-Z]+ \S+: /.test(e.message) ? e.message.replace(/^[A-Z]+ \S+: /, "") : `${e.status} ${e.message}`;
  const msg = `${what}: ${detail}`;
  if (e.status === 401) {
    return new UserError(msg, { hint: "the kubeconfig's credentials were refused: log in to the cluster again" });
  }
  if (e.status === 403) {
    return new ForbiddenError(msg, {
      hint: "the controller's install lets every user read it (Role sealed-secrets-service-proxier): ask an admin, or use --cert",
    });
  }
  if (e.status === 503 || e.status === 502) {
    return new UpstreamError(msg, {
      path: "--controller",
      hint: "the Service has no running controller behind it: check its pods and endpoints with kubectl",
    });
  }
  return new UpstreamError(msg, { path: "--controller" });
}
