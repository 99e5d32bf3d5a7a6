/**
 * Row → record mappers and small checks both stores share: SQLite and Postgres name the columns
 * alike, and `Number()` evens out what differs (Postgres hands BIGINT back as a string).
 */
import type { Lease } from "./store.ts";
import type {
  Environment,
  EventRecord,
  EventStatus,
  EventType,
  GitopsCommit,
  ReleaseStep,
  Role,
  User,
} from "./types.ts";

export type Row = Record<string, unknown>;

export const num = (v: unknown): number => Number(v);

export function toUser(r: Row): User {
  return {
    id: num(r.id),
    login: r.login as string,
    role: r.role as Role,
    env: r.env as string,
    created: num(r.created),
  };
}

export function toEvent(r: Row): EventRecord {
  return {
    seq: num(r.seq),
    id: r.id as string,
    created: num(r.created),
    type: r.type as EventType,
    blob: r.blob as string,
    status: r.status as EventStatus,
    statusDesc: r.status_desc as string,
    repository: r.repository as string,
    branch: r.branch as string,
    event: r.event as string,
    sourceBranch: r.source_branch as string,
    targetBranch: r.target_branch as string,
    tag: r.tag as string,
    sha: r.sha as string,
    artifactId: r.artifact_id as string,
    gitopsHashes: JSON.parse(r.gitops_hashes as string) as string[],
    results: JSON.parse(r.results as string) as unknown[],
    attempts: num(r.attempts),
    leaseOwner: r.lease_owner as string,
    leaseExpires: num(r.lease_expires),
  };
}

/** The row as stored: its credentials still sealed (see openEnv in credentials.ts). */
export function toEnv(r: Row): Environment {
  return {
    name: r.name as string,
    repoUrl: r.repo_url as string,
    repoToken: r.repo_token as string,
    builtin: !!r.builtin,
    repoPerEnv: !!r.repo_per_env,
    branch: r.branch as string,
    created: num(r.created),
    fluxReceiverUrl: (r.flux_receiver_url as string) ?? "",
    fluxReceiverToken: (r.flux_receiver_token as string) ?? "",
  };
}

export function toCommit(r: Row): GitopsCommit {
  return {
    sha: r.sha as string,
    env: r.env as string,
    status: r.status as string,
    statusDesc: r.status_desc as string,
    created: num(r.created),
  };
}

export function toRelease(r: Row): { blob: string; created: number; rolledBack: boolean; gitopsRef: string } {
  return {
    blob: r.blob as string,
    created: num(r.created),
    rolledBack: !!r.rolled_back,
    gitopsRef: r.gitops_ref as string,
  };
}

export function checkLease(lease: Lease): void {
  if (!lease.owner) throw new Error("a lease needs an owner");
  if (!(lease.ms > 0)) throw new Error(`a lease lasts a positive number of ms, got ${lease.ms}`);
}

/** `xs` in runs of at most `n`: an `IN (…)` list stays within the drivers' parameter limits. */
/** Release steps by time, then env, app and step (code-point order, as SQLite compares text). */
export function stepOrder(a: ReleaseStep, b: ReleaseStep): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return a.at - b.at || text(a.env, b.env) || text(a.app, b.app) || text(a.step, b.step);
}

export function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
