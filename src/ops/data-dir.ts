/**
 * The data dir and everything in it that the process holds open: the store's path, hosted repos,
 * clones of remote repos, and the repo handles (with their object caches) every use shares. One
 * owner, so a path or a cache is never re-derived or kept in a module global somewhere else.
 *
 * Permissions: it holds the database, hosted repos and the credential key, so it is the owner's only
 * (dir 0700, files 0600). The process umask is narrowed so every file made later (SQLite's -wal/-shm,
 * git objects, packs) is born private, and modes left open by an older version are fixed on start.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  type Dirent,
} from "node:fs";
import { dirname, join } from "node:path";
import { UserError } from "../core/errors.ts";
import {
  dataDirLayout,
  deletedRepoPath,
  hostedRepoPath,
  remoteCachePath,
  type HostedKind,
} from "../core/gitops/index.ts";
import {
  cloneBare,
  GitopsRepo,
  initRepo,
  openRepo,
  quarantinePrefix,
  tmpObjectInfix,
  type GitRepo,
} from "../git/index.ts";
import { loadCipher, openStore, PostgresStore, type Environment, type Store } from "../store/index.ts";

/** Group and world bits. */
const OPEN_BITS = 0o077;

type Warn = (msg: string) => void;
type Chmod = (path: string, mode: number) => void;

export class DataDir {
  readonly dbPath: string;
  readonly reposDir: string;
  readonly cacheDir: string;
  /** Each env's gitops repo, opened once (a remote one is cloned and synced on first use). */
  private readonly gitops = new Map<string, Promise<GitopsRepo>>();
  /** Hosted repos as the git server reads them, one handle (and object cache) per repo. */
  private readonly served = new Map<string, GitRepo>();

  constructor(readonly root: string) {
    this.dbPath = join(root, dataDirLayout.db);
    this.reposDir = join(root, dataDirLayout.repos);
    this.cacheDir = join(root, dataDirLayout.cache);
  }

  /** The bare repo of a builtin env: `<root>/repos/<env>-apps.git`. */
  hostedPath(env: string, kind: HostedKind = "apps"): string {
    return join(this.root, hostedRepoPath(env, kind));
  }

  /** Kept for callers that name it after the `--builtin` flag. */
  builtinPath(env: string): string {
    return this.hostedPath(env);
  }

  /** The bare clone of a remote env's repo: `<root>/cache/<env>`. */
  cachePath(env: string): string {
    return join(this.root, remoteCachePath(env));
  }

  /** Creates the dir (0700) and makes what is in it owner-only. */
  prepare(warn: Warn, chmod: Chmod = chmodSync): void {
    prepareDataDir(this.root, warn, chmod);
  }

  /**
   * Opens the store with its credential key: checks the key, seals plain credentials left by an
   * older version. Every local opener (server and CLI) goes through here.
   */
  async openStore(warn: Warn, env: Record<string, string | undefined> = process.env): Promise<Store> {
    this.prepare(warn);
    const store = await openStore({ kind: "sqlite", path: this.dbPath });
    try {
      const r = await store.unlock(loadCipher(this.root, { mayCreate: !(await store.secretsSealed()), env }));
      if (!r.scrubbed) {
        warn(
          `${r.sealed} stored credentials were encrypted, but old plain copies may remain in ${this.dbPath}'s ` +
            "free pages: run `sqlite3 gimlet.db VACUUM` with gimlet stopped",
        );
      }
      return store;
    } catch (e) {
      await store.close();
      throw e;
    }
  }

  /**
   * Opens the PostgreSQL store that replicas share, with the credential key of this (shared) data
   * dir or GIMLET_ENCRYPTION_KEY; `key: false` leaves the credentials locked (token commands need
   * none). The first opener creates the key under a database lock, so openers starting together
   * never make two. Every opener with a database URL (server and CLI) goes through here.
   */
  async openSharedStore(
    url: string,
    o: { key?: boolean; env?: Record<string, string | undefined> } = {},
  ): Promise<PostgresStore> {
    const store = await PostgresStore.open(url);
    if (o.key === false) return store;
    try {
      await store.exclusive("encryption-key", async () => {
        await store.unlock(loadCipher(this.root, { mayCreate: !(await store.secretsSealed()), env: o.env }));
      });
      return store;
    } catch (e) {
      await store.close();
      throw e;
    }
  }

  /**
   * Creates a bare repo of a builtin env with a first commit; refuses one that exists. The first
   * commit gives Flux a branch to follow at once and lets an admin clone, add and push (no force).
   */
  async createHosted(env: Pick<Environment, "name" | "branch">, kind: HostedKind = "apps"): Promise<string> {
    const path = this.hostedPath(env.name, kind);
    if (existsSync(path))
      throw new UserError(`${path} already exists`, { hint: "remove it, or pick another env name" });
    mkdirSync(this.reposDir, { recursive: true });
    const repo = await initRepo(path, { bare: true, branch: env.branch });
    const g = await GitopsRepo.open(repo, { branch: env.branch });
    const readme =
      kind === "apps"
        ? `# ${env.name}\n\nGitops repository of the ${env.name} environment, written by gimlet.\n`
        : `# ${env.name} infrastructure\n\nInfra gitops repository of the ${env.name} environment: ` +
          "push the output of `gimlet stack bootstrap` and `gimlet stack generate` here.\n";
    await g.writeChangeSet(
      { replace: [], write: [{ path: "README.md", content: readme }] },
      `[Gimlet] Initial commit of the ${env.name} environment`,
    );
    return path;
  }

  /** Kept for callers that name it after the `--builtin` flag. */
  async createBuiltin(env: Pick<Environment, "name" | "branch">): Promise<void> {
    await this.createHosted(env);
  }

  /** Removes the hosted repos this process just made (an env whose creation failed half-way). */
  removeHosted(env: string, kinds: readonly HostedKind[] = ["apps", "infra"]): void {
    this.gitops.delete(env);
    for (const kind of kinds) {
      this.served.delete(this.hostedPath(env, kind));
      rmSync(this.hostedPath(env, kind), { recursive: true, force: true });
    }
  }

  /**
   * Takes a deleted env's repos off the disk: its remote clone always (a cache), its hosted repos
   * removed, or with `keep` moved under `deleted/` where the git server does not look. Returns the
   * paths kept. The handles go first, so nothing in this process writes to a repo being moved.
   */
  retireRepos(env: string, keep: boolean, at: number): string[] {
    this.gitops.delete(env);
    rmSync(this.cachePath(env), { recursive: true, force: true });
    const kept: string[] = [];
    for (const kind of ["apps", "infra"] as const) {
      const path = this.hostedPath(env, kind);
      this.served.delete(path);
      if (!existsSync(path)) continue;
      if (!keep) {
        rmSync(path, { recursive: true, force: true });
        continue;
      }
      const to = join(this.root, deletedRepoPath(env, kind, at));
      mkdirSync(dirname(to), { recursive: true });
      renameSync(path, to);
      kept.push(to);
    }
    return kept;
  }

  /** The env's gitops repo, opened once per process. */
  get(env: Environment): Promise<GitopsRepo> {
    let p = this.gitops.get(env.name);
    if (!p) {
      p = this.load(env);
      this.gitops.set(env.name, p);
      p.catch(() => this.gitops.delete(env.name));
    }
    return p;
  }

  private async load(env: Environment): Promise<GitopsRepo> {
    if (env.builtin) return GitopsRepo.open(openRepo(this.hostedPath(env.name)), { branch: env.branch });
    const dir = this.cachePath(env.name);
    const remote = { url: env.repoUrl, auth: env.repoToken ? { token: env.repoToken } : undefined };
    const repo = existsSync(join(dir, "HEAD")) ? openRepo(dir) : await cloneBare(remote, dir, { branch: env.branch });
    const g = await GitopsRepo.open(repo, { branch: env.branch, push: true, remote });
    await g.sync();
    return g;
  }

  /** A hosted repo for the git server (`<name>` as in `/git/<name>.git`), or undefined when absent. */
  servedRepo(name: string): GitRepo | undefined {
    const path = join(this.reposDir, `${name}.git`);
    let repo = this.served.get(path);
    if (repo) return repo;
    if (!existsSync(join(path, "HEAD"))) return undefined;
    repo = openRepo(path);
    this.served.set(path, repo);
    return repo;
  }

  /**
   * Removes ref locks and push quarantines left by a previous run that was killed mid-write. Only
   * called at startup, when this process (the repos' only writer) holds no lock yet. It must never
   * stop the server from starting: only regular files named `*.lock` are removed (never a directory
   * or a symlink of that name), symlinks are not followed, and what cannot be read is skipped.
   */
  clearStaleLocks(): number {
    let n = 0;
    const remove = (path: string, dir = false) => {
      try {
        rmSync(path, { force: true, recursive: dir });
        n++;
      } catch {
        // unremovable: git will report the lock if it matters
      }
    };
    const walk = (dir: string, depth: number) => {
      if (depth > 64) return;
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const path = join(dir, e.name);
        if (e.isDirectory()) walk(path, depth + 1);
        else if (e.isFile() && e.name.endsWith(".lock")) remove(path);
      }
    };
    for (const base of [this.reposDir, this.cacheDir]) {
      let repos: Dirent[];
      try {
        repos = readdirSync(base, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const repo of repos) {
        if (!repo.isDirectory()) continue;
        const gitdir = join(base, repo.name);
        walk(join(gitdir, "refs"), 0);
        for (const f of ["packed-refs.lock", "HEAD.lock"]) {
          try {
            if (lstatSync(join(gitdir, f)).isFile()) remove(join(gitdir, f));
          } catch {
            // absent
          }
        }
        let objects: Dirent[] = [];
        try {
          objects = readdirSync(join(gitdir, "objects"), { withFileTypes: true });
        } catch {
          // not a repository
        }
        for (const o of objects) {
          if (o.isDirectory() && o.name.startsWith(quarantinePrefix)) remove(join(gitdir, "objects", o.name), true);
          // A loose object a killed run was writing (git/atomic-fs.ts): never renamed into place.
          else if (o.isDirectory() && /^[0-9a-f]{2}$/.test(o.name)) {
            let files: Dirent[] = [];
            try {
              files = readdirSync(join(gitdir, "objects", o.name), { withFileTypes: true });
            } catch {
              continue;
            }
            for (const f of files)
              if (f.isFile() && f.name.includes(tmpObjectInfix)) remove(join(gitdir, "objects", o.name, f.name));
          }
        }
      }
    }
    return n;
  }
}

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

/** Opens the data dir's store with its credential key (see DataDir.openStore). */
export function openDataStore(
  dir: string,
  warn: Warn,
  env: Record<string, string | undefined> = process.env,
): Promise<Store> {
  return new DataDir(dir).openStore(warn, env);
}
