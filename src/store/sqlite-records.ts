/** SQLite queries for what is kept on the side: gitops commit statuses, the release history, agent state. */
import { chunks, type Row, stepOrder, toRelease } from "./rows.ts";
import { SqliteQueue } from "./sqlite-queue.ts";
import type { ReleaseFilter, ReleaseRow, StoreTx } from "./store.ts";
import type { GitopsCommit, ReleaseStep } from "./types.ts";

/** Every query, on the store or on its open transaction's handle. */
export class SqliteQueries extends SqliteQueue implements StoreTx {
  // --- gitops commit statuses (from Flux events)

  upsertGitopsCommit(c: Omit<GitopsCommit, "created">): Promise<void> {
    return this.q(() => {
      this.db
        .query(
          `INSERT INTO gitops_commits (sha, env, status, status_desc, created) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(sha) DO UPDATE SET status = excluded.status, status_desc = excluded.status_desc,
             env = CASE WHEN excluded.env = '' THEN env ELSE excluded.env END`,
        )
        .run(c.sha, c.env, c.status, c.statusDesc, this.now());
    });
  }

  gitopsCommit(sha: string): Promise<GitopsCommit | undefined> {
    return this.q(() => {
      const r = this.db
        .query("SELECT sha, env, status, status_desc AS statusDesc, created FROM gitops_commits WHERE sha = ?")
        .get(sha) as GitopsCommit | null;
      return r ?? undefined;
    });
  }

  gitopsCommitsOf(shas: readonly string[]): Promise<Map<string, GitopsCommit>> {
    return this.q(() => {
      const out = new Map<string, GitopsCommit>();
      for (const part of chunks([...new Set(shas)], 500)) {
        const rows = this.db
          .query(
            "SELECT sha, env, status, status_desc AS statusDesc, created FROM gitops_commits " +
              `WHERE sha IN (${part.map(() => "?").join(",")})`,
          )
          .all(...part) as GitopsCommit[];
        for (const r of rows) out.set(r.sha, r);
      }
      return out;
    });
  }

  gitopsCommits(limit: number): Promise<GitopsCommit[]> {
    return this.q(
      () =>
        this.db
          .query(
            "SELECT sha, env, status, status_desc AS statusDesc, created FROM gitops_commits " +
              "ORDER BY created DESC, rowid DESC LIMIT ?",
          )
          .all(limit) as GitopsCommit[],
    );
  }

  // --- release history mirror (rebuildable from git: gimlet serve --reindex)

  putReleases(env: string, rows: ReleaseRow[]): Promise<void> {
    return this.q(() => {
      const q = this.db.query(
        `INSERT INTO releases (env, app, gitops_ref, created, rolled_back, repository, blob) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(env, gitops_ref, app) DO UPDATE SET rolled_back = excluded.rolled_back, blob = excluded.blob`,
      );
      // Inside an open transaction bun:sqlite makes this a savepoint.
      this.db
        .transaction(() => {
          for (const r of rows) q.run(env, r.app, r.gitopsRef, r.created, r.rolledBack ? 1 : 0, r.repository, r.blob);
        })
        .immediate();
    });
  }

  clearReleases(env: string): Promise<void> {
    return this.q(() => {
      this.db.query("DELETE FROM releases WHERE env = ?").run(env);
    });
  }

  countReleases(env: string): Promise<number> {
    return this.q(
      () => (this.db.query("SELECT count(*) AS n FROM releases WHERE env = ?").get(env) as { n: number }).n,
    );
  }

  releases(f: ReleaseFilter): Promise<{ blob: string; created: number; rolledBack: boolean; gitopsRef: string }[]> {
    return this.q(() => {
      const where = ["env = ?"];
      const args: (string | number)[] = [f.env];
      if (f.app) where.push("app = ?"), args.push(f.app);
      if (f.since !== undefined) where.push("created >= ?"), args.push(f.since);
      if (f.until !== undefined) where.push("created <= ?"), args.push(f.until);
      if (f.repository) where.push("repository = ?"), args.push(f.repository);
      const sql = `SELECT blob, created, rolled_back, gitops_ref FROM releases WHERE ${where.join(" AND ")}
                   ORDER BY created DESC, rowid DESC LIMIT ? OFFSET ?`;
      return (this.db.query(sql).all(...args, f.limit, f.offset) as Row[]).map(toRelease);
    });
  }

  // --- the timeline's own records

  recordReleaseStep(s: ReleaseStep): Promise<boolean> {
    return this.q(() => {
      const r = this.db
        .query(
          `INSERT INTO release_steps (event_id, env, app, step, at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(event_id, env, app, step) DO NOTHING`,
        )
        .run(s.eventId, s.env, s.app, s.step, s.at);
      return r.changes > 0;
    });
  }

  releaseSteps(eventId: string): Promise<ReleaseStep[]> {
    return this.q(
      () =>
        this.db
          .query(
            `SELECT event_id AS eventId, env, app, step, at FROM release_steps WHERE event_id = ?
             ORDER BY at, env, app, step`,
          )
          .all(eventId) as ReleaseStep[],
    );
  }

  releaseStepsOf(eventIds: readonly string[]): Promise<ReleaseStep[]> {
    return this.q(() =>
      chunks([...new Set(eventIds)], 500)
        .flatMap(
          (part) =>
            this.db
              .query(
                `SELECT event_id AS eventId, env, app, step, at FROM release_steps
                 WHERE event_id IN (${part.map(() => "?").join(",")}) ORDER BY at, env, app, step`,
              )
              .all(...part) as ReleaseStep[],
        )
        .sort(stepOrder),
    );
  }

  // --- the agents' last known live state

  putAgentState(env: string, state: string): Promise<void> {
    return this.q(() => {
      this.db
        .query(
          `INSERT INTO agent_states (env, state, updated) VALUES (?, ?, ?)
           ON CONFLICT(env) DO UPDATE SET state = excluded.state, updated = excluded.updated`,
        )
        .run(env, state, this.now());
    });
  }

  agentState(env: string): Promise<{ state: string; updated: number } | undefined> {
    return this.q(() => {
      const r = this.db.query("SELECT state, updated FROM agent_states WHERE env = ?").get(env);
      return (r as { state: string; updated: number } | null) ?? undefined;
    });
  }
}
