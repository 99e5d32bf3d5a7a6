import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "./sqlite.ts";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

test("every claim of an event counts an attempt, across reopenings of the db (a crash mid-event)", () => {
  const d = mkdtempSync(join(tmpdir(), "store-"));
  dirs.push(d);
  const path = join(d, "gimlet.db");
  let s = new SqliteStore(path);
  s.insertEvent({ id: "e1", type: "artifact", blob: "{}" });
  expect(s.event("e1")!.attempts).toBe(0);
  expect(s.claimNext()!.attempts).toBe(1);
  s.close();
  // The process died with e1 in progress: the next claim takes it again and counts it.
  s = new SqliteStore(path);
  expect(s.event("e1")!.status).toBe("processing");
  const again = s.claimNext()!;
  expect([again.id, again.attempts]).toEqual(["e1", 2]);
  expect(s.event("e1")!.attempts).toBe(2);
  s.finishEvent("e1", "processed", "", [], []);
  expect(s.claimNext()).toBeUndefined();
  s.close();
});

test("the attempts column is added by migration 4", () => {
  const d = mkdtempSync(join(tmpdir(), "store-"));
  dirs.push(d);
  const s = new SqliteStore(join(d, "gimlet.db"));
  const v = s.db.query("SELECT name FROM schema_migrations WHERE version = 4").get() as { name: string } | null;
  expect(v?.name).toContain("attempts");
  s.close();
});
