/**
 * What the server remembers about requests so a retry or a replay does nothing twice: GitHub
 * webhook deliveries, `Idempotency-Key`s with the response they got, and the digests of recently
 * stored artifacts. Every table is bounded by age: rows older than their retention are pruned on
 * each write.
 */
import type { Database } from "bun:sqlite";
import type { Gate } from "./sqlite-gate.ts";
import type { RequestStore, StoredResponse } from "./store.ts";

export type { StoredResponse } from "./store.ts";

/** Seconds each kind of record is kept. */
export const retention = {
  /** GitHub redelivers (by hand or by its retry) within days, not weeks. */
  deliveries: 7 * 86400,
  idempotencyKeys: 86400,
  /** A CI job retried after a lost reply comes back within minutes. */
  artifactDigests: 15 * 60,
} as const;

/** The RequestStore of the SQLite store. */
export class RequestLog implements RequestStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
    private readonly gate: Gate,
    private readonly inTx = false,
  ) {}

  /** The same log for a transaction's handle. */
  forTransaction(): RequestLog {
    return new RequestLog(this.db, this.now, this.gate, true);
  }

  private q<T>(fn: () => T): Promise<T> {
    return this.gate.run(this.inTx, fn);
  }

  /** The event a delivery id already queued ("" if it queued none), or undefined if it is new. */
  delivery(id: string): Promise<string | undefined> {
    return this.q(() => {
      const r = this.db
        .query("SELECT event_id FROM webhook_deliveries WHERE id = ? AND received >= ?")
        .get(id, this.now() - retention.deliveries) as { event_id: string } | null;
      return r?.event_id;
    });
  }

  recordDelivery(id: string, eventId: string): Promise<void> {
    return this.q(() => {
      const now = this.now();
      this.db.query("DELETE FROM webhook_deliveries WHERE received < ?").run(now - retention.deliveries);
      this.db
        .query(
          "INSERT INTO webhook_deliveries (id, received, event_id) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET received = excluded.received, event_id = excluded.event_id",
        )
        .run(id, now, eventId);
    });
  }

  /** The response an earlier request with this key got, if it is still kept. */
  response(userId: number, route: string, key: string): Promise<StoredResponse | undefined> {
    return this.q(() => {
      const r = this.db
        .query(
          "SELECT request_hash, status, response FROM idempotency_keys WHERE user_id = ? AND route = ? AND key = ? AND created >= ?",
        )
        .get(userId, route, key, this.now() - retention.idempotencyKeys) as {
        request_hash: string;
        status: number;
        response: string;
      } | null;
      return r ? { requestHash: r.request_hash, status: r.status, body: r.response } : undefined;
    });
  }

  recordResponse(userId: number, route: string, key: string, res: StoredResponse): Promise<void> {
    return this.q(() => {
      const now = this.now();
      this.db.query("DELETE FROM idempotency_keys WHERE created < ?").run(now - retention.idempotencyKeys);
      this.db
        .query(
          `INSERT INTO idempotency_keys (user_id, route, key, request_hash, status, response, created) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(user_id, route, key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status,
             response = excluded.response, created = excluded.created`,
        )
        .run(userId, route, key, res.requestHash, res.status, res.body, now);
    });
  }

  /** The artifact stored with this content digest within the de-duplication window. */
  recentArtifact(digest: string): Promise<string | undefined> {
    return this.q(() => {
      const r = this.db
        .query("SELECT artifact_id FROM artifact_digests WHERE digest = ? AND created >= ?")
        .get(digest, this.now() - retention.artifactDigests) as { artifact_id: string } | null;
      return r?.artifact_id;
    });
  }

  recordArtifact(digest: string, artifactId: string): Promise<void> {
    return this.q(() => {
      const now = this.now();
      this.db.query("DELETE FROM artifact_digests WHERE created < ?").run(now - retention.artifactDigests);
      this.db
        .query(
          "INSERT INTO artifact_digests (digest, artifact_id, created) VALUES (?, ?, ?) ON CONFLICT(digest) DO UPDATE SET artifact_id = excluded.artifact_id, created = excluded.created",
        )
        .run(digest, artifactId, now);
    });
  }
}
