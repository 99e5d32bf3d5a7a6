/**
 * `gimlet seal` against the real sealed-secrets controller (built from its Go module by
 * `npm run testenv -- build`, started by tests/support/sealed-secrets.ts): the controller makes its
 * key, `gimlet seal` uses the certificate it serves, and the controller unseals every scope into a
 * Secret with exactly the input data; a value sealed strictly for one namespace is refused in another.
 * Without --cert the certificate is fetched as kubeseal fetches it, through the API server's service
 * proxy. Then gimlet and kubeseal of the same module, side by side: each one's output unseals with
 * the other's handling of the same certificate and key.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { gimlet } from "../../support/bin.ts";
import { eventually, useCluster } from "../../support/cluster.ts";
import * as ss from "../../support/sealed-secrets.ts";

const cluster = useCluster({ nodes: 1 });
const controller = ss.useSealedSecrets(cluster);
const work = mkdtempSync(join(tmpdir(), "seal-cluster-"));
const { kubeconfigs } = controller;
let certFile = "";
let cert = "";

beforeAll(async () => {
  ({ cert, certFile } = controller);
  for (const ns of ["team-a", "team-b"]) await cluster.kubectl(["create", "namespace", ns]);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

async function seal(args: string[]): Promise<string> {
  const r = await gimlet(["seal", "--cert", certFile, ...args]);
  if (r.code !== 0) throw new Error(`gimlet seal ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

const secretData = (ns: string, name: string) => ss.secretData(cluster, ns, name);
const unsealed = (ns: string, name: string) => ss.unsealed(cluster, ns, name);

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

describe.skipIf(!ss.canAliasLoopback)(
  "without --cert, the certificate comes from the controller through the API server",
  () => {
    const run = (args: string[], env: Record<string, string> = {}) => gimlet(["seal", ...args], { env });
    const fetchCert = (...args: string[]) => run(["--fetch-cert", ...args]);
    const pem = () => `${cert.trim()}\n`;

    test("kubeseal's default, kube-system/sealed-secrets-controller via KUBECONFIG: the controller unseals", async () => {
      const r = await run(["--name", "fetched", "--namespace", "team-a", "--from-literal", "password=hunter2"], {
        KUBECONFIG: kubeconfigs.admin,
      });
      expect(r.code, r.stderr).toBe(0);
      await cluster.kubectl(["apply", "-f", "-"], r.stdout);
      expect(await unsealed("team-a", "fetched")).toEqual({ password: "hunter2" });
    }, 60_000);

    test("--controller NS/NAME with --kubeconfig and --context: -p values unseal", async () => {
      const f = join(work, "fetched.yaml");
      writeFileSync(f, "app: api\nvalues:\n  sealedSecrets:\n    token: fetched-s3cret\n");
      const r = await run([
        ...["--controller", "kube-system/sealed-secrets-controller", "--kubeconfig", kubeconfigs.admin],
        ...["--context", "testenv", "-f", f, "-p", "values.sealedSecrets"],
      ]);
      expect(r.code, r.stderr).toBe(0);
      const token = /token: (\S+)/.exec(readFileSync(f, "utf8"))![1]!;
      const annotations = { "sealedsecrets.bitnami.com/cluster-wide": "true" };
      const obj = {
        apiVersion: "bitnami.com/v1alpha1",
        kind: "SealedSecret",
        metadata: { name: "api", namespace: "team-b", annotations },
        spec: { encryptedData: { token }, template: { metadata: { name: "api", namespace: "team-b", annotations } } },
      };
      await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(obj));
      expect(await unsealed("team-b", "api")).toEqual({ token: "fetched-s3cret" });
    }, 60_000);

    test("--fetch-cert prints what the controller serves; kubeseal's split flags and env name it too", async () => {
      const a = await fetchCert("--kubeconfig", kubeconfigs.admin);
      expect(a.code, a.stderr).toBe(0);
      expect(a.stdout).toBe(pem());
      const b = await fetchCert(
        ...["--kubeconfig", kubeconfigs.admin, "--controller-namespace", "kube-system"],
        ...["--controller-name", "sealed-secrets-controller"],
      );
      expect(b.stdout, b.stderr).toBe(pem());
      const c = await run(["--fetch-cert"], {
        KUBECONFIG: kubeconfigs.admin,
        SEALED_SECRETS_CONTROLLER_NAMESPACE: "kube-system",
        SEALED_SECRETS_CONTROLLER_NAME: "sealed-secrets-controller",
      });
      expect(c.stdout, c.stderr).toBe(pem());
    }, 60_000);

    test("a user is refused without RBAC, and let in by the controller's own service-proxier role", async () => {
      const refused = await fetchCert("--kubeconfig", kubeconfigs.restricted);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain("reading service kube-system/sealed-secrets-controller: 403");
      // The Role of the controller's install (controller.jsonnet): its resourceNames are the proxy ids
      // kubeseal asks for, so this passes only if ours is `http:sealed-secrets-controller:http` too.
      const role = {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "sealed-secrets-service-proxier", namespace: "kube-system" },
        rules: [
          { apiGroups: [""], resources: ["services"], resourceNames: ["sealed-secrets-controller"], verbs: ["get"] },
          {
            apiGroups: [""],
            resources: ["services/proxy"],
            resourceNames: ["http:sealed-secrets-controller:", "http:sealed-secrets-controller:http"],
            verbs: ["create", "get"],
          },
        ],
      };
      const binding = {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "sealed-secrets-service-proxier", namespace: "kube-system" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "system:authenticated" }],
      };
      await cluster.kubectl(
        ["apply", "-f", "-"],
        JSON.stringify({ apiVersion: "v1", kind: "List", items: [role, binding] }),
      );
      let allowed = refused;
      await eventually(
        "the role applies",
        async () => (allowed = await fetchCert("--kubeconfig", kubeconfigs.restricted)).code === 0,
        15_000,
      );
      expect(allowed.stdout).toBe(pem());
    }, 60_000);

    test("errors name the Service or the kubeconfig, and say what to do", async () => {
      const empty = {
        apiVersion: "v1",
        kind: "List",
        items: [
          {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "idle", namespace: "team-b" },
            spec: { ports: [{ name: "http", port: 8080 }] },
          },
          { apiVersion: "v1", kind: "Endpoints", metadata: { name: "idle", namespace: "team-b" }, subsets: [] },
        ],
      };
      await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(empty));
      const admin = ["--kubeconfig", kubeconfigs.admin];
      const cases: [string[], string[]][] = [
        [
          [...admin, "--controller", "team-a/nope"],
          ["no service team-a/nope on https://", "--controller NAMESPACE/NAME", "kube-system/sealed-secrets"],
        ],
        [
          [...admin, "--controller", "team-b/idle"],
          ["GET /v1/cert.pem from service team-b/idle (port http): 503", "no endpoints available", "check its pods"],
        ],
        [
          ["--kubeconfig", kubeconfigs.noCa],
          ["TLS with the API server https://", "certificate-authority"],
        ],
        [
          [...admin, "--context", "prod"],
          ['has no context "prod"', "its contexts: testenv"],
        ],
      ];
      for (const [args, wants] of cases) {
        const r = await run(["--name", "x", "--namespace", "team-a", "--from-literal", "a=b", ...args]);
        expect(r.code, args.join(" ")).toBe(1);
        expect(r.stdout).toBe("");
        for (const want of wants) expect(r.stderr).toContain(want);
      }
    }, 60_000);
  },
);

/**
 * kubeseal of the controller's module version beside gimlet seal: kubeseal's recovery mode opens what
 * gimlet sealed with the controller's private key, the controller opens what kubeseal sealed, and the
 * two fetch the same certificate. Unsealing checks the label (scope → namespace/name), so a tool that
 * disagreed with the other on a scope's label or annotations fails here.
 */
describe("gimlet seal and kubeseal side by side", () => {
  const input = { password: "hunter2 ü", "config.json": '{"a": 1}\n' };
  const literals = Object.entries(input).flatMap(([k, v]) => ["--from-literal", `${k}=${v}`]);
  const scopeAnnotation: Record<string, Record<string, string>> = {
    strict: {},
    "namespace-wide": { "sealedsecrets.bitnami.com/namespace-wide": "true" },
    "cluster-wide": { "sealedsecrets.bitnami.com/cluster-wide": "true" },
  };
  /** --name/--namespace as far as the scope's label uses them. */
  const target = (scope: string, name: string) =>
    ({
      strict: ["--name", name, "--namespace", "team-b"],
      "namespace-wide": ["--namespace", "team-b"],
      "cluster-wide": [],
    })[scope]!;
  const keyFile = join(work, "controller-keys.yaml");

  async function kubesealRun(args: string[], stdin?: string) {
    const proc = Bun.spawn([ss.kubesealBin, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: work, KUBECONFIG: kubeconfigs.admin },
      stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { code, stdout, stderr };
  }
  async function kubeseal(args: string[], stdin?: string): Promise<string> {
    const r = await kubesealRun(args, stdin);
    if (r.code !== 0) throw new Error(`kubeseal ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }
  /** kubeseal --recovery-unseal with the controller's private key: the Secret it opens to. */
  async function recover(sealed: string): Promise<{ metadata: { name: string; namespace?: string }; data: object }> {
    const args = ["--recovery-unseal", "--recovery-private-key", keyFile, "-o", "json"];
    const secret = JSON.parse(await kubeseal(args, sealed));
    return { metadata: secret.metadata, data: ss.decodeData(secret.data) };
  }
  /** A SealedSecret holding sealed values as they are (the raw form), labelled by the scope's annotation. */
  function wrap(name: string, scope: string, encryptedData: Record<string, string>): string {
    const metadata = { name, namespace: "team-b", annotations: scopeAnnotation[scope] };
    const spec = { encryptedData, template: { metadata } };
    return JSON.stringify({ apiVersion: "bitnami.com/v1alpha1", kind: "SealedSecret", metadata, spec });
  }

  beforeAll(async () => {
    if (!existsSync(ss.kubesealBin))
      throw new Error(`${ss.kubesealBin} missing: run \`npm run testenv -- build --only sealed-secrets-controller\``);
    // Where the controller keeps its key: a Secret in its namespace, labelled as its key.
    const label = "sealedsecrets.bitnami.com/sealed-secrets-key";
    writeFileSync(keyFile, await cluster.kubectl(["-n", "kube-system", "get", "secret", "-l", label, "-o", "yaml"]));
    expect(readFileSync(keyFile, "utf8")).toContain("tls.key");
  });

  for (const scope of ["strict", "namespace-wide", "cluster-wide"]) {
    test(`${scope}: kubeseal opens gimlet's SealedSecret, the controller kubeseal's; same annotations`, async () => {
      const name = `side-${scope}`;
      const ours = await seal(["--scope", scope, "--name", name, "--namespace", "team-b", ...literals]);
      expect(await recover(ours)).toEqual({
        metadata: expect.objectContaining({ name, namespace: "team-b" }),
        data: input,
      });
      const data = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, Buffer.from(v).toString("base64")]));
      const secret = { apiVersion: "v1", kind: "Secret", metadata: { name, namespace: "team-b" }, data };
      const theirs = await kubeseal(["--cert", certFile, "--scope", scope, "-o", "json"], JSON.stringify(secret));
      await cluster.kubectl(["apply", "-f", "-"], theirs);
      expect(await unsealed("team-b", name)).toEqual(input);
      // The controller reads the scope from these annotations when it unseals: both tools must write the same.
      const scoped = (o: { metadata: { annotations?: Record<string, string> } }) =>
        Object.entries(o.metadata.annotations ?? {}).filter(([k]) => k.startsWith("sealedsecrets.bitnami.com/"));
      const ourDoc = parseYaml(ours);
      const theirDoc = JSON.parse(theirs);
      expect(scoped(ourDoc)).toEqual(Object.entries(scopeAnnotation[scope]!));
      expect(scoped(ourDoc)).toEqual(scoped(theirDoc));
      expect(scoped(ourDoc.spec.template)).toEqual(scoped(theirDoc.spec.template));
    }, 60_000);

    test(`${scope}: raw values of gimlet -p and kubeseal --raw open the same way`, async () => {
      const name = `raw-${scope}`;
      const value = `tok ü ${scope}`;
      const f = join(work, `raw-${scope}.yaml`);
      writeFileSync(f, `app: web\nvalues:\n  sealedSecrets:\n    token: ${value}\n`);
      const r = await gimlet([
        "seal",
        "--cert",
        certFile,
        "-f",
        f,
        "-p",
        "values.sealedSecrets",
        "--scope",
        scope,
        ...target(scope, name),
      ]);
      expect(r.code, r.stderr).toBe(0);
      const ours = /token: (\S+)/.exec(readFileSync(f, "utf8"))![1]!;
      const valueFile = join(work, `raw-${scope}.txt`);
      writeFileSync(valueFile, value);
      const args = ["--raw", "--cert", certFile, "--scope", scope, "--from-file", valueFile, ...target(scope, name)];
      const theirs = await kubeseal(args);
      expect(theirs).toMatch(/^[A-Za-z0-9+/]+=*$/);
      // kubeseal's recovery mode opens SealedSecrets only: the raw values go in as the controller would see them.
      const sealed = wrap(name, scope, { gimlet: ours, kubeseal: theirs });
      expect((await recover(sealed)).data).toEqual({ gimlet: value, kubeseal: value });
      await cluster.kubectl(["apply", "-f", "-"], sealed);
      expect(await unsealed("team-b", name)).toEqual({ gimlet: value, kubeseal: value });
    }, 60_000);
  }

  test("kubeseal opens gimlet's values only under their label: renamed or moved, it refuses", async () => {
    const strict = await seal(["--name", "fixed", "--namespace", "team-b", ...literals]);
    const nsWide = await seal(["--scope", "namespace-wide", "--name", "any", "--namespace", "team-b", ...literals]);
    const renamed = (yaml: string, from: string, to: string) => yaml.replaceAll(`name: ${from}\n`, `name: ${to}\n`);
    const moved = (yaml: string) => yaml.replaceAll("namespace: team-b", "namespace: team-a");
    const stdin = (yaml: string) => kubesealRun(["--recovery-unseal", "--recovery-private-key", keyFile], yaml);
    for (const refused of [renamed(strict, "fixed", "other"), moved(strict), moved(nsWide)]) {
      const r = await stdin(refused);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("no key could decrypt secret");
    }
    // The control: namespace-wide leaves the name out of the label.
    expect((await recover(renamed(nsWide, "any", "other"))).data).toEqual(input);
  }, 60_000);

  test.skipIf(!ss.canAliasLoopback)(
    "both fetch the same certificate through the API server, and each seals with the other's",
    async () => {
      const theirs = await kubeseal([
        ...["--fetch-cert", "--controller-namespace", "kube-system"],
        ...["--controller-name", "sealed-secrets-controller"],
      ]);
      const ours = await gimlet([
        ...["seal", "--fetch-cert", "--controller", "kube-system/sealed-secrets-controller"],
        ...["--kubeconfig", kubeconfigs.admin],
      ]);
      expect(ours.code, ours.stderr).toBe(0);
      expect(theirs).toContain("BEGIN CERTIFICATE");
      expect(Buffer.from(ours.stdout)).toEqual(Buffer.from(theirs));
      const theirFile = join(work, "kubeseal-fetched.pem");
      const ourFile = join(work, "gimlet-fetched.pem");
      writeFileSync(theirFile, theirs);
      writeFileSync(ourFile, ours.stdout);
      const sealed = await gimlet([
        "seal",
        "--cert",
        theirFile,
        "--name",
        "swap",
        "--namespace",
        "team-b",
        ...literals,
      ]);
      expect(sealed.code, sealed.stderr).toBe(0);
      expect((await recover(sealed.stdout)).data).toEqual(input);
      const valueFile = join(work, "swap.txt");
      writeFileSync(valueFile, "swapped");
      const raw = await kubeseal(["--raw", "--cert", ourFile, "--scope", "cluster-wide", "--from-file", valueFile]);
      expect((await recover(wrap("swap-raw", "cluster-wide", { v: raw }))).data).toEqual({ v: "swapped" });
    },
    60_000,
  );
});
