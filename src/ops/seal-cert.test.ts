/**
 * fetchCertificate against a fake API server on 127.0.0.1, for the answers the real cluster test
 * (tests/integration/cluster/seal.test.ts) cannot provoke: a 200 that is no certificate, an API server
 * that never answers, an endless answer, a Service without ports, refused credentials, nothing
 * listening. The fake serves only kubeseal's paths, so a wrong URL fails every test here.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { TimeoutError, UpstreamError, UserError } from "../core/errors.ts";
import type { KubeTarget } from "../kube/index.ts";
import { fetchCertificate } from "./seal-cert.ts";

const pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUfake\n-----END CERTIFICATE-----";

/** One fake per Service name: its ports and how its /v1/cert.pem answers. */
const services: Record<
  string,
  { ports: { name?: string; port: number }[]; cert: (req: Request) => Response | Promise<Response> }
> = {
  good: { ports: [{ name: "http", port: 8080 }], cert: () => new Response(`${pem}\n`) },
  unnamed: { ports: [{ port: 8080 }], cert: () => new Response(`${pem}\n`) },
  html: {
    ports: [{ name: "http", port: 8080 }],
    cert: () => new Response("<html><body>It works!</body></html>", { headers: { "content-type": "text/html" } }),
  },
  hangs: { ports: [{ name: "http", port: 8080 }], cert: () => new Promise<Response>(() => {}) },
  endless: {
    ports: [{ name: "http", port: 8080 }],
    cert: () => new Response(new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(16 * 1024).fill(65)) })),
  },
  portless: { ports: [], cert: () => new Response(pem) },
};
const seen: { path: string; accept: string | null; auth: string | null }[] = [];

const api = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req) {
    const path = decodeURIComponent(new URL(req.url).pathname);
    seen.push({ path, accept: req.headers.get("accept"), auth: req.headers.get("authorization") });
    if (req.headers.get("authorization") !== "Bearer t0ken") {
      return Response.json({ kind: "Status", message: "Unauthorized", reason: "Unauthorized" }, { status: 401 });
    }
    const m = /^\/api\/v1\/namespaces\/kube-system\/services\/([^/]+?)(\/proxy\/v1\/cert\.pem)?$/.exec(path);
    if (!m) return new Response("404 page not found", { status: 404 });
    const [id, proxied] = [m[1]!, m[2]];
    const name = proxied ? /^http:([^:]+):/.exec(id)?.[1] : id;
    const svc = name ? services[name] : undefined;
    if (!svc) return Response.json({ kind: "Status", message: `services "${id}" not found` }, { status: 404 });
    if (!proxied) return Response.json({ kind: "Service", spec: { ports: svc.ports } });
    // kubeseal's id: http:NAME:PORTNAME, the port name of the Service's first port ("" when unnamed).
    if (id !== `http:${name}:${svc.ports[0]?.name ?? ""}`) return new Response("wrong port", { status: 503 });
    return svc.cert(req);
  },
});
afterAll(() => api.stop(true));

const target = (server = api.url.origin, token = "t0ken"): KubeTarget => ({
  server,
  source: "/tmp/fake-kubeconfig",
  tls: {},
  authHeaders: async () => ({ Authorization: `Bearer ${token}` }),
});
const fetchFrom = (name: string, timeoutMs = 5000, t = target()) =>
  fetchCertificate(t, { namespace: "kube-system", name }, timeoutMs);

async function failure(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(e instanceof UserError)) throw new Error(`expected a UserError, got ${String(e)}`);
  return e;
}

describe("fetchCertificate", () => {
  test("asks for http:NAME:PORT/proxy/v1/cert.pem as kubeseal does and returns the PEM", async () => {
    seen.length = 0;
    expect(await fetchFrom("good")).toBe(`${pem}\n`);
    expect(seen.map((s) => s.path)).toEqual([
      "/api/v1/namespaces/kube-system/services/good",
      "/api/v1/namespaces/kube-system/services/http:good:http/proxy/v1/cert.pem",
    ]);
    expect(seen[1]!.accept).toBe("application/x-pem-file, */*");
    expect(await fetchFrom("unnamed")).toBe(`${pem}\n`);
  });

  test("a 200 that holds no certificate names the Service and what came back", async () => {
    const e = await failure(fetchFrom("html"));
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e.describe()).toContain(
      'service kube-system/html answered /v1/cert.pem with no PEM certificate (text/html: "<html><body>It works!',
    );
    expect(e.describe()).toContain("is it the sealed-secrets controller?");
  });

  test("an API server that does not answer in time is a TimeoutError naming it", async () => {
    const t = performance.now();
    const e = await failure(fetchFrom("hangs", 300));
    expect(performance.now() - t).toBeLessThan(3000);
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e.describe()).toContain(`no answer from the API server ${api.url.origin} within 0.3s`);
    expect(e.describe()).toContain("--timeout");
  });

  test("an endless answer is cut off", async () => {
    expect((await failure(fetchFrom("endless"))).describe()).toContain("larger than 65536 bytes");
  });

  test("a Service without ports, refused credentials, and no API server at all", async () => {
    expect((await failure(fetchFrom("portless"))).describe()).toContain("service kube-system/portless has no ports");
    const denied = await failure(fetchFrom("good", 5000, target(undefined, "expired")));
    expect(denied.describe()).toContain("reading service kube-system/good: 401 Unauthorized");
    expect(denied.describe()).toContain("log in to the cluster again");
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const origin = closed.url.origin;
    closed.stop(true);
    const down = await failure(fetchFrom("good", 5000, target(origin)));
    expect(down).toBeInstanceOf(UpstreamError);
    expect(down.describe()).toContain(`cannot reach the API server ${origin}: ECONNREFUSED`);
    expect(down.describe()).toContain("kubeconfig /tmp/fake-kubeconfig");
  });
});
