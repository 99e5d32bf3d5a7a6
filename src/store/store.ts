/**
 * The Store contract: what the server keeps, as an async interface every backend implements (bun:sqlite
 * today, Postgres next). Callers see typed records and typed errors only — `ConflictError` for a name
 * taken, `NotFoundError` for a missing user or token — never a dialect, a row id or an error text.
 * `contract.ts` is the test suite each implementation must pass.
 *
 * For an implementation (Postgres next): a claim is one atomic statement across connections
 * (`UPDATE … WHERE seq = (SELECT … ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *`);
 * `transaction` must make check-then-write safe between connections (SERIALIZABLE with a retry, or
 * a lock taken first); a unique violation (SQLSTATE 23505) becomes ConflictError; record times are
 * unix seconds and lease times milliseconds, both from the clock the store was opened with, so that
 * tests can move time and every replica compares leases on one scale.
 */
import type { Cipher } from "./secrets.ts";
import type {
  ArtifactFilter,
  Environment,
  EventFilter,
  EventRecord,
  EventStatus,
  EventType,
  GitopsCommit,
  ReleaseStep,
  Role,
  Session,
  TokenInfo,
  User,
} from "./types.ts";

export interface NewEvent {
  id: string;
  type: EventType;
  blob: string;
  repository?: string;
  branch?: string;
  event?: string;
  sourceBranch?: string;
  targetBranch?: string;
  tag?: string;
  sha?: string;
  artifactId?: string;
}

/** Events looked up in bulk: by their own id, and artifact events by the artifact's id. */
export interface EventsOf {
  byId: Map<string, EventRecord>;
  byArtifact: Map<string, EventRecord>;
}

/**
 * A claim on a queued event. `owner` names one worker incarnation and must be unique among live
 * workers: `<node>/<incarnation>`, where the node part is what {@link Store.expireLeases} matches.
 */
export interface Lease {
  owner: string;
  /** How long the claim holds without a renewal, ms. */
  ms: number;
}

/** What proves a claim: the event id and the owner that claimed it (an EventRecord from claimNext fits). */
export interface Held {
  id: string;
  leaseOwner: string;
}

export type FinalStatus = Extract<EventStatus, "processed" | "error">;

export interface ReleaseRow {
  app: string;
  gitopsRef: string;
  created: number;
  rolledBack: boolean;
  repository: string;
  blob: string;
}

export interface ReleaseFilter {
  env: string;
  app?: string;
  limit: number;
  offset: number;
  since?: number;
  until?: number;
  repository?: string;
}

export interface StoredResponse {
  requestHash: string;
  status: number;
  body: string;
}

/**
 * What the server remembers about requests so a retry or a replay does nothing twice. Each kind is
 * bounded by age (`retention` in requests.ts): older rows are not returned, and are pruned on writes.
 */
export interface RequestStore {
  /** The event a webhook delivery id already queued ("" if it queued none), or undefined if it is new. */
  delivery(id: string): Promise<string | undefined>;
  recordDelivery(id: string, eventId: string): Promise<void>;
  /** The response an earlier request with this Idempotency-Key got, per user and route. */
  response(userId: number, route: string, key: string): Promise<StoredResponse | undefined>;
  recordResponse(userId: number, route: string, key: string, res: StoredResponse): Promise<void>;
  /** The artifact stored with this content digest within the de-duplication window. */
  recentArtifact(digest: string): Promise<string | undefined>;
  recordArtifact(digest: string, artifactId: string): Promise<void>;
}

/** Everything a transaction may do: the store without transaction control, unlocking and closing. */
export interface StoreTx {
  readonly requests: RequestStore;

  // --- users and tokens
  /** @throws ConflictError when the login is taken. */
  createUser(login: string, role: Role, env?: string): Promise<User>;
  user(login: string): Promise<User | undefined>;
  /** By login. */
  users(): Promise<User[]>;
  /** Deletes the user with its tokens and idempotency keys. @throws NotFoundError */
  deleteUser(login: string): Promise<void>;
  /** A new token; the plain value is returned once, only its hash is kept. @throws NotFoundError */
  issueToken(login: string): Promise<string>;
  /** A new token, or `token` itself when given (an operator-provided secret, e.g. GIMLET_ADMIN_TOKEN). */
  issueTokenWithId(login: string, token?: string): Promise<{ id: number; token: string }>;
  /** The user's valid tokens, oldest first: ids and times, never a value or a hash. @throws NotFoundError */
  tokens(login: string): Promise<TokenInfo[]>;
  /** Revokes one token; returns whose it was. @throws NotFoundError when no valid token has this id. */
  revokeToken(id: number): Promise<string>;
  /** The user of a valid token (looked up by hash); records the use at most once a minute. */
  authenticate(token: string): Promise<User | undefined>;

  // --- passwords and browser sessions (the dashboard)
  /** Stores a password hash (argon2id, made by the caller); "" removes the password. @throws NotFoundError */
  setPasswordHash(login: string, hash: string): Promise<void>;
  /** The user and their password hash ("" = none set). */
  passwordHash(login: string): Promise<{ user: User; hash: string } | undefined>;
  /** Stores a session by the hash of its id; expired sessions are pruned on the way. */
  createSession(s: { idHash: string; login: string; csrf: string; expires: number }): Promise<void>;
  /** The session with this id hash, unless it expired or its user is gone. */
  session(idHash: string): Promise<Session | undefined>;
  /** Ends one session (logout); false when there was none. */
  deleteSession(idHash: string): Promise<boolean>;
  /** Ends every session of a user; returns how many. */
  deleteSessions(login: string): Promise<number>;

  // --- environments (credentials sealed with the store's cipher)
  /** @throws ConflictError when the name is taken; Error when a credential is given and no cipher is set. */
  createEnv(e: Omit<Environment, "created" | "fluxReceiverUrl" | "fluxReceiverToken">): Promise<Environment>;
  env(name: string): Promise<Environment | undefined>;
  /** By name. */
  envs(): Promise<Environment[]>;
  setReceiver(name: string, url: string, token: string): Promise<void>;
  /**
   * Deletes the env, all or nothing, with what only it gives meaning to: its release-history mirror,
   * its agent's last state, and the users bound to it (their tokens and sessions), which would
   * otherwise act again on a new env of the same name. Returns those users' logins. @throws NotFoundError
   */
  deleteEnv(name: string): Promise<{ users: string[] }>;

  // --- the durable event queue
  /** @throws ConflictError when the id exists. */
  insertEvent(e: NewEvent): Promise<EventRecord>;
  event(id: string): Promise<EventRecord | undefined>;
  artifactEvent(artifactId: string): Promise<EventRecord | undefined>;
  /** The stored ones of `ids` by id, and of `artifactIds` by artifact id, one query per 500 (a history page's). */
  eventsOf(ids: readonly string[], artifactIds: readonly string[]): Promise<EventsOf>;
  /**
   * Claims the oldest event that is new or whose lease expired, counts the attempt and leases it to
   * `lease.owner`. Two claims, from any number of processes, never get the same event while its
   * lease holds.
   */
  claimNext(lease: Lease): Promise<EventRecord | undefined>;
  /** Extends a held lease by `lease.ms` from now; false when the lease was lost (taken over or finished). */
  renewLease(id: string, lease: Lease): Promise<boolean>;
  /** Gives a held event back (it stays `processing`); the next claim takes it at once, as one more attempt. */
  releaseLease(held: Held): Promise<boolean>;
  /**
   * Ends now every lease whose owner starts with `prefix` except `keep`'s: a restarted node takes back
   * what its previous incarnation held without waiting for the leases to run out. Returns how many.
   */
  expireLeases(prefix: string, keep: string): Promise<number>;
  /** Records progress of a held event (a crash keeps what was done); false when the lease was lost. */
  recordProgress(held: Held, gitopsHashes: string[], results: unknown[]): Promise<boolean>;
  /** Ends a held event; false (and nothing written) when the lease was lost. */
  finishEvent(
    held: Held,
    status: FinalStatus,
    desc: string,
    gitopsHashes: string[],
    results: unknown[],
  ): Promise<boolean>;
  /** Events new or in progress. */
  queueDepth(): Promise<number>;
  eventCounts(): Promise<{ type: string; status: string; n: number }[]>;
  /** Queued events of every type, newest first (what the dashboard's activity page lists). */
  events(f: EventFilter): Promise<EventRecord[]>;
  /** Artifact events, newest first; 10 unless a limit is given (an offset alone means no limit). */
  artifacts(f: ArtifactFilter): Promise<EventRecord[]>;

  // --- gitops commit statuses (from Flux events)
  /** Inserts or updates the status; an empty env keeps the one recorded. */
  upsertGitopsCommit(c: Omit<GitopsCommit, "created">): Promise<void>;
  gitopsCommit(sha: string): Promise<GitopsCommit | undefined>;
  /** The recorded ones of `shas`, by sha, in one query per 500 (a history page asks for each row's). */
  gitopsCommitsOf(shas: readonly string[]): Promise<Map<string, GitopsCommit>>;
  /** The newest first (later insert first on equal times). */
  gitopsCommits(limit: number): Promise<GitopsCommit[]>;

  // --- the release-history mirror (rebuildable from git)
  /** Inserts or updates by (env, gitopsRef, app), all or nothing. */
  putReleases(env: string, rows: ReleaseRow[]): Promise<void>;
  clearReleases(env: string): Promise<void>;
  countReleases(env: string): Promise<number>;
  /** Newest first (later insert first on equal times). */
  releases(f: ReleaseFilter): Promise<{ blob: string; created: number; rolledBack: boolean; gitopsRef: string }[]>;

  // --- the timeline's own records (steps nothing else keeps: pushed, Flux applied, rollout complete or failed)
  /** Records a step; false, and nothing changed, when this step of this event's app was recorded before. */
  recordReleaseStep(s: ReleaseStep): Promise<boolean>;
  /** The steps recorded for an event, by time (then env, app, step). */
  releaseSteps(eventId: string): Promise<ReleaseStep[]>;
  /** The steps recorded for any of `eventIds`, in the same order, one query per 500. */
  releaseStepsOf(eventIds: readonly string[]): Promise<ReleaseStep[]>;

  // --- the agents' last known live state (what the dashboard shows, marked stale, after a restart)
  /** Replaces the env's last known state: JSON text the store keeps as it is. */
  putAgentState(env: string, state: string): Promise<void>;
  /** The env's last known state and when it was put (unix seconds). */
  agentState(env: string): Promise<{ state: string; updated: number } | undefined>;
}

export interface Store extends StoreTx {
  /**
   * Runs `fn` in one serializable write transaction: a check and the write it guards cannot
   * interleave with another writer, and a throw undoes every write. Inside, use only `tx` — the outer
   * store waits for the transaction to end (SQLite refuses such a call rather than deadlock).
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Whether credentials were ever sealed here: then only the same key may open this store. */
  secretsSealed(): Promise<boolean>;
  /**
   * Sets the cipher after checking it is the key credentials were sealed with (a wrong key is refused
   * here, as a UserError), and seals credentials still stored in plain text. `scrubbed` is false when
   * old plain copies may remain in the backend's free space.
   */
  unlock(cipher: Cipher): Promise<{ sealed: number; scrubbed: boolean }>;
  close(): Promise<void>;
}
