/** SQLite queries for the durable event queue: inserting, claiming under a lease, finishing, listing. */
import { ConflictError } from "../core/errors.ts";
import { checkLease, chunks, type Row, toEvent } from "./rows.ts";
import { SqliteAccounts } from "./sqlite-accounts.ts";
import { isUniqueViolation } from "./sqlite-base.ts";
import type { EventsOf, FinalStatus, Held, Lease, NewEvent } from "./store.ts";
import type { ArtifactFilter, EventFilter, EventRecord } from "./types.ts";

export class SqliteQueue extends SqliteAccounts {
  insertEvent(e: NewEvent): Promise<EventRecord> {
    return this.q(() => {
      try {
        this.db
          .query(
            `INSERT INTO events (id, created, type, blob, repository, branch, event, source_branch, target_branch, tag, sha,
               artifact_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            e.id,
            this.now(),
            e.type,
            e.blob,
            e.repository ?? "",
            e.branch ?? "",
            e.event ?? "",
            e.sourceBranch ?? "",
            e.targetBranch ?? "",
            e.tag ?? "",
            e.sha ?? "",
            e.artifactId ?? "",
          );
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError(`event ${JSON.stringify(e.id)} already exists`);
        throw err;
      }
      return this.eventNow(e.id)!;
    });
  }

  private eventNow(id: string): EventRecord | undefined {
    const r = this.db.query("SELECT * FROM events WHERE id = ?").get(id) as Row | null;
    return r ? toEvent(r) : undefined;
  }

  event(id: string): Promise<EventRecord | undefined> {
    return this.q(() => this.eventNow(id));
  }

  artifactEvent(artifactId: string): Promise<EventRecord | undefined> {
    return this.q(() => {
      const r = this.db
        .query("SELECT * FROM events WHERE type = 'artifact' AND artifact_id = ?")
        .get(artifactId) as Row | null;
      return r ? toEvent(r) : undefined;
    });
  }

  eventsOf(ids: readonly string[], artifactIds: readonly string[]): Promise<EventsOf> {
    return this.q(() => {
      const out: EventsOf = { byId: new Map(), byArtifact: new Map() };
      const read = (where: string, keys: readonly string[], put: (e: EventRecord) => void) => {
        for (const part of chunks([...new Set(keys)], 500)) {
          const marks = part.map(() => "?").join(",");
          // Newest first, so the oldest artifact event of an id, set last, stands (as artifactEvent answers).
          const sql = `SELECT * FROM events WHERE ${where} (${marks}) ORDER BY seq DESC`;
          for (const r of this.db.query(sql).all(...part) as Row[]) put(toEvent(r));
        }
      };
      read("id IN", ids, (e) => out.byId.set(e.id, e));
      read("type = 'artifact' AND artifact_id IN", artifactIds, (e) => out.byArtifact.set(e.artifactId, e));
      return out;
    });
  }

  claimNext(lease: Lease): Promise<EventRecord | undefined> {
    return this.q(() => {
      checkLease(lease);
      const now = this.clock();
      // One statement, so atomic across connections: a new event has lease_expires 0, so one test
      // finds both new events and those whose worker stopped renewing.
      const r = this.db
        .query(
          `UPDATE events SET status = 'processing', attempts = attempts + 1, lease_owner = ?, lease_expires = ?
           WHERE seq = (SELECT seq FROM events WHERE status IN ('new', 'processing') AND lease_expires <= ?
                        ORDER BY seq LIMIT 1)
           RETURNING *`,
        )
        .get(lease.owner, now + lease.ms, now) as Row | null;
      return r ? toEvent(r) : undefined;
    });
  }

  renewLease(id: string, lease: Lease): Promise<boolean> {
    return this.q(() => {
      checkLease(lease);
      return (
        this.db
          .query("UPDATE events SET lease_expires = ? WHERE id = ? AND status = 'processing' AND lease_owner = ?")
          .run(this.clock() + lease.ms, id, lease.owner).changes === 1
      );
    });
  }

  releaseLease(held: Held): Promise<boolean> {
    return this.q(() => {
      return (
        this.db
          .query("UPDATE events SET lease_expires = 0 WHERE id = ? AND status = 'processing' AND lease_owner = ?")
          .run(held.id, held.leaseOwner).changes === 1
      );
    });
  }

  expireLeases(prefix: string, keep: string): Promise<number> {
    return this.q(() => {
      return this.db
        .query(
          `UPDATE events SET lease_expires = 0 WHERE status = 'processing' AND lease_expires > 0
             AND substr(lease_owner, 1, length(?)) = ? AND lease_owner <> ?`,
        )
        .run(prefix, prefix, keep).changes;
    });
  }

  recordProgress(held: Held, gitopsHashes: string[], results: unknown[]): Promise<boolean> {
    return this.q(() => {
      return (
        this.db
          .query(
            "UPDATE events SET gitops_hashes = ?, results = ? WHERE id = ? AND status = 'processing' AND lease_owner = ?",
          )
          .run(JSON.stringify(gitopsHashes), JSON.stringify(results), held.id, held.leaseOwner).changes === 1
      );
    });
  }

  finishEvent(
    held: Held,
    status: FinalStatus,
    desc: string,
    gitopsHashes: string[],
    results: unknown[],
  ): Promise<boolean> {
    return this.q(() => {
      return (
        this.db
          .query(
            `UPDATE events SET status = ?, status_desc = ?, gitops_hashes = ?, results = ?, lease_expires = 0
           WHERE id = ? AND status = 'processing' AND lease_owner = ?`,
          )
          .run(status, desc, JSON.stringify(gitopsHashes), JSON.stringify(results), held.id, held.leaseOwner)
          .changes === 1
      );
    });
  }

  queueDepth(): Promise<number> {
    return this.q(
      () =>
        (this.db.query("SELECT count(*) AS n FROM events WHERE status IN ('new', 'processing')").get() as { n: number })
          .n,
    );
  }

  eventCounts(): Promise<{ type: string; status: string; n: number }[]> {
    return this.q(
      () =>
        this.db
          .query("SELECT type, status, count(*) AS n FROM events GROUP BY type, status ORDER BY type, status")
          .all() as {
          type: string;
          status: string;
          n: number;
        }[],
    );
  }
  events(f: EventFilter): Promise<EventRecord[]> {
    return this.q(() => {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (f.type) {
        where.push("type = ?");
        args.push(f.type);
      }
      if (f.status) {
        where.push("status = ?");
        args.push(f.status);
      }
      const cond = where.length ? `WHERE ${where.join(" AND ")}` : "";
      const sql = `SELECT * FROM events ${cond} ORDER BY seq DESC LIMIT ? OFFSET ?`;
      return (this.db.query(sql).all(...args, f.limit, f.offset ?? 0) as Row[]).map(toEvent);
    });
  }
  artifacts(f: ArtifactFilter): Promise<EventRecord[]> {
    return this.q(() => {
      const where = ["type = 'artifact'"];
      const args: (string | number)[] = [];
      const eq = (col: string, v: string | undefined) => {
        if (v) {
          where.push(`${col} = ?`);
          args.push(v);
        }
      };
      eq("repository", f.repository);
      eq("branch", f.branch);
      eq("event", f.event);
      eq("source_branch", f.sourceBranch);
      if (f.sha?.length) {
        where.push(`sha IN (${f.sha.map(() => "?").join(",")})`);
        args.push(...f.sha);
      }
      if (f.since !== undefined) {
        where.push("created >= ?");
        args.push(f.since);
      }
      if (f.until !== undefined) {
        where.push("created <= ?");
        args.push(f.until);
      }
      // SQLite's "no limit" is -1 (an OFFSET needs a LIMIT).
      const limit = f.limit || (f.offset ? -1 : 10);
      const sql = `SELECT * FROM events WHERE ${where.join(" AND ")} ORDER BY created DESC, seq DESC LIMIT ? OFFSET ?`;
      return (this.db.query(sql).all(...args, limit, f.offset ?? 0) as Row[]).map(toEvent);
    });
  }
}
