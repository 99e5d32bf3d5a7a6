/** SQLite specifics of the request log: old rows are pruned on writes, a deleted user's keys go with it. */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { retention } from "./requests.ts";
import { SqliteStore } from "./sqlite.ts";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function store() {
  const clock = { now: 1_000_000 };
  const d = mkdtempSync(join(tmpdir(), "store-"));
  dirs.push(d);
  return { s: new SqliteStore(join(d, "gimlet.db"), { now: () => clock.now }), clock };
}

const count = (s: SqliteStore, table: string) =>
  (s.db.query(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe("RequestLog (SQLite)", () => {
  test("a delivery past its retention is pruned by the next write", async () => {
    const { s, clock } = store();
    await s.requests.recordDelivery("d1", "ev1");
    clock.now += retention.deliveries + 1;
    await s.requests.recordDelivery("d2", "");
    expect(count(s, "webhook_deliveries")).toBe(1);
    await s.close();
  });

  test("deleting a user deletes its idempotency keys; old keys and digests are pruned on writes", async () => {
    const { s, clock } = store();
    const u = await s.createUser("ci", "user");
    await s.requests.recordResponse(u.id, "POST /api/artifact", "k1", { requestHash: "h", status: 201, body: "{}" });
    await s.deleteUser("ci");
    expect(count(s, "idempotency_keys")).toBe(0);
    const v = await s.createUser("ci2", "user");
    await s.requests.recordResponse(v.id, "r", "k1", { requestHash: "h", status: 201, body: "{}" });
    await s.requests.recordArtifact("dg1", "a1");
    clock.now += retention.idempotencyKeys + 1;
    await s.requests.recordResponse(v.id, "r", "k2", { requestHash: "h", status: 201, body: "{}" });
    await s.requests.recordArtifact("dg2", "a2");
    expect([count(s, "idempotency_keys"), count(s, "artifact_digests")]).toEqual([1, 1]);
    await s.close();
  });
});
