/** The RequestStore of the Postgres store: the same records and retention as requests.ts, in Postgres. */
import type { SQL } from "bun";
import { retention } from "./requests.ts";
import type { RequestStore, StoredResponse } from "./store.ts";

export class PgRequestLog implements RequestStore {
  constructor(
    private readonly sql: SQL,
    private readonly now: () => number,
  ) {}

  async delivery(id: string): Promise<string | undefined> {
    const [r] = await this.sql`SELECT event_id FROM webhook_deliveries
      WHERE id = ${id} AND received >= ${this.now() - retention.deliveries}`;
    return r?.event_id as string | undefined;
  }

  async recordDelivery(id: string, eventId: string): Promise<void> {
    const now = this.now();
    await this.sql`DELETE FROM webhook_deliveries WHERE received < ${now - retention.deliveries}`;
    await this.sql`INSERT INTO webhook_deliveries (id, received, event_id) VALUES (${id}, ${now}, ${eventId})
      ON CONFLICT (id) DO UPDATE SET received = excluded.received, event_id = excluded.event_id`;
  }

  async response(userId: number, route: string, key: string): Promise<StoredResponse | undefined> {
    const [r] = await this.sql`SELECT request_hash, status, response FROM idempotency_keys
      WHERE user_id = ${userId} AND route = ${route} AND key = ${key} AND created >= ${this.now() - retention.idempotencyKeys}`;
    return r ? { requestHash: r.request_hash, status: Number(r.status), body: r.response } : undefined;
  }

  async recordResponse(userId: number, route: string, key: string, res: StoredResponse): Promise<void> {
    const now = this.now();
    await this.sql`DELETE FROM idempotency_keys WHERE created < ${now - retention.idempotencyKeys}`;
    await this.sql`INSERT INTO idempotency_keys (user_id, route, key, request_hash, status, response, created)
      VALUES (${userId}, ${route}, ${key}, ${res.requestHash}, ${res.status}, ${res.body}, ${now})
      ON CONFLICT (user_id, route, key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status,
        response = excluded.response, created = excluded.created`;
  }

  async recentArtifact(digest: string): Promise<string | undefined> {
    const [r] = await this.sql`SELECT artifact_id FROM artifact_digests
      WHERE digest = ${digest} AND created >= ${this.now() - retention.artifactDigests}`;
    return r?.artifact_id as string | undefined;
  }

  async recordArtifact(digest: string, artifactId: string): Promise<void> {
    const now = this.now();
    await this.sql`DELETE FROM artifact_digests WHERE created < ${now - retention.artifactDigests}`;
    await this.sql`INSERT INTO artifact_digests (digest, artifact_id, created) VALUES (${digest}, ${artifactId}, ${now})
      ON CONFLICT (digest) DO UPDATE SET artifact_id = excluded.artifact_id, created = excluded.created`;
  }
}
