import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KEY_FILE, SqliteStore } from "../store/index.ts";
import { acquireServeLock, openDataStore, prepareDataDir } from "./data-dir.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "data-dir-"));
  dirs.push(d);
  return join(d, "data");
};
const mode = (p: string) => statSync(p).mode & 0o777;
const noWarn = (m: string) => {
  throw new Error(`unexpected warning: ${m}`);
};
/** Every byte SQLite keeps for this db: the file, its WAL and shared memory. */
const dbBytes = (dir: string) =>
  Buffer.concat(
    readdirSync(dir)
      .filter((f) => f.startsWith("gimlet.db"))
      .map((f) => readFileSync(join(dir, f))),
  );

describe("data dir permissions", () => {
  test("a new data dir is 0700 and the files made in it 0600", async () => {
    const d = tmp();
    const s = await openDataStore(d, noWarn);
    await s.createEnv({
      name: "prod",
      repoUrl: "https://git.example/x.git",
      repoToken: "t",
      builtin: false,
      repoPerEnv: false,
      branch: "main",
    });
    mkdirSync(join(d, "repos", "prod-apps.git", "objects"), { recursive: true });
    writeFileSync(join(d, "repos", "prod-apps.git", "HEAD"), "ref: refs/heads/main\n");
    expect(mode(d)).toBe(0o700);
    for (const f of ["gimlet.db", "gimlet.db-wal", "gimlet.db-shm", KEY_FILE, "repos/prod-apps.git/HEAD"])
      expect([f, mode(join(d, f))]).toEqual([f, 0o600]);
    expect(mode(join(d, "repos", "prod-apps.git", "objects"))).toBe(0o700);
    await s.close();
  });

  test("modes left open by an older version are fixed on start, down to files deep in a repo", () => {
    const d = tmp();
    mkdirSync(join(d, "repos", "a.git", "objects", "ab"), { recursive: true });
    const deep = join(d, "repos", "a.git", "objects", "ab", "cdef");
    writeFileSync(deep, "x");
    writeFileSync(join(d, "gimlet.db"), "");
    const script = join(d, "repos", "a.git", "hook");
    writeFileSync(script, "#!/bin/sh\n");
    for (const p of [
      d,
      join(d, "repos"),
      join(d, "repos", "a.git"),
      join(d, "repos", "a.git", "objects"),
      join(d, "repos", "a.git", "objects", "ab"),
    ])
      chmodSync(p, 0o755);
    chmodSync(deep, 0o644);
    chmodSync(join(d, "gimlet.db"), 0o644);
    chmodSync(script, 0o755);
    prepareDataDir(d, noWarn);
    expect(mode(d)).toBe(0o700);
    expect(mode(join(d, "repos", "a.git", "objects", "ab"))).toBe(0o700);
    expect(mode(deep)).toBe(0o600);
    expect(mode(join(d, "gimlet.db"))).toBe(0o600);
    expect(mode(script)).toBe(0o700); // the owner's bits are kept
  });

  test("a data dir that is a symlink (to a volume) is made private; links inside it are left alone", () => {
    const d = tmp();
    const target = `${d}-volume`;
    dirs.push(target);
    mkdirSync(target, { mode: 0o755 });
    chmodSync(target, 0o755);
    const outside = `${d}-outside`;
    dirs.push(outside);
    writeFileSync(outside, "");
    chmodSync(outside, 0o644);
    symlinkSync(target, d);
    symlinkSync(outside, join(target, "link"));
    prepareDataDir(d, noWarn);
    expect(mode(target)).toBe(0o700);
    expect(mode(outside)).toBe(0o644);
  });

  test("a mode that cannot be fixed is a warning naming the path and the mode", () => {
    const d = tmp();
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "gimlet.db"), "");
    chmodSync(join(d, "gimlet.db"), 0o644);
    const warnings: string[] = [];
    prepareDataDir(
      d,
      (m) => warnings.push(m),
      (p) => {
        if (p.endsWith("gimlet.db")) throw new Error("EPERM: operation not permitted");
        chmodSync(p, 0o700);
      },
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      `${join(d, "gimlet.db")} is readable by others (mode 0644) and could not be made private: EPERM`,
    );
  });
});

describe("stored credentials", () => {
  const env = {
    name: "prod",
    repoUrl: "https://git.example/x.git",
    repoToken: "ghp_RemoteGitopsToken123",
    builtin: false,
    repoPerEnv: false,
    branch: "main",
  };

  test("round trip; the db files alone hold neither the gitops token nor the Flux receiver token", async () => {
    const d = tmp();
    const s = await openDataStore(d, noWarn);
    await s.createEnv(env);
    await s.setReceiver("prod", "http://receiver", "FluxReceiverSecret456");
    expect(await s.env("prod")).toMatchObject({ repoToken: env.repoToken, fluxReceiverToken: "FluxReceiverSecret456" });
    const bytes = dbBytes(d);
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes("ghp_RemoteGitopsToken123")).toBe(false);
    expect(bytes.includes("FluxReceiverSecret456")).toBe(false);
    const raw = new Database(join(d, "gimlet.db"))
      .query("SELECT repo_token, flux_receiver_token FROM environments")
      .get() as Record<string, string>;
    expect(raw.repo_token).toMatch(/^v1:/);
    expect(raw.flux_receiver_token).toMatch(/^v1:/);
    await s.close();
    const again = await openDataStore(d, noWarn);
    expect((await again.envs())[0]!.repoToken).toBe(env.repoToken);
    await again.close();
  });

  test("plain credentials written by an older version are sealed on open", async () => {
    const d = tmp();
    mkdirSync(d, { recursive: true });
    const old = new SqliteStore(join(d, "gimlet.db"));
    old.db
      .query(
        "INSERT INTO environments (name, repo_url, repo_token, flux_receiver_token, created) VALUES ('prod', 'u', 'PlainOldToken', 'PlainReceiver', 0)",
      )
      .run();
    await old.close();
    const s = await openDataStore(d, noWarn);
    expect(await s.env("prod")).toMatchObject({ repoToken: "PlainOldToken", fluxReceiverToken: "PlainReceiver" });
    const bytes = dbBytes(d);
    expect(bytes.includes("PlainOldToken")).toBe(false);
    expect(bytes.includes("PlainReceiver")).toBe(false);
    await s.close();
  });

  test("the key can come from GIMLET_ENCRYPTION_KEY; then no key file is written", async () => {
    const d = tmp();
    const key = randomBytes(32).toString("base64");
    const s = await openDataStore(d, noWarn, { GIMLET_ENCRYPTION_KEY: key });
    await s.createEnv(env);
    await s.close();
    expect(readdirSync(d)).not.toContain(KEY_FILE);
    const again = await openDataStore(d, noWarn, { GIMLET_ENCRYPTION_KEY: key });
    expect((await again.env("prod"))!.repoToken).toBe(env.repoToken);
    await again.close();
    await expect(openDataStore(d, noWarn, {})).rejects.toThrow(
      /encrypted, but the key is missing: .*encryption\.key does not exist/,
    );
  });

  test("a wrong key is refused at open, naming the key's source and what to do", async () => {
    const d = tmp();
    await (await openDataStore(d, noWarn)).close();
    const wrong = randomBytes(32).toString("base64");
    let err: { message: string; hint?: string } | undefined;
    try {
      await openDataStore(d, noWarn, { GIMLET_ENCRYPTION_KEY: wrong });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err?.message).toMatch(
      /^GIMLET_ENCRYPTION_KEY is not the key the credentials in .*gimlet\.db were encrypted with$/,
    );
    expect(err?.hint).toContain("encryption.key");
    writeFileSync(join(d, KEY_FILE), randomBytes(32).toString("base64"));
    await expect(openDataStore(d, noWarn, {})).rejects.toThrow(/the key file .*encryption\.key is not the key/);
  });

  test("a store opened without a key refuses to store a credential", async () => {
    const d = tmp();
    mkdirSync(d, { recursive: true });
    const s = new SqliteStore(join(d, "gimlet.db"));
    await expect(s.createEnv(env)).rejects.toThrow(
      /refusing to store environments\.repo_token:prod without an encryption key/,
    );
    expect(await s.envs()).toEqual([]);
    await s.close();
  });
});

describe("serve lock", () => {
  test("a second holder is refused with the dir and the holder's pid; released, it can be taken again", () => {
    const d = tmp();
    prepareDataDir(d, noWarn);
    const a = acquireServeLock(d);
    expect(() => acquireServeLock(d)).toThrow(
      `another gimlet serve (pid ${process.pid}) is already serving the data dir ${d}`,
    );
    a.release();
    acquireServeLock(d).release();
  });
});
