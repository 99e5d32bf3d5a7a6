/**
 * `gimlet seal` against the real sealed-secrets controller (built from its Go module by
 * `npm run testenv -- build`): the controller makes its key, `gimlet seal` uses the certificate it
 * serves, and the controller unseals every scope into a Secret with exactly the input data; a value
 * sealed strictly for one namespace is refused in another.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdirSync,
  openSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { binDir } from "../../../scripts/testenv/build.ts";
import { freePort } from "../../../scripts/testenv/procs.ts";
import { components } from "../../../scripts/testenv/versions.ts";
import { gimlet } from "../../support/bin.ts";
import { eventually, useCluster } from "../../support/cluster.ts";

const cluster = useCluster({ nodes: 1 });
const work = mkdtempSync(join(tmpdir(), "seal-cluster-"));
const ss = components.find((c) => c.name === "sealed-secrets-controller")!;
const controllerBin = join(binDir(), ss.packages[0]!.bin);
const crdDir = join(binDir(), ss.extraCrds!.to);
let controller: ReturnType<typeof Bun.spawn> | undefined;
let certFile = "";

beforeAll(async () => {
  if (!existsSync(controllerBin))
    throw new Error(`${controllerBin} missing: run \`npm run testenv -- build --only sealed-secrets-controller\``);
  await cluster.kubectl(["apply", "--server-side", ...readdirSync(crdDir).flatMap((f) => ["-f", join(crdDir, f)])]);
  await cluster.kubectl(["wait", "--for=condition=established", "--timeout=60s", "crd/sealedsecrets.bitnami.com"]);
  for (const ns of ["team-a", "team-b"]) await cluster.kubectl(["create", "namespace", ns]);
  // The controller only knows in-cluster config, read from fixed paths: give it its own /run in a
  // private mount namespace holding the service-account files, so the host is left untouched.
  const sa = join(work, "sa");
  mkdirSync(sa);
  writeFileSync(join(sa, "token"), cluster.adminToken);
  writeFileSync(join(sa, "namespace"), "kube-system");
  const port = freePort();
  const script = `mount -t tmpfs tmpfs /run && mkdir -p /run/secrets/kubernetes.io/serviceaccount && cp ${sa}/token ${sa}/namespace ${cluster.dir}/ca.crt /run/secrets/kubernetes.io/serviceaccount/ && exec "$0" "$@"`;
  const args = [
    `--listen-addr=127.0.0.1:${port}`,
    `--listen-metrics-addr=127.0.0.1:${freePort()}`,
    "--key-size=2048",
    "--update-status=false",
  ];
  const log = openSync(join(work, "controller.log"), "a");
  controller = Bun.spawn(["unshare", "-rm", "sh", "-c", script, controllerBin, ...args], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      KUBERNETES_SERVICE_HOST: "127.0.0.1",
      KUBERNETES_SERVICE_PORT: String(cluster.ports.apiserver),
    },
    stdout: log,
    stderr: log,
  });
  let cert = "";
  await eventually(
    "the controller serves its certificate",
    async () => {
      cert = await fetch(`http://127.0.0.1:${port}/v1/cert.pem`).then(
        (r) => (r.ok ? r.text() : ""),
        () => "",
      );
      if (controller!.exitCode !== null)
        throw new Error(`the controller exited: ${readFileSync(join(work, "controller.log"), "utf8")}`);
      return cert.includes("BEGIN CERTIFICATE");
    },
    60_000,
  );
  certFile = join(work, "cert.pem");
  writeFileSync(certFile, cert);
}, 120_000);

afterAll(() => {
  controller?.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

async function seal(args: string[]): Promise<string> {
  const r = await gimlet(["seal", "--cert", certFile, ...args]);
  if (r.code !== 0) throw new Error(`gimlet seal ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

async function secretData(ns: string, name: string): Promise<Record<string, string> | undefined> {
  const out = await cluster.kubectl(["-n", ns, "get", "secret", name, "-o", "jsonpath={.data}"]).catch(() => "");
  if (!out) return undefined;
  return Object.fromEntries(
    Object.entries(JSON.parse(out) as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, "base64").toString("utf8"),
    ]),
  );
}

async function unsealed(ns: string, name: string): Promise<Record<string, string>> {
  let data: Record<string, string> | undefined;
  await eventually(`Secret ${ns}/${name}`, async () => (data = await secretData(ns, name)) !== undefined, 30_000);
  return data!;
}

describe("the sealed-secrets controller unseals what gimlet seal sealed", () => {
  const input = { password: "hunter2 ü", "config.json": '{"a": 1}\n' };
  const literals = Object.entries(input).flatMap(([k, v]) => ["--from-literal", `${k}=${v}`]);

  for (const scope of ["strict", "namespace-wide", "cluster-wide"]) {
    test(`scope ${scope}`, async () => {
      const name = `db-${scope}`;
      const yaml = await seal(["--scope", scope, "--name", name, "--namespace", "team-a", ...literals]);
      await cluster.kubectl(["apply", "-f", "-"], yaml);
      expect(await unsealed("team-a", name)).toEqual(input);
    }, 60_000);
  }

  test("a value sealed for namespace team-a under strict is refused in team-b", async () => {
    const yaml = await seal(["--name", "moved", "--namespace", "team-a", "--from-literal", "password=hunter2"]);
    await cluster.kubectl(["apply", "-f", "-"], yaml.replaceAll("namespace: team-a", "namespace: team-b"));
    // The control: the same value sealed for team-b does unseal there.
    await cluster.kubectl(
      ["apply", "-f", "-"],
      await seal(["--name", "control", "--namespace", "team-b", "--from-literal", "password=hunter2"]),
    );
    expect(await unsealed("team-b", "control")).toEqual({ password: "hunter2" });
    await Bun.sleep(2000);
    expect(await secretData("team-b", "moved")).toBeUndefined();
    const events = await cluster.kubectl([
      "-n",
      "team-b",
      "get",
      "events",
      "--field-selector",
      "involvedObject.name=moved",
      "-o",
      "jsonpath={.items[*].reason}",
    ]);
    expect(events).toContain("ErrUnsealFailed");
  }, 60_000);

  test("a manifest's values sealed with -p (cluster-wide, as the original) unseal anywhere", async () => {
    const f = join(work, "staging.yaml");
    writeFileSync(f, "app: web\nenv: staging\nvalues:\n  sealedSecrets:\n    token: s3cret\n");
    const r = await gimlet(["seal", "--cert", certFile, "-f", f, "-p", "values.sealedSecrets"]);
    expect(r.code, r.stderr).toBe(0);
    const sealedToken = /token: (\S+)/.exec(await Bun.file(f).text())![1]!;
    const obj = {
      apiVersion: "bitnami.com/v1alpha1",
      kind: "SealedSecret",
      metadata: { name: "web", namespace: "team-b", annotations: { "sealedsecrets.bitnami.com/cluster-wide": "true" } },
      spec: {
        encryptedData: { token: sealedToken },
        template: {
          metadata: {
            name: "web",
            namespace: "team-b",
            annotations: { "sealedsecrets.bitnami.com/cluster-wide": "true" },
          },
        },
      },
    };
    await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(obj));
    expect(await unsealed("team-b", "web")).toEqual({ token: "s3cret" });
  }, 60_000);
});
