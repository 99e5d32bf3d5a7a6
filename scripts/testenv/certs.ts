/** A CA and the certificates of the test control plane, made with openssl. */
import { $ } from "bun";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

async function openssl(dir: string, args: string[]): Promise<void> {
  const r = await $`openssl ${args}`.cwd(dir).quiet().nothrow();
  if (r.exitCode !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr.toString()}`);
}

/** Writes ca.{key,crt}, apiserver.{key,crt}, admin.{key,crt} (CN admin, O system:masters), sa.{key,pub}. */
export async function makeCerts(dir: string): Promise<void> {
  await openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "30",
    "-subj",
    "/CN=gimlet-testenv-ca",
  ]);
  writeFileSync(
    join(dir, "apiserver.ext"),
    "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\n",
  );
  await openssl(dir, [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "apiserver.key",
    "-out",
    "apiserver.csr",
    "-subj",
    "/CN=kube-apiserver",
  ]);
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    "apiserver.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "apiserver.crt",
    "-days",
    "30",
    "-extfile",
    "apiserver.ext",
  ]);
  writeFileSync(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  await openssl(dir, [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "admin.key",
    "-out",
    "admin.csr",
    "-subj",
    "/O=system:masters/CN=admin",
  ]);
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    "admin.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "admin.crt",
    "-days",
    "30",
    "-extfile",
    "client.ext",
  ]);
  await openssl(dir, ["genrsa", "-out", "sa.key", "2048"]);
  await openssl(dir, ["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
}
