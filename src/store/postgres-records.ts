/** Postgres queries for what is kept on the side: gitops commit statuses, the release history, agent state. */
import type { SQL, TransactionSQL } from "bun";
import { PgQueue } from "./postgres-queue.ts";
import { chunks, num, stepOrder, toCommit, toRelease } from "./rows.ts";
import type { ReleaseFilter, ReleaseRow, StoreTx } from "./store.ts";
import type { GitopsCommit, ReleaseStep, ReleaseStepName } from "./types.ts";

/** Every query, on a pool or on one transaction's connection. */
export class PgQueries extends PgQueue implements StoreTx {
  // --- gitops commit statuses

  async upsertGitopsCommit(c: Omit<GitopsCommit, "created">): Promise<void> {
    await this.sql`INSERT INTO gitops_commits (sha, env, status, status_desc, created)
      VALUES (${c.sha}, ${c.env}, ${c.status}, ${c.statusDesc}, ${this.ctx.now()})
      ON CONFLICT (sha) DO UPDATE SET status = excluded.status, status_desc = excluded.status_desc,
        env = CASE WHEN excluded.env = '' THEN gitops_commits.env ELSE excluded.env END`;
  }

  async gitopsCommit(sha: string): Promise<GitopsCommit | undefined> {
    const [r] = await this.sql`SELECT sha, env, status, status_desc, created FROM gitops_commits WHERE sha = ${sha}`;
    return r ? toCommit(r) : undefined;
  }

  async gitopsCommitsOf(shas: readonly string[]): Promise<Map<string, GitopsCommit>> {
    const out = new Map<string, GitopsCommit>();
    for (const part of chunks([...new Set(shas)], 500)) {
      const marks = part.map((_, i) => `$${i + 1}`).join(", ");
      const rows = await this.sql.unsafe(
        `SELECT sha, env, status, status_desc, created FROM gitops_commits WHERE sha IN (${marks})`,
        part,
      );
      for (const r of rows) out.set(r.sha, toCommit(r));
    }
    return out;
  }

  async gitopsCommits(limit: number): Promise<GitopsCommit[]> {
    const rows = await this.sql`SELECT sha, env, status, status_desc, created FROM gitops_commits
      ORDER BY created DESC, seq DESC LIMIT ${limit}`;
    return rows.map(toCommit);
  }

  // --- the release-history mirror

  async putReleases(env: string, rows: ReleaseRow[]): Promise<void> {
    const put = async (sql: SQL) => {
      for (const r of rows) {
        await sql`INSERT INTO releases (env, app, gitops_ref, created, rolled_back, repository, blob)
          VALUES (${env}, ${r.app}, ${r.gitopsRef}, ${r.created}, ${r.rolledBack}, ${r.repository}, ${r.blob})
          ON CONFLICT (env, gitops_ref, app) DO UPDATE SET rolled_back = excluded.rolled_back, blob = excluded.blob`;
      }
    };
    // All or nothing: its own transaction, or a savepoint inside the caller's.
    if (this.inTx) await (this.sql as TransactionSQL).savepoint((sp: SQL) => put(sp));
    else await this.sql.begin((tx) => put(tx));
  }

  async clearReleases(env: string): Promise<void> {
    await this.sql`DELETE FROM releases WHERE env = ${env}`;
  }

  async countReleases(env: string): Promise<number> {
    const [r] = await this.sql`SELECT count(*) AS n FROM releases WHERE env = ${env}`;
    return num(r.n);
  }

  async releases(
    f: ReleaseFilter,
  ): Promise<{ blob: string; created: number; rolledBack: boolean; gitopsRef: string }[]> {
    const args: unknown[] = [f.env];
    const where = ["env = $1"];
    const p = (v: unknown) => (args.push(v), `$${args.length}`);
    if (f.app) where.push(`app = ${p(f.app)}`);
    if (f.since !== undefined) where.push(`created >= ${p(f.since)}`);
    if (f.until !== undefined) where.push(`created <= ${p(f.until)}`);
    if (f.repository) where.push(`repository = ${p(f.repository)}`);
    const sql = `SELECT blob, created, rolled_back, gitops_ref FROM releases WHERE ${where.join(" AND ")}
                 ORDER BY created DESC, seq DESC LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}`;
    const rows = await this.sql.unsafe(sql, args);
    return rows.map(toRelease);
  }

  // --- the timeline's own records

  async recordReleaseStep(s: ReleaseStep): Promise<boolean> {
    const rows = await this.sql`INSERT INTO release_steps (event_id, env, app, step, at)
      VALUES (${s.eventId}, ${s.env}, ${s.app}, ${s.step}, ${s.at})
      ON CONFLICT (event_id, env, app, step) DO NOTHING RETURNING event_id`;
    return rows.length > 0;
  }

  async releaseSteps(eventId: string): Promise<ReleaseStep[]> {
    return this.releaseStepsOf([eventId]);
  }

  async releaseStepsOf(eventIds: readonly string[]): Promise<ReleaseStep[]> {
    const out: ReleaseStep[] = [];
    for (const part of chunks([...new Set(eventIds)], 500)) {
      const marks = part.map((_, i) => `$${i + 1}`).join(", ");
      const rows = await this.sql.unsafe(
        `SELECT event_id, env, app, step, at FROM release_steps WHERE event_id IN (${marks})`,
        part,
      );
      for (const r of rows as Record<string, unknown>[]) {
        out.push({
          eventId: r.event_id as string,
          env: r.env as string,
          app: r.app as string,
          step: r.step as ReleaseStepName,
          at: num(r.at),
        });
      }
    }
    return out.sort(stepOrder);
  }

  // --- the agents' last known live state

  async putAgentState(env: string, state: string): Promise<void> {
    await this.sql`INSERT INTO agent_states (env, state, updated) VALUES (${env}, ${state}, ${this.ctx.now()})
      ON CONFLICT (env) DO UPDATE SET state = excluded.state, updated = excluded.updated`;
  }

  async agentState(env: string): Promise<{ state: string; updated: number } | undefined> {
    const [r] = await this.sql`SELECT state, updated FROM agent_states WHERE env = ${env}`;
    return r ? { state: r.state as string, updated: num(r.updated) } : undefined;
  }
}
