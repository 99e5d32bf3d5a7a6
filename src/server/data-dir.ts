/**
 * Who may serve from the data dir (its owner, permissions and store live in ops/data-dir.ts).
 *
 * One server per data dir: the server holds an exclusive SQLite lock on `serve.lock` for its whole life.
 * SQLite takes it as a POSIX advisory lock (fcntl), which the kernel drops when the process ends in any
 * way, kill -9 included — so there is no stale lock to clean up and no pid-reuse guessing (Bun has no
 * flock API; SQLite's locking is built in and portable). `serve.pid` only names the holder in the
 * refusal message. CLI commands that open gimlet.db with --data-dir take no part in this lock: SQLite
 * WAL lets them write next to a running server.
 */
import { Database } from "bun:sqlite";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserError } from "../core/errors.ts";

export { DataDir, openDataStore, prepareDataDir } from "../ops/data-dir.ts";

export const LOCK_FILE = "serve.lock";
export const PID_FILE = "serve.pid";
export interface ServeLock {
  release(): void;
}

/** Takes the data dir for this server, or refuses with who holds it. */
export function acquireServeLock(dir: string): ServeLock {
  const db = new Database(join(dir, LOCK_FILE), { create: true });
  try {
    // busy_timeout 0: a held lock is an answer, not something to wait for.
    db.exec("PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = DELETE;");
    db.exec(
      "CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, started INTEGER NOT NULL)",
    );
    // The first write in EXCLUSIVE locking mode takes the exclusive lock, kept until close.
    db.query("INSERT OR REPLACE INTO holder (id, pid, started) VALUES (1, ?, ?)").run(process.pid, Date.now());
  } catch (e) {
    db.close();
    if (!/locked|busy/i.test(String(e))) throw e;
    const pid = holderPid(dir);
    throw new UserError(
      `another gimlet serve${pid ? ` (pid ${pid})` : ""} is already serving the data dir ${resolve(dir)}`,
      {
        hint:
          "stop it first, or give this server its own --data-dir; one server per data dir " +
          "(CLI commands with --data-dir work next to it)",
      },
    );
  }
  const pidFile = join(dir, PID_FILE);
  writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 });
  return {
    release() {
      if (holderPid(dir) === process.pid) rmSync(pidFile, { force: true });
      db.close();
    },
  };
}

function holderPid(dir: string): number | undefined {
  const f = join(dir, PID_FILE);
  if (!existsSync(f)) return undefined;
  const n = Number(readFileSync(f, "utf8").trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
