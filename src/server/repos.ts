/**
 * The gitops repository of each environment: a bare repo in the data dir for `--builtin` envs
 * (served to Flux by the hosted-repo routes later), or a bare clone of a remote https repo.
 * The server is the only writer; `GitopsRepo` serializes writes per repo.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, type Dirent } from "node:fs";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { cloneBare, GitopsRepo, initRepo, openRepo, quarantinePrefix } from "../git/index.ts";
import type { Environment } from "../store/index.ts";

export class Repos {
  private readonly open = new Map<string, Promise<GitopsRepo>>();
  constructor(readonly dataDir: string) {}

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
    for (const base of [join(this.dataDir, "repos"), join(this.dataDir, "cache")]) {
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
        for (const o of objects) if (o.isDirectory() && o.name.startsWith(quarantinePrefix)) remove(join(gitdir, "objects", o.name), true);
      }
    }
    return n;
  }

  builtinPath(env: string): string {
    return join(this.dataDir, "repos", `${env}-apps.git`);
  }

  /** Creates the bare repo of a builtin env with a first commit. */
  async createBuiltin(env: Environment): Promise<void> {
    const path = this.builtinPath(env.name);
    if (existsSync(path)) throw new UserError(`${path} already exists`);
    mkdirSync(join(this.dataDir, "repos"), { recursive: true });
    const repo = await initRepo(path, { bare: true, branch: env.branch });
    const g = await GitopsRepo.open(repo, { branch: env.branch });
    await g.writeChangeSet(
      { replace: [], write: [{ path: "README.md", content: `# ${env.name}\n\nGitops repository of the ${env.name} environment, written by gimlet.\n` }] },
      `[Gimlet] Initial commit of the ${env.name} environment`,
    );
  }

  get(env: Environment): Promise<GitopsRepo> {
    let p = this.open.get(env.name);
    if (!p) {
      p = this.load(env);
      this.open.set(env.name, p);
      p.catch(() => this.open.delete(env.name));
    }
    return p;
  }

  private async load(env: Environment): Promise<GitopsRepo> {
    if (env.builtin) return GitopsRepo.open(openRepo(this.builtinPath(env.name)), { branch: env.branch });
    const dir = join(this.dataDir, "cache", env.name);
    const remote = { url: env.repoUrl, auth: env.repoToken ? { token: env.repoToken } : undefined };
    const repo = existsSync(join(dir, "HEAD")) ? openRepo(dir) : await cloneBare(remote, dir, { branch: env.branch });
    const g = await GitopsRepo.open(repo, { branch: env.branch, push: true, remote });
    await g.sync();
    return g;
  }
}
