/**
 * `gimlet seal` on the compiled binary with a certificate made by openssl; every sealed value is
 * opened with the private key the way the sealed-secrets controller opens it (pkg/crypto).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { constants, createDecipheriv, createPrivateKey, privateDecrypt } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { gimlet } from "../support/bin.ts";

const dir = mkdtempSync(join(tmpdir(), "gimlet-seal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cert = join(dir, "cert.pem");
const keyFile = join(dir, "key.pem");
const made = spawnSync("openssl", [
  "req",
  "-x509",
  "-newkey",
  "rsa:4096",
  "-nodes",
  "-keyout",
  keyFile,
  "-out",
  cert,
  "-subj",
  "/O=sealed-secret",
  "-days",
  "1",
]);
if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`);
const priv = createPrivateKey(readFileSync(keyFile));

function unseal(b64: string, label: string): string {
  const bytes = Buffer.from(b64, "base64");
  const n = bytes.readUInt16BE(0);
  const session = privateDecrypt(
    { key: priv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: Buffer.from(label) },
    bytes.subarray(2, 2 + n),
  );
  const aes = bytes.subarray(2 + n);
  const d = createDecipheriv("aes-256-gcm", session, Buffer.alloc(12));
  d.setAuthTag(aes.subarray(-16));
  return Buffer.concat([d.update(aes.subarray(0, -16)), d.final()]).toString("utf8");
}

describe("gimlet seal", () => {
  test("--from-literal → a strict SealedSecret only its namespace/name opens", async () => {
    const r = await gimlet([
      "seal",
      "--cert",
      cert,
      "--name",
      "db",
      "--namespace",
      "team-a",
      "--from-literal",
      "password=hunter2",
      "--from-literal",
      "user=app",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const s = parse(r.stdout);
    expect(s.kind).toBe("SealedSecret");
    expect(s.metadata).toEqual({ name: "db", namespace: "team-a" });
    expect(unseal(s.spec.encryptedData.password, "team-a/db")).toBe("hunter2");
    expect(unseal(s.spec.encryptedData.user, "team-a/db")).toBe("app");
    expect(() => unseal(s.spec.encryptedData.password, "team-b/db")).toThrow();
    expect(r.stdout).not.toContain("hunter2");
  });

  test("-f secret.yaml with --scope cluster-wide: data and stringData, the type kept", async () => {
    const f = join(dir, "secret.yaml");
    writeFileSync(
      f,
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\n  namespace: ns1\ntype: Opaque\ndata:\n  token: aGVsbG8=\nstringData:\n  url: https://x\n",
    );
    const r = await gimlet(["seal", "--cert", cert, "-f", f, "--scope", "cluster-wide"]);
    expect(r.code, r.stderr).toBe(0);
    const s = parse(r.stdout);
    expect(s.metadata.annotations).toEqual({ "sealedsecrets.bitnami.com/cluster-wide": "true" });
    expect(s.spec.template.type).toBe("Opaque");
    expect(unseal(s.spec.encryptedData.token, "")).toBe("hello");
    expect(unseal(s.spec.encryptedData.url, "")).toBe("https://x");
  });

  test("-p values.sealedSecrets seals a manifest in place; the second run changes nothing", async () => {
    const f = join(dir, "staging.yaml");
    writeFileSync(f, "app: web\nenv: staging\nvalues:\n  # secrets of web\n  sealedSecrets:\n    password: hunter2\n");
    const r = await gimlet(["seal", "-f", f, "-p", "values.sealedSecrets", "-k", cert]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("sealed 1 value");
    const once = readFileSync(f, "utf8");
    expect(once).toContain("# secrets of web");
    expect(unseal(parse(once).values.sealedSecrets.password, "")).toBe("hunter2");
    const again = await gimlet(["seal", "-f", f, "-p", "values.sealedSecrets", "-k", cert]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("sealed 0 values, 1 already sealed");
    expect(readFileSync(f, "utf8")).toBe(once);
  });

  test("bad input exits non-zero with the flag or file named, and writes nothing", async () => {
    const f = join(dir, "bad.yaml");
    writeFileSync(f, "values:\n  sealedSecrets: [a]\n");
    const cases: [string[], string][] = [
      [["seal", "--cert", join(dir, "nope.pem"), "--from-literal", "a=b", "--name", "x", "--namespace", "y"], "--cert"],
      [["seal", "--cert", f, "--from-literal", "a=b", "--name", "x", "--namespace", "y"], "holds no RSA certificate"],
      [
        ["seal", "--cert", cert, "--from-literal", "a=b", "--name", "x", "--namespace", "y", "--scope", "galaxy"],
        "--scope",
      ],
      [["seal", "--cert", cert, "--from-literal", "a=b", "--name", "x"], "--namespace"],
      [["seal", "--cert", cert, "--from-literal", "novalue", "--name", "x", "--namespace", "y"], "key=value"],
      [["seal", "--cert", cert, "-f", f, "-p", "values.sealedSecrets"], "must be a map of strings"],
    ];
    for (const [args, want] of cases) {
      const r = await gimlet(args);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(r.stderr).toContain(want);
    }
    expect(readFileSync(f, "utf8")).toBe("values:\n  sealedSecrets: [a]\n");
  });

  test("--cert takes a URL, SEALED_SECRETS_CERT a file; --fetch-cert prints what it got", async () => {
    const pem = readFileSync(cert, "utf8");
    const served = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(pem) });
    try {
      const r = await gimlet(["seal", "--fetch-cert", "--cert", `${served.url.origin}/v1/cert.pem`]);
      expect(r.stdout, r.stderr).toBe(pem);
    } finally {
      served.stop(true);
    }
    const lit = ["--from-literal", "k=v", "--name", "n", "--namespace", "ns"];
    const r = await gimlet(["seal", ...lit], { env: { SEALED_SECRETS_CERT: cert } });
    expect(r.code, r.stderr).toBe(0);
    const sealed = parse(r.stdout).spec.encryptedData.k as string;
    expect(unseal(sealed, "ns/n")).toBe("v");
  });

  test("without --cert and without a cluster, or with flags that disagree: a clear error, nothing printed", async () => {
    const home = join(dir, "empty-home");
    const lit = ["--from-literal", "k=v", "--name", "n", "--namespace", "ns"];
    const cases: [string[], string][] = [
      [
        lit,
        "--cert: no certificate: --cert not given, and no cluster to fetch it from (kube-system/sealed-secrets-controller)",
      ],
      [[...lit, "--cert", cert, "--controller", "a/b"], "--cert and --controller both name the certificate"],
      [[...lit, "--controller", "a/b", "--controller-name", "c"], "say the same thing"],
      [[...lit, "--controller", "sealed-secrets"], "--controller: must be NAMESPACE/NAME"],
      [[...lit, "--timeout", "soon"], "--timeout"],
      [[...lit, "--scope", "galaxy"], "--scope"],
    ];
    for (const [args, want] of cases) {
      const r = await gimlet(["seal", ...args], { env: { HOME: home } });
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(want);
    }
  });
});
