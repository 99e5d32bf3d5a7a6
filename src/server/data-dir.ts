/**
 * The data dir: who may read it, who may serve from it, and opening its store with the credential key.
 *
 * Permissions: it holds the database, hosted repos and the credential key, so it is the owner's only
 * (dir 0700, files 0600). The process umask is narrowed so every file made later (SQLite's -wal/-shm,
 * git objects, packs) is born private, and modes left open by an older version are fixed on start.
 *
 * One server per data dir: the server holds an exclusive SQLite lock on `serve.lock` for its whole life.
 * SQLite takes it as a POSIX advisory lock (fcntl), which the kernel drops when the process ends in any
 * way, kill -9 included — so there is no stale lock to clean up and no pid-reuse guessing (Bun has no
 * flock API; SQLite's locking is built in and portable). `serve.pid` only names the holder in the
 * refusal message. CLI commands that open gimlet.db with --data-dir take no part in this lock: SQLite
 * WAL lets them write next to a running server.
 */
import { Database } from "bun:sqlite";
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserError } from "../core/errors.ts";
import { loadCipher, SqliteStore } from "../store/index.ts";

export const LOCK_FILE = "serve.lock";
export const PID_FILE = "serve.pid";
/** Group and world bits. */
const OPEN_BITS = 0o077;

type Warn = (msg: string) => void;
type Chmod = (path: string, mode: number) => void;

/**
 * Creates the data dir (0700) and makes what is in it owner-only. Only what was found open is
 * walked, so a start over a large, already private data dir costs a few stats.
 */
export function prepareDataDir(dir: string, warn: Warn, chmod: Chmod = chmodSync): void {
  process.umask(OPEN_BITS);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const visit = (path: string, depth: number) => {
    // The data dir itself may be a symlink (to a volume); links inside it are not followed.
    const st = (depth === 0 ? statSync : lstatSync)(path, { throwIfNoEntry: false });
    if (!st || st.isSymbolicLink()) return;
    const open = (st.mode & OPEN_BITS) !== 0;
    if (open) fixMode(path, st.mode & 0o7777, warn, chmod);
    // Below depth 2 (dir/repos/<repo>) only what sits under something that was open is walked.
    if (st.isDirectory() && (open || depth < 2)) {
      for (const name of readdirSync(path)) visit(join(path, name), open ? Math.max(depth, 2) : depth + 1);
    }
  };
  visit(dir, 0);
}

function fixMode(path: string, mode: number, warn: Warn, chmod: Chmod): void {
  try {
    chmod(path, mode & ~OPEN_BITS);
  } catch (e) {
    warn(
      `${path} is readable by others (mode ${mode.toString(8).padStart(4, "0")}) and could not be made private: ` +
        `${(e as Error).message}; chmod -R go-rwx it, or run gimlet as its owner`,
    );
  }
}

export interface ServeLock {
  release(): void;
}

/** Takes the data dir for this server, or refuses with who holds it. */
export function acquireServeLock(dir: string): ServeLock {
  const db = new Database(join(dir, LOCK_FILE), { create: true });
  try {
    // busy_timeout 0: a held lock is an answer, not something to wait for.
    db.exec("PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = DELETE;");
    db.exec("CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, started INTEGER NOT NULL)");
    // The first write in EXCLUSIVE locking mode takes the exclusive lock, kept until close.
    db.query("INSERT OR REPLACE INTO holder (id, pid, started) VALUES (1, ?, ?)").run(process.pid, Date.now());
  } catch (e) {
    db.close();
    if (!/locked|busy/i.test(String(e))) throw e;
    const pid = holderPid(dir);
    throw new UserError(`another gimlet serve${pid ? ` (pid ${pid})` : ""} is already serving the data dir ${resolve(dir)}`, {
      hint: "stop it first, or give this server its own --data-dir; one server per data dir " +
        "(CLI commands with --data-dir work next to it)",
    });
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

/**
 * Opens the data dir's store with its credential key: checks the key, seals plain credentials left by
 * an older version. Every local opener (server and CLI) goes through here.
 */
export function openDataStore(dir: string, warn: Warn, env: Record<string, string | undefined> = process.env): SqliteStore {
  prepareDataDir(dir, warn);
  const store = new SqliteStore(join(dir, "gimlet.db"));
  try {
    const r = store.unlock(loadCipher(dir, { mayCreate: !store.secretsSealed(), env }));
    if (!r.scrubbed) {
      warn(`${r.sealed} stored credentials were encrypted, but old plain copies may remain in ${join(dir, "gimlet.db")}'s ` +
        "free pages: run `sqlite3 gimlet.db VACUUM` with gimlet stopped");
    }
    return store;
  } catch (e) {
    store.close();
    throw e;
  }
}
