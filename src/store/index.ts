/** @module Persistence: the SQLite store (users, tokens, envs, the event queue, gitops commit statuses). */
export { SqliteStore, hashToken, newToken, type NewEvent } from "./sqlite.ts";
export { retention, type RequestLog, type StoredResponse } from "./requests.ts";
export type { ArtifactFilter, Environment, EventRecord, EventStatus, EventType, GitopsCommit, Role, TokenInfo, User } from "./types.ts";
export { Cipher, KEY_ENV, KEY_FILE, loadCipher, parseKey } from "./secrets.ts";
