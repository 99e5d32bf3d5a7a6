/** What is particular to the SQLite store; the behaviour every store shares is in contract.ts. */
import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrations } from "./migrations.ts";
import { SqliteStore } from "./sqlite.ts";
import { hashToken } from "./tokens.ts";

const dirs: string[] = [];
function dbPath(): string {
  const d = mkdtempSync(join(tmpdir(), "store-"));
  dirs.push(d);
  return join(d, "gimlet.db");
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("SqliteStore", () => {
  test("stores only the hash of a token", async () => {
    const s = new SqliteStore(dbPath());
    await s.createUser("admin", "admin");
    const token = await s.issueToken("admin");
    expect(s.db.query("SELECT hash FROM tokens").all()).toEqual([{ hash: hashToken(token) }]);
    expect(JSON.stringify(s.db.query("SELECT * FROM tokens").all())).not.toContain(token);
    await s.close();
  });

  test("keeps the migration version so a reopen applies nothing twice", async () => {
    const path = dbPath();
    await new SqliteStore(path).close();
    const s = new SqliteStore(path);
    expect(s.db.query("SELECT count(*) AS n FROM schema_migrations").get()).toEqual({ n: migrations.length });
    expect(s.db.query("SELECT name FROM schema_migrations WHERE version = 6").get()).toEqual({
      name: "queue leases (several workers share one queue)",
    });
    await s.close();
  });

  test("applies migrations by version whatever their order in the list", async () => {
    const shipped = [...migrations];
    migrations.reverse(); // a later version listed before an earlier one (branches merged in any order)
    try {
      const s = new SqliteStore(dbPath());
      const versions = (
        s.db.query("SELECT version FROM schema_migrations ORDER BY rowid").all() as { version: number }[]
      ).map((r) => r.version);
      expect(versions).toEqual(shipped.map((m) => m.version).sort((a, b) => a - b));
      await s.close();
    } finally {
      migrations.splice(0, migrations.length, ...shipped);
    }
  });

  test("an event an older version left processing (no lease) is claimed at once and counted", async () => {
    const path = dbPath();
    const db = new Database(path);
    db.exec(
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL)",
    );
    for (const m of migrations.filter((m) => m.version < 6).sort((a, b) => a.version - b.version)) {
      db.exec(m.sql);
      db.query("INSERT INTO schema_migrations VALUES (?, ?, 0)").run(m.version, m.name);
    }
    db.exec(
      "INSERT INTO events (id, created, type, blob, status, attempts) VALUES ('old', 1, 'release', '{}', 'processing', 1)",
    );
    db.close();
    const s = new SqliteStore(path);
    expect(await s.claimNext({ owner: "host/1", ms: 5000 })).toMatchObject({
      id: "old",
      attempts: 2,
      leaseOwner: "host/1",
    });
    await s.close();
  });

  test("a crash mid-event: after a restart the node takes its event back at once, as another attempt", async () => {
    const path = dbPath();
    let s = new SqliteStore(path);
    await s.insertEvent({ id: "e1", type: "artifact", blob: "{}" });
    expect((await s.claimNext({ owner: "host/first", ms: 60_000 }))?.attempts).toBe(1);
    s.db.close(); // as a kill -9 leaves it: no release, the lease still runs
    s = new SqliteStore(path);
    expect(await s.claimNext({ owner: "host/second", ms: 60_000 })).toBeUndefined();
    expect(await s.expireLeases("host/", "host/second")).toBe(1);
    const again = (await s.claimNext({ owner: "host/second", ms: 60_000 }))!;
    expect([again.id, again.attempts]).toEqual(["e1", 2]);
    expect(await s.finishEvent(again, "processed", "", [], [])).toBe(true);
    await s.close();
  });

  test("processes sharing the database file never take the same event", async () => {
    const path = dbPath();
    const s = new SqliteStore(path);
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) ids.push((await s.insertEvent({ id: `e${i}`, type: "release", blob: "{}" })).id);
    const at = String(Date.now() + 1000);
    const procs = ["a", "b", "c"].map((w) =>
      Bun.spawn([process.execPath, join(import.meta.dir, "claimer.fixture.ts"), path, `proc-${w}/1`, at], {
        stdout: "pipe",
        stderr: "inherit",
      }),
    );
    const took = await Promise.all(
      procs.map(async (p) => {
        const out = await new Response(p.stdout).text();
        expect(await p.exited).toBe(0);
        return JSON.parse(out) as string[];
      }),
    );
    expect(took.flat().sort()).toEqual(ids.sort());
    expect(took.filter((t) => t.length > 0).length).toBeGreaterThan(1); // they did compete
    for (const [i, mine] of took.entries()) {
      for (const id of mine) expect((await s.event(id))?.statusDesc).toBe(`proc-${"abc"[i]}/1`);
    }
    await s.close();
  });

  test("the store used inside its own transaction is refused, not deadlocked; a savepoint nests inside", async () => {
    const s = new SqliteStore(dbPath());
    const err = await s.transaction(async () => s.users()).catch((e) => e);
    expect(err.message).toContain("use the tx handle");
    await s.transaction(async (tx) => {
      await tx.putReleases("staging", [
        { app: "a", gitopsRef: "r", created: 1, rolledBack: false, repository: "", blob: "{}" },
      ]);
      await tx.createUser("u", "user");
    });
    expect(await s.countReleases("staging")).toBe(1);
    await s.close();
  });
});
