/**
 * Commands that work on a data dir directly (`--data-dir`) instead of through a server: they open
 * the same use cases (ops) the server runs, for one command, on the store `gimlet serve` uses — the
 * data dir's SQLite, or the PostgreSQL of `--database`/GIMLET_DATABASE_URL. They take no part in the
 * serve lock: SQLite's WAL lets them write next to a running server, and replicas on Postgres share
 * the data dir by design.
 */
import { existsSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { UserError } from "../core/errors.ts";
import { DataDir, type OpsDeps } from "../ops/index.ts";
import { openStore, type Store } from "../store/index.ts";
import { databaseFlag, databaseFrom } from "./database.ts";
import { stderr } from "./io.ts";

const warn = (msg: string) => void stderr(`warning: ${msg}\n`);

export const dataDirFlag = {
  "data-dir": {
    type: "string",
    description: "Work directly in this data dir instead of through --server",
    valueHint: "DIR",
  },
  ...databaseFlag,
} as const;

/** A data dir and where its store lives (undefined: the data dir's SQLite). */
export interface Local {
  dataDir: string;
  database?: string;
}

type LocalArgs = { "data-dir"?: string; database?: string };

/** The data dir of `--data-dir`, else GIMLET_DATA_DIR or ./gimlet-data, with its store. */
export function localTarget(args: LocalArgs): Local {
  return { dataDir: args["data-dir"] ?? process.env.GIMLET_DATA_DIR ?? "gimlet-data", database: databaseFrom(args) };
}

/** The local target when `--data-dir` or `--database` asks for one; otherwise the command goes to the server. */
export function localIfAsked(args: LocalArgs): Local | undefined {
  return args["data-dir"] || args.database ? localTarget(args) : undefined;
}

/**
 * Where a command acts: the data dir when `--data-dir` or `--database` is given, else the server when
 * `--server` or GIMLET_SERVER is set, else the default data dir (GIMLET_DATA_DIR or ./gimlet-data).
 */
export function target(args: LocalArgs & { server?: string }): Local | { server: true } {
  const asked = localIfAsked(args);
  if (asked) return asked;
  if (args.server ?? process.env.GIMLET_SERVER) return { server: true };
  return localTarget(args);
}

/**
 * Runs `fn` on the data dir's use cases and closes the store. `key`: open with the credential key
 * (commands that read envs); token commands need none, tokens being hashed, not encrypted.
 * `creates`: the command makes something new (an env, a user), so it may start the store in an
 * existing, empty data dir; every other command needs one `gimlet serve` (or a creator) has made.
 */
export async function withLocalOps<T>(
  where: Local,
  fn: (d: OpsDeps) => T | Promise<T>,
  o: { key?: boolean; creates?: boolean } = {},
): Promise<T> {
  const dataDir = new DataDir(where.dataDir);
  requireDataDir(dataDir, where, !!o.creates);
  let store: Store;
  // openStore makes the data dir's files private itself; the other openers do it here.
  if (o.key && !where.database) store = await dataDir.openStore(warn);
  else {
    dataDir.prepare(warn);
    store = where.database
      ? await dataDir.openSharedStore(where.database, { key: !!o.key })
      : await openStore({ kind: "sqlite", path: dataDir.dbPath });
  }
  try {
    return await fn({ store, repos: dataDir });
  } finally {
    await store.close();
  }
}

/**
 * Refuses, before anything is written, a data dir that is not there: only `gimlet serve` creates
 * one, so a mistyped path or a missing --database never leaves a stray database or key behind.
 */
function requireDataDir(dataDir: DataDir, where: Local, creates: boolean): void {
  const abs = resolve(dataDir.root);
  const fix =
    `pass --data-dir with the data dir of your gimlet serve (or set GIMLET_DATA_DIR), ` +
    `or start \`gimlet serve --data-dir ${dataDir.root}\` first, which creates it`;
  const st = statSync(abs, { throwIfNoEntry: false });
  if (!st) throw new UserError(`the data dir ${abs} does not exist`, { path: "--data-dir", hint: fix });
  if (!st.isDirectory())
    throw new UserError(`the data dir ${abs} is not a directory`, { path: "--data-dir", hint: fix });
  if (where.database || creates || existsSync(dataDir.dbPath)) return;
  throw new UserError(`${abs} is not a gimlet data dir yet: it has no ${basename(dataDir.dbPath)}`, {
    path: "--data-dir",
    hint: `${fix}; with PostgreSQL, pass the server's --database URL (or set GIMLET_DATABASE_URL)`,
  });
}
