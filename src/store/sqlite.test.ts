import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrations } from "./migrations.ts";
import { hashToken, SqliteStore } from "./sqlite.ts";

const dirs: string[] = [];
function store(): SqliteStore {
  const d = mkdtempSync(join(tmpdir(), "store-"));
  dirs.push(d);
  return new SqliteStore(join(d, "gimlet.db"));
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("SqliteStore", () => {
  test("stores only the hash of a token, and authenticates with the token", () => {
    const s = store();
    s.createUser("admin", "admin");
    const token = s.issueToken("admin");
    const rows = s.db.query("SELECT hash FROM tokens").all() as { hash: string }[];
    expect(rows).toEqual([{ hash: hashToken(token) }]);
    expect(JSON.stringify(s.db.query("SELECT * FROM tokens").all())).not.toContain(token);
    expect(s.authenticate(token)?.login).toBe("admin");
    expect(s.authenticate(token + "x")).toBeUndefined();
  });

  test("revoking a user's tokens makes them fail", () => {
    const s = store();
    s.createUser("ci", "user");
    const t = s.issueToken("ci");
    expect(s.revokeTokens("ci")).toBe(1);
    expect(s.authenticate(t)).toBeUndefined();
  });

  test("refuses a duplicate user with a conflict", () => {
    const s = store();
    s.createUser("a", "user");
    expect(() => s.createUser("a", "admin")).toThrow("already exists");
  });

  test("claims queued events oldest first and re-claims one left processing by a crash", () => {
    const s = store();
    s.insertEvent({ id: "e1", type: "release", blob: "{}" });
    s.insertEvent({ id: "e2", type: "release", blob: "{}" });
    expect(s.claimNext()?.id).toBe("e1");
    // A crash here: e1 stays "processing" and is handed out again before e2.
    expect(s.claimNext()?.id).toBe("e1");
    s.finishEvent("e1", "processed", "", ["abc"], []);
    expect(s.claimNext()?.id).toBe("e2");
    s.finishEvent("e2", "error", "boom", [], []);
    expect(s.claimNext()).toBeUndefined();
    expect(s.event("e1")).toMatchObject({ status: "processed", gitopsHashes: ["abc"] });
    expect(s.event("e2")).toMatchObject({ status: "error", statusDesc: "boom" });
  });

  test("filters artifacts and pages them newest first", () => {
    const s = store();
    for (let i = 0; i < 5; i++) {
      s.insertEvent({ id: `a${i}`, type: "artifact", blob: "{}", repository: "acme/web", branch: i % 2 ? "main" : "dev", sourceBranch: i % 2 ? "" : "feature", artifactId: `acme/web-${i}`, sha: `s${i}` });
    }
    expect(s.artifacts({ repository: "acme/web", branch: "main" }).map((e) => e.id)).toEqual(["a3", "a1"]);
    expect(s.artifacts({ sourceBranch: "feature" }).map((e) => e.id)).toEqual(["a4", "a2", "a0"]);
    expect(s.artifacts({ limit: 2, offset: 1 }).map((e) => e.id)).toEqual(["a3", "a2"]);
    expect(s.artifacts({ sha: ["s0", "s4"] }).map((e) => e.id)).toEqual(["a4", "a0"]);
  });

  test("keeps the migration version so a reopen applies nothing twice", () => {
    const d = mkdtempSync(join(tmpdir(), "store-"));
    dirs.push(d);
    new SqliteStore(join(d, "db")).close();
    const s = new SqliteStore(join(d, "db"));
    expect(s.db.query("SELECT count(*) AS n FROM schema_migrations").get()).toEqual({ n: migrations.length });
  });

  test("applies migrations by version whatever their order in the list", () => {
    const d = mkdtempSync(join(tmpdir(), "store-"));
    dirs.push(d);
    const shipped = [...migrations];
    migrations.reverse(); // a later version listed before an earlier one (branches merged in any order)
    try {
      const s = new SqliteStore(join(d, "db"));
      const versions = (s.db.query("SELECT version FROM schema_migrations ORDER BY rowid").all() as { version: number }[]).map((r) => r.version);
      expect(versions).toEqual(shipped.map((m) => m.version).sort((a, b) => a - b));
      s.close();
    } finally {
      migrations.splice(0, migrations.length, ...shipped);
    }
  });

  test("revokes one token by id and leaves the user's other tokens valid", () => {
    let now = 1000;
    const d = mkdtempSync(join(tmpdir(), "store-"));
    dirs.push(d);
    const s = new SqliteStore(join(d, "db"), { now: () => now });
    s.createUser("ci", "user");
    const a = s.issueTokenWithId("ci");
    const b = s.issueTokenWithId("ci");
    expect(s.tokens("ci")).toEqual([
      { id: a.id, created: 1000, lastUsed: 0 },
      { id: b.id, created: 1000, lastUsed: 0 },
    ]);
    now = 1100;
    expect(s.authenticate(a.token)?.login).toBe("ci");
    expect(s.tokens("ci")[0]!.lastUsed).toBe(1100);
    now = 1130; // used again within the minute: no write
    s.authenticate(a.token);
    expect(s.tokens("ci")[0]!.lastUsed).toBe(1100);
    expect(s.revokeToken(a.id)).toBe("ci");
    expect(s.authenticate(a.token)).toBeUndefined();
    expect(s.authenticate(b.token)?.login).toBe("ci");
    expect(s.tokens("ci").map((t) => t.id)).toEqual([b.id]);
    expect(() => s.revokeToken(a.id)).toThrow(`no valid token with id ${a.id}`);
    expect(JSON.stringify(s.tokens("ci"))).not.toContain(b.token);
  });
});
