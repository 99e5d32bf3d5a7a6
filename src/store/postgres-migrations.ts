/**
 * The Postgres schema, versioned like migrations.ts (same version numbers and names, so one list
 * tells both stores' history) but in Postgres' dialect: BIGSERIAL for the orders SQLite takes from
 * rowid, BIGINT for lease times in ms. Never edit a shipped one.
 */
import type { Migration } from "./migrations.ts";

export const pgMigrations: Migration[] = [
  {
    version: 1,
    name: "initial",
    sql: `
CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'user', 'flux', 'agent')),
  env TEXT NOT NULL DEFAULT '',
  created BIGINT NOT NULL
);
CREATE TABLE tokens (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  hash TEXT NOT NULL UNIQUE,
  created BIGINT NOT NULL,
  revoked BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE environments (
  name TEXT PRIMARY KEY,
  repo_url TEXT NOT NULL DEFAULT '',
  repo_token TEXT NOT NULL DEFAULT '',
  builtin BOOLEAN NOT NULL DEFAULT false,
  repo_per_env BOOLEAN NOT NULL DEFAULT false,
  branch TEXT NOT NULL DEFAULT 'main',
  created BIGINT NOT NULL
);
CREATE TABLE events (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  created BIGINT NOT NULL,
  type TEXT NOT NULL,
  blob TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'new',
  status_desc TEXT NOT NULL DEFAULT '',
  repository TEXT NOT NULL DEFAULT '',
  branch TEXT NOT NULL DEFAULT '',
  event TEXT NOT NULL DEFAULT '',
  source_branch TEXT NOT NULL DEFAULT '',
  target_branch TEXT NOT NULL DEFAULT '',
  tag TEXT NOT NULL DEFAULT '',
  sha TEXT NOT NULL DEFAULT '',
  artifact_id TEXT NOT NULL DEFAULT '',
  gitops_hashes TEXT NOT NULL DEFAULT '[]',
  results TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX events_status ON events(status, seq);
CREATE INDEX events_artifact ON events(artifact_id);
CREATE INDEX events_repo ON events(type, repository, created);
CREATE TABLE gitops_commits (
  sha TEXT PRIMARY KEY,
  env TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT '',
  status_desc TEXT NOT NULL DEFAULT '',
  created BIGINT NOT NULL,
  seq BIGSERIAL NOT NULL
);
CREATE TABLE key_values (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    name: "release history mirror",
    sql: `
CREATE TABLE releases (
  env TEXT NOT NULL,
  app TEXT NOT NULL,
  gitops_ref TEXT NOT NULL,
  created BIGINT NOT NULL,
  rolled_back BOOLEAN NOT NULL DEFAULT false,
  repository TEXT NOT NULL DEFAULT '',
  blob TEXT NOT NULL,
  seq BIGSERIAL NOT NULL,
  PRIMARY KEY (env, gitops_ref, app)
);
CREATE INDEX releases_env_app ON releases(env, app, created DESC);
`,
  },
  {
    version: 3,
    name: "flux receiver per environment",
    sql: `
ALTER TABLE environments ADD COLUMN flux_receiver_url TEXT NOT NULL DEFAULT '';
ALTER TABLE environments ADD COLUMN flux_receiver_token TEXT NOT NULL DEFAULT '';
`,
  },
  {
    version: 4,
    name: "event attempts (poison events end as error)",
    sql: `ALTER TABLE events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 5,
    name: "token use, webhook deliveries, idempotent requests",
    sql: `
ALTER TABLE tokens ADD COLUMN last_used BIGINT NOT NULL DEFAULT 0;
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  received BIGINT NOT NULL,
  event_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_deliveries_received ON webhook_deliveries(received);
CREATE TABLE idempotency_keys (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  route TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  response TEXT NOT NULL,
  created BIGINT NOT NULL,
  PRIMARY KEY (user_id, route, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created);
CREATE TABLE artifact_digests (
  digest TEXT PRIMARY KEY,
  artifact_id TEXT NOT NULL,
  created BIGINT NOT NULL
);
CREATE INDEX artifact_digests_created ON artifact_digests(created);
`,
  },
  {
    version: 6,
    name: "queue leases (several workers share one queue)",
    sql: `
ALTER TABLE events ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN lease_expires BIGINT NOT NULL DEFAULT 0;
CREATE INDEX events_queue ON events(seq) WHERE status IN ('new', 'processing');
`,
  },
  {
    version: 7,
    name: "agents' last known live state per environment",
    sql: `
CREATE TABLE agent_states (
  env TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  updated BIGINT NOT NULL
);
`,
  },
  {
    version: 8,
    name: "dashboard: passwords and browser sessions",
    sql: `
ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  created BIGINT NOT NULL,
  expires BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires);
`,
  },
  {
    version: 9,
    name: "release steps the timeline records (pushed, rollout complete)",
    sql: `
CREATE TABLE release_steps (
  event_id TEXT NOT NULL,
  env TEXT NOT NULL,
  app TEXT NOT NULL,
  step TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (event_id, env, app, step)
);
`,
  },
];
