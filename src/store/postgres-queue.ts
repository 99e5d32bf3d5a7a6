/** Postgres queries for the durable event queue: inserting, claiming under a lease, finishing, listing. */
import { ConflictError } from "../core/errors.ts";
import { PgAccounts } from "./postgres-accounts.ts";
import { isUniqueViolation } from "./postgres-base.ts";
import { checkLease, chunks, num, type Row, toEvent } from "./rows.ts";
import type { EventsOf, FinalStatus, Held, Lease, NewEvent } from "./store.ts";
import type { ArtifactFilter, EventFilter, EventRecord } from "./types.ts";

export class PgQueue extends PgAccounts {
  async insertEvent(e: NewEvent): Promise<EventRecord> {
    try {
      const [r] = await this.sql`INSERT INTO events (id, created, type, blob, repository, branch, event, source_branch,
          target_branch, tag, sha, artifact_id)
        VALUES (${e.id}, ${this.ctx.now()}, ${e.type}, ${e.blob}, ${e.repository ?? ""}, ${e.branch ?? ""}, ${e.event ?? ""},
          ${e.sourceBranch ?? ""}, ${e.targetBranch ?? ""}, ${e.tag ?? ""}, ${e.sha ?? ""}, ${e.artifactId ?? ""})
        RETURNING *`;
      return toEvent(r);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`event ${JSON.stringify(e.id)} already exists`);
      throw err;
    }
  }

  async event(id: string): Promise<EventRecord | undefined> {
    const [r] = await this.sql`SELECT * FROM events WHERE id = ${id}`;
    return r ? toEvent(r) : undefined;
  }

  async artifactEvent(artifactId: string): Promise<EventRecord | undefined> {
    const [r] = await this
      .sql`SELECT * FROM events WHERE type = 'artifact' AND artifact_id = ${artifactId} ORDER BY seq LIMIT 1`;
    return r ? toEvent(r) : undefined;
  }

  async eventsOf(ids: readonly string[], artifactIds: readonly string[]): Promise<EventsOf> {
    const out: EventsOf = { byId: new Map(), byArtifact: new Map() };
    const read = async (where: string, keys: readonly string[], put: (e: EventRecord) => void) => {
      for (const part of chunks([...new Set(keys)], 500)) {
        const marks = part.map((_, i) => `$${i + 1}`).join(", ");
        // Newest first, so the oldest artifact event of an id, set last, stands (as artifactEvent answers).
        const rows = await this.sql.unsafe(`SELECT * FROM events WHERE ${where} (${marks}) ORDER BY seq DESC`, part);
        for (const r of rows) put(toEvent(r));
      }
    };
    await read("id IN", ids, (e) => out.byId.set(e.id, e));
    await read("type = 'artifact' AND artifact_id IN", artifactIds, (e) => out.byArtifact.set(e.artifactId, e));
    return out;
  }

  async claimNext(lease: Lease): Promise<EventRecord | undefined> {
    checkLease(lease);
    const now = this.ctx.clock();
    // SKIP LOCKED passes over a row another claim is taking right now; a row that stopped matching
    // once its lock was granted is rechecked and skipped too, so LIMIT 1 yields the next free one.
    const [r] = await this.sql`UPDATE events SET status = 'processing', attempts = attempts + 1,
        lease_owner = ${lease.owner}, lease_expires = ${now + lease.ms}
      WHERE seq = (SELECT seq FROM events WHERE status IN ('new', 'processing') AND lease_expires <= ${now}
                   ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING *`;
    return r ? toEvent(r) : undefined;
  }

  async renewLease(id: string, lease: Lease): Promise<boolean> {
    checkLease(lease);
    const r = await this.sql`UPDATE events SET lease_expires = ${this.ctx.clock() + lease.ms}
      WHERE id = ${id} AND status = 'processing' AND lease_owner = ${lease.owner}`;
    return r.count === 1;
  }

  async releaseLease(held: Held): Promise<boolean> {
    const r = await this.sql`UPDATE events SET lease_expires = 0
      WHERE id = ${held.id} AND status = 'processing' AND lease_owner = ${held.leaseOwner}`;
    return r.count === 1;
  }

  async expireLeases(prefix: string, keep: string): Promise<number> {
    const r = await this.sql`UPDATE events SET lease_expires = 0 WHERE status = 'processing' AND lease_expires > 0
      AND left(lease_owner, length(${prefix})) = ${prefix} AND lease_owner <> ${keep}`;
    return r.count;
  }

  async recordProgress(held: Held, gitopsHashes: string[], results: unknown[]): Promise<boolean> {
    const r = await this
      .sql`UPDATE events SET gitops_hashes = ${JSON.stringify(gitopsHashes)}, results = ${JSON.stringify(results)}
      WHERE id = ${held.id} AND status = 'processing' AND lease_owner = ${held.leaseOwner}`;
    return r.count === 1;
  }

  async finishEvent(
    held: Held,
    status: FinalStatus,
    desc: string,
    gitopsHashes: string[],
    results: unknown[],
  ): Promise<boolean> {
    const r = await this.sql`UPDATE events SET status = ${status}, status_desc = ${desc},
        gitops_hashes = ${JSON.stringify(gitopsHashes)}, results = ${JSON.stringify(results)}, lease_expires = 0
      WHERE id = ${held.id} AND status = 'processing' AND lease_owner = ${held.leaseOwner}`;
    return r.count === 1;
  }

  async queueDepth(): Promise<number> {
    const [r] = await this.sql`SELECT count(*) AS n FROM events WHERE status IN ('new', 'processing')`;
    return num(r.n);
  }

  async eventCounts(): Promise<{ type: string; status: string; n: number }[]> {
    const rows = await this
      .sql`SELECT type, status, count(*) AS n FROM events GROUP BY type, status ORDER BY type, status`;
    return rows.map((r: Row) => ({ type: r.type as string, status: r.status as string, n: num(r.n) }));
  }

  async events(f: EventFilter): Promise<EventRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (cond: string, v: unknown) => (args.push(v), where.push(cond.replace("?", `$${args.length}`)));
    if (f.type) add("type = ?", f.type);
    if (f.status) add("status = ?", f.status);
    const cond = where.length ? `WHERE ${where.join(" AND ")}` : "";
    args.push(f.limit, f.offset ?? 0);
    const rows = await this.sql.unsafe(
      `SELECT * FROM events ${cond} ORDER BY seq DESC LIMIT $${args.length - 1} OFFSET $${args.length}`,
      args,
    );
    return rows.map(toEvent);
  }

  async artifacts(f: ArtifactFilter): Promise<EventRecord[]> {
    const where = ["type = 'artifact'"];
    const args: unknown[] = [];
    const p = (v: unknown) => (args.push(v), `$${args.length}`);
    for (const [col, v] of [
      ["repository", f.repository],
      ["branch", f.branch],
      ["event", f.event],
      ["source_branch", f.sourceBranch],
    ]) {
      if (v) where.push(`${col} = ${p(v)}`);
    }
    if (f.sha?.length) where.push(`sha IN (${f.sha.map(p).join(", ")})`);
    if (f.since !== undefined) where.push(`created >= ${p(f.since)}`);
    if (f.until !== undefined) where.push(`created <= ${p(f.until)}`);
    // Postgres' "no limit" is LIMIT ALL (NULL does the same).
    const limit = f.limit || (f.offset ? null : 10);
    const sql = `SELECT * FROM events WHERE ${where.join(" AND ")} ORDER BY created DESC, seq DESC LIMIT ${p(limit)} OFFSET ${p(f.offset ?? 0)}`;
    return (await this.sql.unsafe(sql, args)).map(toEvent);
  }
}
