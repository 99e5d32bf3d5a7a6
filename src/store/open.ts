/**
 * The one way to open a store: a config names the backend. SQLite (a file) is the default; a
 * Postgres URL serves several replicas, behind the same Store contract.
 */
import type { Cipher } from "./secrets.ts";
import { PostgresStore } from "./postgres.ts";
import { SqliteStore } from "./sqlite.ts";
import type { Store } from "./store.ts";

export type StoreConfig =
  | {
      kind: "sqlite";
      /** The database file (created when missing). */
      path: string;
      /** Seals and opens stored credentials; without one the store refuses to hold any. */
      cipher?: Cipher;
      /** Unix seconds, for tests that move time (record times, retention). */
      now?: () => number;
      /** Milliseconds, for tests that move time (leases). */
      clock?: () => number;
    }
  | {
      kind: "postgres";
      /** postgres://USER:PASSWORD@HOST:PORT/DB */
      url: string;
      cipher?: Cipher;
      now?: () => number;
      clock?: () => number;
      /** Connection pool size (default 10). */
      max?: number;
    };

export async function openStore(config: StoreConfig): Promise<Store> {
  switch (config.kind) {
    case "sqlite":
      return new SqliteStore(config.path, { cipher: config.cipher, now: config.now, clock: config.clock });
    case "postgres":
      return PostgresStore.open(config.url, {
        cipher: config.cipher,
        now: config.now,
        clock: config.clock,
        max: config.max,
      });
  }
}
