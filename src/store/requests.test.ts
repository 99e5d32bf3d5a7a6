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
  return { s: new SqliteStore(join(d, "gimlet.db"), { now: () => clock.now }), clock, path: join(d, "gimlet.db") };
}

const count = (s: SqliteStore, table: string) => (s.db.query(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe("RequestLog", () => {
  test("remembers a webhook delivery across a reopen, forgets it after the retention", () => {
    const { s, clock, path } = store();
    expect(s.requests.delivery("d1")).toBeUndefined();
    s.requests.recordDelivery("d1", "ev1");
    s.close();
    const again = new SqliteStore(path, { now: () => clock.now });
    expect(again.requests.delivery("d1")).toBe("ev1");
    clock.now += retention.deliveries + 1;
    expect(again.requests.delivery("d1")).toBeUndefined();
    again.requests.recordDelivery("d2", "");
    expect(count(again, "webhook_deliveries")).toBe(1); // d1 pruned on the next write
    again.close();
  });

  test("keeps an idempotency key's response per user and route for a day", () => {
    const { s, clock } = store();
    const u = s.createUser("ci", "user");
    const other = s.createUser("ci2", "user");
    s.requests.recordResponse(u.id, "POST /api/artifact", "k1", { requestHash: "h", status: 201, body: "{}" });
    expect(s.requests.response(u.id, "POST /api/artifact", "k1")).toEqual({ requestHash: "h", status: 201, body: "{}" });
    expect(s.requests.response(other.id, "POST /api/artifact", "k1")).toBeUndefined();
    expect(s.requests.response(u.id, "POST /api/releases", "k1")).toBeUndefined();
    clock.now += retention.idempotencyKeys + 1;
    expect(s.requests.response(u.id, "POST /api/artifact", "k1")).toBeUndefined();
    s.deleteUser("ci");
    expect(count(s, "idempotency_keys")).toBe(0);
  });

  test("finds an artifact digest only within the de-duplication window", () => {
    const { s, clock } = store();
    s.requests.recordArtifact("dg", "acme/web-1");
    clock.now += retention.artifactDigests - 1;
    expect(s.requests.recentArtifact("dg")).toBe("acme/web-1");
    clock.now += 2;
    expect(s.requests.recentArtifact("dg")).toBeUndefined();
  });
});
