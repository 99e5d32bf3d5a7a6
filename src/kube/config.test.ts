import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { loadKube } from "./config.ts";

const dir = mkdtempSync(join(tmpdir(), "kube-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const kubeconfig = (server: string, ns = "team") => `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${server}", certificate-authority-data: ${Buffer.from(ca).toString("base64")}}}]
users: [{name: u, user: {token: tok-123}}]
contexts: [{name: x, context: {cluster: c, user: u, namespace: ${ns}}}]
current-context: x
`;
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test("--kubeconfig: server, context namespace, CA and bearer token", async () => {
  const t = await loadKube({ kubeconfig: file("a", kubeconfig("https://10.0.0.1:6443/")), env: {} });
  expect(t.server).toBe("https://10.0.0.1:6443");
  expect(t.namespace).toBe("team");
  expect(t.tls.ca).toBe(ca);
  expect(await t.authHeaders()).toEqual({ Authorization: "Bearer tok-123" });
});

test("--kubeconfig wins over KUBECONFIG, which wins over in-cluster and ~/.kube/config", async () => {
  const a = file("b1", kubeconfig("https://flag:1"));
  const b = file("b2", kubeconfig("https://env:1"));
  expect((await loadKube({ kubeconfig: a, env: { KUBECONFIG: b } })).server).toBe("https://flag:1");
  const sa = join(dir, "sa-x");
  mkdirSync(sa);
  writeFileSync(join(sa, "token"), "t");
  writeFileSync(join(sa, "ca.crt"), ca);
  const inPod = { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443", GIMLET_SERVICEACCOUNT_DIR: sa };
  expect((await loadKube({ env: { KUBECONFIG: b, ...inPod } })).server).toBe("https://env:1");
  mkdirSync(join(dir, "home", ".kube"), { recursive: true });
  writeFileSync(join(dir, "home", ".kube", "config"), kubeconfig("https://home:1"));
  expect((await loadKube({ env: { ...inPod, HOME: join(dir, "home") } })).source).toBe(`in-cluster (${sa})`);
  expect((await loadKube({ env: { HOME: join(dir, "home") } })).server).toBe("https://home:1");
});

test("in-cluster: service host and port, the token file re-read, CA and namespace from the directory", async () => {
  const sa = join(dir, "sa");
  mkdirSync(sa);
  writeFileSync(join(sa, "token"), "sa-token");
  writeFileSync(join(sa, "ca.crt"), ca);
  writeFileSync(join(sa, "namespace"), "gimlet\n");
  const t = await loadKube({
    env: { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443", GIMLET_SERVICEACCOUNT_DIR: sa },
  });
  expect(t.server).toBe("https://10.96.0.1:443");
  expect(t.namespace).toBe("gimlet");
  expect(t.tls.ca).toBe(ca);
  expect(await t.authHeaders()).toEqual({ Authorization: "Bearer sa-token" });
});

test("a missing kubeconfig names the file and where it came from", async () => {
  const e = await loadKube({ env: { KUBECONFIG: join(dir, "nope") } }).catch((e) => e);
  expect(e).toBeInstanceOf(UserError);
  expect((e as UserError).describe()).toBe(`KUBECONFIG: kubeconfig ${join(dir, "nope")} does not exist`);
});

test("a kubeconfig that is not YAML is a UserError naming the file", async () => {
  const p = file("bad", "clusters: [unclosed");
  const e = await loadKube({ kubeconfig: p, env: {} }).catch((e) => e);
  expect(e).toBeInstanceOf(UserError);
  expect((e as UserError).message).toContain(`kubeconfig ${p} cannot be read`);
});

test("no configuration at all says how to give one", async () => {
  const e = await loadKube({ env: { HOME: join(dir, "empty-home") } }).catch((e) => e);
  expect((e as UserError).describe()).toBe(
    "no Kubernetes configuration found (pass --kubeconfig FILE, set KUBECONFIG, or run in a pod with a service account)",
  );
});

test("client certificate and CA files are read relative to the kubeconfig", async () => {
  const sub = join(dir, "rel");
  mkdirSync(sub);
  writeFileSync(join(sub, "ca.pem"), ca);
  writeFileSync(join(sub, "c.pem"), "CERT");
  writeFileSync(join(sub, "k.pem"), "KEY");
  const p = join(sub, "config");
  writeFileSync(
    p,
    `clusters: [{name: c, cluster: {server: "https://h:1", certificate-authority: ca.pem, tls-server-name: kubernetes}}]
users: [{name: u, user: {client-certificate: c.pem, client-key: k.pem}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
  );
  const t = await loadKube({ kubeconfig: p, env: {} });
  expect(t.tls).toEqual({ ca, cert: "CERT", key: "KEY", serverName: "kubernetes" });
  expect(await t.authHeaders()).toEqual({});
});

test("an exec credential plugin goes through client-node and its token is used", async () => {
  const plugin = file(
    "plugin.sh",
    `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-exec"}}'\n`,
  );
  (await import("node:fs")).chmodSync(plugin, 0o755);
  const p = file(
    "exec",
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://h:1"}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ${plugin}, interactiveMode: Never}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
  );
  const t = await loadKube({ kubeconfig: p, env: {} });
  expect(await t.authHeaders()).toEqual({ Authorization: "Bearer from-exec" });
});

test("--context picks another context, in the direct reader and through client-node (merged KUBECONFIG)", async () => {
  const two = `apiVersion: v1
kind: Config
clusters: [{name: a, cluster: {server: "https://a:1"}}, {name: b, cluster: {server: "https://b:1"}}]
users: [{name: w, user: {token: t}}]
contexts: [{name: one, context: {cluster: a, user: w}}, {name: two, context: {cluster: b, user: w, namespace: nb}}]
current-context: one
`;
  const p = file("two-contexts", two);
  const picked = await loadKube({ kubeconfig: p, context: "two", env: {} });
  expect([picked.server, picked.namespace]).toEqual(["https://b:1", "nb"]);
  const other = file("other", kubeconfig("https://c:1"));
  const merged = await loadKube({ context: "two", env: { KUBECONFIG: `${p}:${other}` } });
  expect(merged.server).toBe("https://b:1");
  for (const env of [{ KUBECONFIG: p }, { KUBECONFIG: `${p}:${other}` }]) {
    const e = await loadKube({ context: "three", env }).catch((e) => e);
    expect((e as UserError).describe()).toContain(`--context: kubeconfig ${env.KUBECONFIG} has no context "three"`);
    expect((e as UserError).describe()).toContain("its contexts: one, two");
  }
});
