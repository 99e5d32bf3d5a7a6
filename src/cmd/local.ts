/**
 * Commands that work on a data dir directly (`--data-dir`) instead of through a server: they open
 * the same use cases (ops) the server runs, for one command.
 */
import { DataDir, type OpsDeps } from "../ops/index.ts";
import { openStore, type Store } from "../store/index.ts";
import { stderr } from "./io.ts";

const warn = (msg: string) => void stderr(`warning: ${msg}\n`);

export const dataDirFlag = {
  "data-dir": {
    type: "string",
    description: "Work directly in this data dir instead of through --server",
    valueHint: "DIR",
  },
} as const;

/**
 * Where a command acts: `--data-dir` when given, else the server when `--server` or GIMLET_SERVER is
 * set, else the default data dir (GIMLET_DATA_DIR or ./gimlet-data).
 */
export function target(args: { "data-dir"?: string; server?: string }): { dataDir: string } | { server: true } {
  if (args["data-dir"]) return { dataDir: args["data-dir"] };
  if (args.server ?? process.env.GIMLET_SERVER) return { server: true };
  return { dataDir: process.env.GIMLET_DATA_DIR ?? "gimlet-data" };
}

/**
 * Runs `fn` on the data dir's use cases and closes the store. `key`: open with the credential key
 * (commands that read envs); token commands need none, tokens being hashed, not encrypted.
 */
export async function withLocalOps<T>(
  dir: string,
  fn: (d: OpsDeps) => T | Promise<T>,
  o: { key?: boolean } = {},
): Promise<T> {
  const dataDir = new DataDir(dir);
  let store: Store;
  if (o.key) store = await dataDir.openStore(warn);
  else {
    dataDir.prepare(warn);
    store = await openStore({ kind: "sqlite", path: dataDir.dbPath });
  }
  try {
    return await fn({ store, repos: dataDir });
  } finally {
    await store.close();
  }
}
