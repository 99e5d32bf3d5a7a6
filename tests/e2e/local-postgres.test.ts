/**
 * The data dir commands (`env`, `user` with `--data-dir`) on the store `gimlet serve` uses: with
 * `--database` or GIMLET_DATABASE_URL they act on a real PostgreSQL next to running replicas, and
 * the replicas see what they made; a data dir that is not there is refused with nothing written.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gimlet, scratch, type ServeProcess } from "../support/bin.ts";
import { startPostgres, type TestPostgres } from "../support/postgres.ts";

const { temp, serve, cleanUp } = scratch("gimlet-e2e-local-pg-");
let pg: TestPostgres;
let database: string;
let dataDir: string;
let a: ServeProcess;
let b: ServeProcess;

beforeAll(async () => {
  pg = await startPostgres();
  database = await pg.createDatabase();
  dataDir = temp();
  // Two replicas on one database and one data dir, as the README's replica setup runs them.
  a = await serve(dataDir, { args: ["--database", database] });
  b = await serve(dataDir, { env: { GIMLET_DATABASE_URL: database } });
}, 60_000);

afterAll(async () => {
  await cleanUp();
  await pg?.stop();
});

const get = (url: string, path: string, token: string) =>
  fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } });

describe("data dir commands with --database", () => {
  test("user create and user token work next to running replicas, whose API takes the new tokens", async () => {
    const local = ["--data-dir", dataDir, "--database", database];
    const made = await gimlet(["user", "create", "ops", "--role", "admin", ...local]);
    expect(made.code, made.stderr).toBe(0);
    const opsToken = made.stdout.trim();
    expect(opsToken).toMatch(/^glt_/);
    for (const s of [a, b]) {
      const users = await get(s.url, "/api/users", opsToken);
      expect(users.status).toBe(200);
      expect(JSON.stringify(await users.json())).toContain('"ops"');
    }

    const issued = await gimlet(["user", "token", "admin", ...local]);
    expect(issued.code, issued.stderr).toBe(0);
    expect((await get(b.url, "/api/users", issued.stdout.trim())).status).toBe(200);

    const ci = await gimlet(["user", "create", "ci", ...local]);
    expect(ci.code, ci.stderr).toBe(0);
    expect((await get(a.url, "/api/artifacts", ci.stdout.trim())).status).toBe(200);
    expect((await get(a.url, "/api/users", ci.stdout.trim())).status).toBe(403);

    // Revoked in Postgres: refused by the server at once.
    const ids = await gimlet(["user", "tokens", "ci", ...local, "-o", "json"]);
    expect(ids.code, ids.stderr).toBe(0);
    const [tok] = JSON.parse(ids.stdout) as { id: number }[];
    expect((await gimlet(["user", "revoke-token", String(tok!.id), ...local])).code).toBe(0);
    expect((await get(a.url, "/api/artifacts", ci.stdout.trim())).status).toBe(401);

    // The state is in Postgres: the data dir never got a SQLite database.
    expect(existsSync(join(dataDir, "gimlet.db"))).toBe(false);
  }, 30_000);

  test("env create and env bootstrap work on the shared data dir; replicas list and serve the env", async () => {
    const local = ["--data-dir", dataDir, "--database", database];
    const created = await gimlet(["env", "create", "staging", "--builtin", ...local]);
    expect(created.code, created.stderr).toBe(0);
    for (const s of [a, b]) {
      const envs = await get(s.url, "/api/envs", a.token);
      expect(envs.status).toBe(200);
      expect((await envs.json()) as { name: string }[]).toContainEqual(expect.objectContaining({ name: "staging" }));
    }
    // The hosted repo the CLI made is what the replicas serve (real git as the client).
    const remote = `http://admin:${a.token}@${b.url.slice("http://".length)}/git/staging-apps.git`;
    const lsRemote = Bun.spawnSync(["git", "ls-remote", remote], { stderr: "pipe" });
    expect(lsRemote.exitCode, lsRemote.stderr.toString()).toBe(0);
    expect(lsRemote.stdout.toString()).toMatch(/^[0-9a-f]{40}\trefs\/heads\/main$/m);

    // Bootstrap seals the receiver token with the key `gimlet serve` made in the shared data dir.
    const boot = await gimlet(["env", "bootstrap", "staging", "--host", a.url, ...local]);
    expect(boot.code, boot.stderr).toBe(0);
    expect(boot.stdout).toContain("kind: GitRepository");
    const fluxToken = /password=(glt_\S+)/.exec(boot.stderr)?.[1];
    expect(fluxToken).toBeDefined();
    const clone = Bun.spawnSync(["git", "ls-remote", remote.replace(`admin:${a.token}`, `flux:${fluxToken}`)]);
    expect(clone.exitCode).toBe(0);
    expect(existsSync(join(dataDir, "gimlet.db"))).toBe(false);
  }, 30_000);

  test("GIMLET_DATABASE_URL is honoured as by gimlet serve", async () => {
    const env = { GIMLET_DATABASE_URL: database };
    const issued = await gimlet(["user", "token", "admin", "--data-dir", dataDir], { env });
    expect(issued.code, issued.stderr).toBe(0);
    expect((await get(a.url, "/api/users", issued.stdout.trim())).status).toBe(200);
    const users = await gimlet(["user", "list", "--data-dir", dataDir], { env });
    expect(users.stdout).toContain("ops\tadmin");
    const envs = await gimlet(["env", "list", "--data-dir", dataDir], { env });
    expect(envs.code, envs.stderr).toBe(0);
    expect(envs.stdout).toContain("staging\tbuiltin");
  }, 30_000);

  test("without the database, the Postgres server's data dir is refused and left as it was", async () => {
    const before = readdirSync(dataDir).sort();
    const r = await gimlet(["user", "token", "admin", "--data-dir", dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${dataDir} is not a gimlet data dir yet: it has no gimlet.db`);
    expect(r.stderr).toContain("GIMLET_DATABASE_URL");
    expect(readdirSync(dataDir).sort()).toEqual(before);
  });

  test("a --database that is not a PostgreSQL URL is refused before anything is opened", async () => {
    const r = await gimlet(["user", "token", "admin", "--data-dir", dataDir, "--database", "mysql://x/y"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--database: the database must be a PostgreSQL URL");
  });
});

describe("a data dir that is not there", () => {
  const commands: { args: string[]; stdin?: string }[] = [
    { args: ["env", "create", "staging", "--builtin"] },
    { args: ["env", "list"] },
    { args: ["env", "delete", "staging", "--yes"] },
    { args: ["env", "bootstrap", "staging", "--host", "http://127.0.0.1:9000"] },
    { args: ["user", "create", "ci"] },
    { args: ["user", "list"] },
    { args: ["user", "delete", "ci"] },
    { args: ["user", "token", "admin"] },
    { args: ["user", "tokens", "admin"] },
    { args: ["user", "revoke-token", "1"] },
    { args: ["user", "password", "admin", "--password-stdin"], stdin: "correct horse\n" },
  ];

  test("every data dir command exits 1 naming the path and the fix, and creates nothing", async () => {
    const root = temp();
    const missing = join(root, "nope");
    for (const c of commands) {
      for (const extra of [[], ["--database", database]]) {
        const r = await gimlet([...c.args, "--data-dir", missing, ...extra], { stdin: c.stdin });
        const what = `${c.args.join(" ")} ${extra.join(" ")}`;
        expect(r.code, what).toBe(1);
        expect(r.stderr, what).toContain(`--data-dir: the data dir ${missing} does not exist`);
        expect(r.stderr, what).toContain(`gimlet serve --data-dir ${missing}`);
        expect(readdirSync(root), what).toEqual([]);
      }
    }
  }, 60_000);

  test("the default ./gimlet-data is not made by `env bootstrap` in a directory without one", async () => {
    const cwd = temp();
    const r = await gimlet(["env", "bootstrap", "staging", "--host", "http://127.0.0.1:9000"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the data dir ${join(cwd, "gimlet-data")} does not exist`);
    expect(r.stderr).toContain("--data-dir");
    expect(readdirSync(cwd)).toEqual([]);
  });

  test("an empty dir is refused by commands that need a store, and left empty", async () => {
    const dir = temp();
    for (const args of [
      ["env", "bootstrap", "staging", "--host", "http://127.0.0.1:9000"],
      ["user", "token", "admin"],
      ["env", "list"],
    ]) {
      const r = await gimlet([...args, "--data-dir", dir]);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toContain(`${dir} is not a gimlet data dir yet: it has no gimlet.db`);
      expect(readdirSync(dir)).toEqual([]);
    }
    // A path that is a file is not a data dir either.
    const file = join(dir, "f");
    await Bun.write(file, "x");
    const r = await gimlet(["user", "list", "--data-dir", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the data dir ${file} is not a directory`);
  });
});
