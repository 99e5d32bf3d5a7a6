/** @module Persistence: the Store contract (users, tokens, envs, the leased event queue, gitops statuses, release mirror). */
export type {
  FinalStatus,
  Held,
  Lease,
  NewEvent,
  ReleaseFilter,
  ReleaseRow,
  RequestStore,
  Store,
  StoreTx,
  StoredResponse,
} from "./store.ts";
export { openStore, type StoreConfig } from "./open.ts";
export { defaultLeaseMs, LeaseKeeper, leaseOwner, nodePrefix } from "./lease.ts";
export { SqliteStore } from "./sqlite.ts";
export { checkGivenToken, hashToken, newToken } from "./tokens.ts";
export { PostgresStore, redact as redactDatabaseUrl } from "./postgres.ts";
export { retention } from "./requests.ts";
export type {
  ArtifactFilter,
  Environment,
  EventFilter,
  EventRecord,
  EventStatus,
  EventType,
  GitopsCommit,
  ReleaseStep,
  ReleaseStepName,
  Role,
  Session,
  TokenInfo,
  User,
} from "./types.ts";
export { Cipher, KEY_ENV, KEY_FILE, loadCipher, parseKey } from "./secrets.ts";
