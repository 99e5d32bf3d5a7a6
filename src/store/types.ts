/** What the store holds, as plain records. */

export type Role = "admin" | "user" | "flux" | "agent";
export type EventType = "artifact" | "release" | "rollback" | "delete" | "branchDeleted";
export type EventStatus = "new" | "processing" | "processed" | "error";

export interface User {
  id: number;
  login: string;
  role: Role;
  /** For agent (and optionally flux) users: the env they may act on; "" = all. */
  env: string;
  created: number;
}

export interface TokenInfo {
  id: number;
  created: number;
  /** Unix seconds, to the minute; 0 = never used. */
  lastUsed: number;
}

export interface Environment {
  name: string;
  repoUrl: string;
  repoToken: string;
  builtin: boolean;
  repoPerEnv: boolean;
  branch: string;
  created: number;
  /** Where Flux's notification-controller receives webhooks (its receiver server), and the token of the Receiver. */
  fluxReceiverUrl?: string;
  fluxReceiverToken?: string;
}

export interface EventRecord {
  seq: number;
  id: string;
  created: number;
  type: EventType;
  /** The request or artifact, JSON. */
  blob: string;
  status: EventStatus;
  statusDesc: string;
  repository: string;
  branch: string;
  event: string;
  sourceBranch: string;
  targetBranch: string;
  tag: string;
  sha: string;
  artifactId: string;
  gitopsHashes: string[];
  results: unknown[];
  /** Times a worker took the event up; one more than the crashes or lost leases it survived in progress. */
  attempts: number;
  /** The worker that claimed it last ("" if none): only it may record progress or finish the event. */
  leaseOwner: string;
  /** When that claim runs out unless renewed, ms since the epoch (0 = free to take). */
  leaseExpires: number;
}

export interface GitopsCommit {
  sha: string;
  env: string;
  status: string;
  statusDesc: string;
  created: number;
}

export interface ArtifactFilter {
  repository?: string;
  branch?: string;
  event?: string;
  sourceBranch?: string;
  sha?: string[];
  limit?: number;
  offset?: number;
  /** Unix seconds. */
  since?: number;
  until?: number;
}

/** A signed-in browser: the session id itself is never stored, only its hash. */
export interface Session {
  user: User;
  /** The token every state-changing request of this session must carry. */
  csrf: string;
  /** Unix seconds. */
  created: number;
  expires: number;
}

export interface EventFilter {
  limit: number;
  offset?: number;
  type?: EventType;
  status?: EventStatus;
}

/** The steps of a release's timeline that nothing else records (the rest come from the queue, git and Flux). */
/** "flux applied" is keyed by the gitops commit (`gitops:<sha>`): Flux reports per commit, not per request. */
export type ReleaseStepName = "pushed" | "rollout complete" | "rollout failed" | "flux applied";

/** When one step of one app's release happened; the first record of a step stands. */
export interface ReleaseStep {
  /** The queued request that wrote the release. */
  eventId: string;
  env: string;
  app: string;
  step: ReleaseStepName;
  /** Unix seconds. */
  at: number;
}
