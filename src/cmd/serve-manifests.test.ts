/** `gimlet serve manifests` through src/main.ts: the PostgreSQL flags as a user types them. */
import { expect, test } from "bun:test";
import { resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { databaseSecretArg } from "./serve-manifests.ts";

const run = (args: string[], env: Record<string, string> = {}) => {
  const p = Bun.spawnSync([process.execPath, resolve("src/main.ts"), "serve", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", ...env },
    stderr: "pipe",
    stdout: "pipe",
  });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
};

test("--database-secret is NAME (key GIMLET_DATABASE_URL) or NAME:KEY", () => {
  expect(databaseSecretArg("gimlet-db")).toEqual({ name: "gimlet-db", key: "GIMLET_DATABASE_URL" });
  expect(databaseSecretArg("pg:url")).toEqual({ name: "pg", key: "url" });
  expect(databaseSecretArg(undefined)).toBeUndefined();
});

test("three replicas on a database Secret: a Deployment of 3 on the claim gimlet-data; the URL stays out", () => {
  const url = "postgres://u:hunter2@db:5432/gimlet";
  const r = run(["manifests", "--database-secret", "pg:url", "--replicas", "3", "--storage-class", "nfs"], {
    GIMLET_DATABASE_URL: url,
  });
  expect(r.code).toBe(0);
  const docs = parseAllDocuments(r.out).map((d) => d.toJS());
  const deploy = docs.find((d) => d.kind === "Deployment");
  expect(deploy.spec.replicas).toBe(3);
  expect(docs.find((d) => d.kind === "PersistentVolumeClaim").spec.accessModes).toEqual(["ReadWriteMany"]);
  expect(r.out).not.toContain("hunter2");
  expect(r.err).toContain("from the Secret pg (key url)");
});

test("bad PostgreSQL flags exit 1 naming the flag and how to fix it; nothing on stdout", () => {
  const cases: [string[], RegExp][] = [
    [["--replicas", "2"], /--replicas: 2 replicas need a PostgreSQL database[\s\S]*--database-secret gimlet-db/],
    [["--replicas", "two"], /--replicas: "two" is not a replica count/],
    [["--database-secret", "pg", "--replicas", "2", "--access-mode", "ReadWriteOnce"], /--access-mode:.*ReadWriteOnce/],
    [["--database-secret", "pg", "--access-mode", "rwx"], /--access-mode: "rwx" is not an access mode/],
    [["--database", "postgres://u:p@db/g"], /--database: the manifests never carry the database URL/],
  ];
  for (const [args, err] of cases) {
    const r = run(["manifests", ...args]);
    expect({ args, code: r.code, out: r.out }).toEqual({ args, code: 1, out: "" });
    expect(r.err).toMatch(err);
    expect(r.err).not.toContain("postgres://u:p@");
  }
});

test("manifests-only flags are refused when serving; a --host that is not a URL too", () => {
  expect(run(["--replicas", "2"]).err).toContain("--replicas is for `gimlet serve manifests`");
  expect(run(["--database-secret", "pg"]).err).toContain("--database-secret is for `gimlet serve manifests`");
  const host = run(["--host", "gimlet.example.com", "--data-dir", "/nonexistent/x"]);
  expect(host.code).toBe(1);
  expect(host.err).toContain("is not a public URL of the server");
});
