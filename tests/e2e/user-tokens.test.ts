/**
 * Tokens revocable one by one, through the compiled binary: `user token | tokens | revoke-token`
 * against a running `gimlet serve` and directly in a data dir; and the CLI's gitops writes refusing
 * the layout's own folder names.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gimlet, scratch } from "../support/bin.ts";
import { run } from "../support/git-server.ts";

const { temp, serve, cleanUp } = scratch("gimlet-e2e-tokens-");
afterAll(cleanUp);

const api = (url: string, token: string) =>
  fetch(`${url}/api/artifacts`, { headers: { Authorization: `Bearer ${token}` } });

describe("gimlet user tokens", () => {
  test("against the server: issue two, list them without values, revoke one, the other keeps working", async () => {
    const dataDir = temp();
    const s = await serve(dataDir);
    const env = { GIMLET_SERVER: s.url, GIMLET_TOKEN: s.token };
    expect((await gimlet(["user", "create", "ci"], { env })).code).toBe(0);
    const a = await gimlet(["user", "token", "ci"], { env });
    expect(a.code, a.stderr).toBe(0);
    const tokenA = a.stdout.trim();
    const idA = /token id (\d+)/.exec(a.stderr)![1]!;
    expect(a.stderr).toContain(`gimlet user revoke-token ${idA}`);
    const b = await gimlet(["user", "token", "ci", "-o", "json"], { env });
    const { id: idB, token: tokenB } = JSON.parse(b.stdout) as { id: number; token: string };
    expect((await api(s.url, tokenA)).status).toBe(200);

    const listed = await gimlet(["user", "tokens", "ci", "-o", "json"], { env });
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: number }[]).map((t) => t.id)).toContain(idB);
    expect(listed.stdout).not.toContain(tokenA);
    const text = await gimlet(["user", "tokens", "ci"], { env });
    expect(text.stdout).toStartWith("ID\tCREATED\tLAST USED\n");
    expect(text.stdout).toMatch(new RegExp(`^${idA}\\t.+ ago\\t.+ ago$`, "m"));
    expect(text.stdout).toMatch(new RegExp(`^${idB}\\t.+ ago\\tnever$`, "m"));

    const rv = await gimlet(["user", "revoke-token", idA], { env });
    expect(rv.code, rv.stderr).toBe(0);
    expect(rv.stderr).toBe(`revoked token ${idA} of ci\n`);
    expect((await api(s.url, tokenA)).status).toBe(401);
    expect((await api(s.url, tokenB)).status).toBe(200);
    const again = await gimlet(["user", "revoke-token", idA], { env });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`no valid token with id ${idA}`);
    const bad = await gimlet(["user", "revoke-token", "abc"], { env });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("token id must be a number");
  }, 30_000);

  test("with --data-dir, without a server", async () => {
    const dataDir = temp();
    const s = await serve(dataDir);
    s.proc.kill("SIGTERM");
    await Bun.sleep(300);
    const t = await gimlet(["user", "token", "admin", "--data-dir", dataDir]);
    expect(t.code, t.stderr).toBe(0);
    const id = /token id (\d+)/.exec(t.stderr)![1]!;
    const ls = await gimlet(["user", "tokens", "admin", "--data-dir", dataDir, "-o", "json"]);
    expect((JSON.parse(ls.stdout) as { id: number }[]).map((x) => String(x.id))).toContain(id);
    const rv = await gimlet(["user", "revoke-token", id, "--data-dir", dataDir]);
    expect(rv.code, rv.stderr).toBe(0);
    const after = await gimlet(["user", "tokens", "admin", "--data-dir", dataDir, "-o", "json"]);
    expect((JSON.parse(after.stdout) as { id: number }[]).map((x) => String(x.id))).not.toContain(id);
    // The token printed at first start still works; the revoked one does not.
    const s2 = await serve(dataDir);
    expect((await api(s2.url, s.token)).status).toBe(200);
    expect((await api(s2.url, t.stdout.trim())).status).toBe(401);
  }, 30_000);

  test("each new command has --help", async () => {
    for (const cmd of ["token", "tokens", "revoke-token"]) {
      const h = await gimlet(["user", cmd, "--help"]);
      expect(h.code).toBe(0);
      expect(h.stdout + h.stderr).toContain("--data-dir");
    }
  });
});

describe("gimlet gitops refuses the layout's own names", () => {
  test("write, delete and rollback of an app named flux or dependencies exit non-zero and commit nothing", async () => {
    const dir = temp();
    await run(["git", "init", "-q", "-b", "main", dir]);
    await run(["git", "commit", "-q", "--allow-empty", "-m", "init"], dir);
    const f = join(temp(), "m.yaml");
    writeFileSync(f, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
    for (const args of [
      ["gitops", "write", "-f", f, "--env", "staging", "--app", "flux"],
      ["gitops", "write", "-f", f, "--env", "flux", "--app", "web"],
      ["gitops", "delete", "--env", "staging", "--app", "dependencies"],
      ["gitops", "rollback", "--env", "staging", "--app", "flux", "--to", "abcdef0"],
    ]) {
      const r = await gimlet([...args, "--gitops-repo-path", dir]);
      expect({ args, code: r.code }).toEqual({ args, code: 1 });
      expect(r.stderr).toContain("is reserved");
    }
    expect((await run(["git", "rev-list", "--count", "HEAD"], dir)).trim()).toBe("1");
  });
});
