/**
 * The gitops repository as the CLI and the release manager use it: every write is one
 * transaction — build commits on the current head, move the branch with compare-and-swap, push;
 * when the push is rejected, fetch, rebuild the same change on the new head and try again with
 * bounded backoff. Never a merge commit; never a lost foreign commit.
 */
import { ConflictError, UserError } from "../core/errors.ts";
import {
  appDir,
  commitMessages,
  deleteChangeSet,
  envDir,
  join,
  releaseChangeSet,
  type ChangeSet,
  type FileChange,
  type Layout,
  type Release,
} from "../core/gitops/index.ts";
import { buildCommit, treeOf, type CommitMeta } from "./commit.ts";
import { HistoryIndex } from "./history-index.ts";
import { releaseHistory, releaseStatus, type HistoryQuery } from "./history.ts";
import { lockOf } from "./mutex.ts";
import { updateBranch } from "./refs.ts";
import { fetchBranch, pushBranch, remoteHead, type Remote } from "./remote.ts";
import { branchHead, currentBranch, type GitRepo } from "./repo.ts";
import { buildRollback, type RollbackRequest } from "./rollback.ts";
import { applyChangeSet } from "./tree.ts";
import { assertClean, syncWorktree, touchedPaths } from "./worktree.ts";

export interface WriteResult {
  /** New commits, oldest first; empty when nothing changed. */
  commits: string[];
  head: string | undefined;
  pushed: boolean;
  /** How many times a rejected push was rebuilt on a newer remote head. */
  retries: number;
}

export interface GitopsRepoOptions {
  branch: string;
  /** Push after each write; `origin` unless `remote` is given. */
  push?: boolean;
  remote?: Remote;
  maxRetries?: number;
  /** Base delay of the exponential backoff between push attempts, ms. */
  backoffMs?: number;
  now?: () => Date;
}

/** Builds commits on `base` and returns the new tip (undefined: nothing to commit). */
type Operation = (base: string | undefined) => Promise<{ tip: string | undefined; commits: string[] }>;

export class GitopsRepo {
  private constructor(
    readonly repo: GitRepo,
    readonly index: HistoryIndex,
    readonly opts: GitopsRepoOptions,
  ) {}

  static async open(repo: GitRepo, opts: Partial<GitopsRepoOptions> = {}): Promise<GitopsRepo> {
    const branch = opts.branch ?? (repo.dir ? await currentBranch(repo) : "main");
    return new GitopsRepo(repo, await HistoryIndex.open(repo), { ...opts, branch });
  }

  get branch(): string {
    return this.opts.branch;
  }

  head(): Promise<string | undefined> {
    return branchHead(this.repo, this.branch);
  }

  /** Replaces `<env>/<app>/` with the rendered files and writes both release.json copies. */
  async writeRelease(
    layout: Layout,
    app: string,
    files: readonly FileChange[],
    release: Release,
    message?: string,
  ): Promise<WriteResult> {
    const cs = releaseChangeSet(layout, app, files, release);
    return this.writeChangeSet(cs, message ?? commitMessages.deploy(layout.env, app));
  }

  async deleteApp(layout: Layout, app: string, message: string): Promise<WriteResult> {
    return this.writeChangeSet(deleteChangeSet(layout, app), message);
  }

  writeChangeSet(cs: ChangeSet, message: string, meta: Omit<CommitMeta, "message"> = {}): Promise<WriteResult> {
    return this.transact(touchedPaths(cs), async (base) => {
      const built = await buildCommit(this.repo, base, (tree) => applyChangeSet(this.repo, tree, cs), {
        message,
        now: this.opts.now,
        ...meta,
      });
      return { tip: built.sha, commits: built.sha ? [built.sha] : [] };
    });
  }

  /** Reverts the app's later commits back to `to` (see rollback.ts), then pushes. */
  rollback(req: RollbackRequest): Promise<WriteResult & { reverted: string[] }> {
    let reverted: string[] = [];
    const paths = [appDir(req, req.app), join(envDir(req), "release.json")];
    return this.transact(paths, async (base) => {
      const plan = await buildRollback(this.repo, this.index, base, { ...req, now: req.now ?? this.opts.now });
      reverted = plan.reverted;
      return { tip: plan.commits.at(-1), commits: plan.commits };
    }).then((r) => ({ ...r, reverted }));
  }

  async history(q: HistoryQuery): Promise<Release[]> {
    const head = await this.head();
    await this.index.update(head);
    return releaseHistory(this.repo, this.index, head, q);
  }

  /** Drops the persisted history index and builds it again from git; returns the commits indexed. */
  async reindex(): Promise<number> {
    return lockOf(this.repo).run(async () => {
      await import("node:fs/promises").then((fs) =>
        fs.rm(`${this.repo.gitdir}/gimlet/history-v1.jsonl`, { force: true }),
      );
      this.index.commits.clear();
      return this.index.update(await this.head());
    });
  }

  async status(q: Layout & { app?: string; gitopsRepo?: string }): Promise<Record<string, Release | null>> {
    return releaseStatus(this.repo, await this.head(), q);
  }

  /** Fetches and fast-forwards the local branch to the remote (server-side caches). */
  async sync(): Promise<string | undefined> {
    return lockOf(this.repo).run(async () => {
      const local = await this.head();
      await fetchBranch(this.repo, this.branch, this.opts.remote);
      const remote = await remoteHead(this.repo, this.branch);
      if (remote && remote !== local) await updateBranch(this.repo, this.branch, local, remote);
      await this.index.update(remote ?? local);
      return remote ?? local;
    });
  }

  private transact(paths: string[], op: Operation): Promise<WriteResult> {
    return lockOf(this.repo).run(async () => {
      const checkedOut = this.repo.dir ? (await currentBranch(this.repo)) === this.branch : false;
      if (checkedOut) await assertClean(this.repo, paths);
      const maxRetries = this.opts.maxRetries ?? 5;
      let retries = 0;
      let base = await this.head();
      let worktreeTree = await treeOf(this.repo, base);
      // After a rebase the working copy also needs what others pushed, not only our paths.
      let rebased = false;
      for (;;) {
        const { tip, commits } = await op(base);
        if (!tip) return { commits: [], head: base, pushed: false, retries };
        try {
          await updateBranch(this.repo, this.branch, base, tip);
        } catch (e) {
          // Another process moved the branch since `base`: rebuild on its head.
          if (!(e instanceof ConflictError) || retries >= maxRetries) throw e;
          retries++;
          base = await this.head();
          continue;
        }
        const tipTree = (await treeOf(this.repo, tip))!;
        if (checkedOut) await syncWorktree(this.repo, worktreeTree, tipTree, rebased ? [""] : paths);
        worktreeTree = tipTree;
        await this.index.update(tip);
        if (!this.opts.push) return { commits, head: tip, pushed: false, retries };
        if ((await pushBranch(this.repo, this.branch, this.opts.remote)) === "pushed")
          return { commits, head: tip, pushed: true, retries };
        if (retries >= maxRetries) {
          throw new ConflictError(`push to ${this.opts.remote?.url ?? "origin"} was rejected ${retries + 1} times`, {
            hint: "another writer keeps pushing; try again, or check for a branch protection rule",
          });
        }
        retries++;
        await sleep((this.opts.backoffMs ?? 100) * 2 ** (retries - 1) * (0.5 + Math.random()));
        await fetchBranch(this.repo, this.branch, this.opts.remote);
        const remote = await remoteHead(this.repo, this.branch);
        if (!remote) throw new UserError(`the remote has no branch ${this.branch} after a rejected push`);
        // Our unpushed commits leave the branch and are rebuilt on the remote's head.
        await updateBranch(this.repo, this.branch, tip, remote);
        base = remote;
        rebased = true;
      }
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
