/**
 * An index of which top-level and second-level paths (`<env>`, `<env>/<app>`) each commit touched,
 * so release history never walks `log({filepath})` (100× slower than git). Built once, extended
 * incrementally from any new head, and persisted next to the objects it describes
 * (`<gitdir>/gimlet/history-v1.jsonl`, one commit per line, append-only).
 */
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { isDeleteMessage, revertedSha } from "../core/gitops/index.ts";
import type { GitRepo } from "./repo.ts";
import { ObjectStore, parseCommit, parseTree } from "./store/objects.ts";

export interface IndexedCommit {
  sha: string;
  parents: string[];
  /** Committer time, unix seconds. */
  time: number;
  subject: string;
  /** The sha this commit reverts (git's "This reverts commit <sha>."). */
  reverts?: string;
  isDelete?: boolean;
  /** Changed paths at depth one and two, e.g. ["staging", "staging/web", "staging/release.json"]. */
  touched: string[];
  /** Tree oid of each changed depth-two folder after the commit, so history reads skip the big env tree. */
  at?: Record<string, string>;
}

const indexFile = (repo: GitRepo) => join(repo.gitdir, "gimlet", "history-v1.jsonl");

export class HistoryIndex {
  private constructor(
    private readonly repo: GitRepo,
    readonly commits: Map<string, IndexedCommit>,
  ) {}

  /** Loads the persisted index (or starts empty). */
  static async open(repo: GitRepo): Promise<HistoryIndex> {
    const commits = new Map<string, IndexedCommit>();
    const text = await readFile(indexFile(repo), "utf8").catch(() => "");
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        const c = JSON.parse(line) as IndexedCommit;
        commits.set(c.sha, c);
      } catch {
        // A torn last line after a crash: the commit is simply indexed again.
      }
    }
    return new HistoryIndex(repo, commits);
  }

  /** Indexes every commit reachable from `head` that is not indexed yet; returns how many. */
  async update(head: string | undefined): Promise<number> {
    if (!head) return 0;
    this.store().refresh();
    // Phase 1: read each new commit once. Phase 2: diff it against its first parent's tree.
    const fresh: { c: IndexedCommit; tree: string; message: string }[] = [];
    const trees = new Map<string, string>();
    const stack = [head];
    const queued = new Set(stack);
    while (stack.length) {
      const sha = stack.pop()!;
      if (this.commits.has(sha)) continue;
      const raw = parseCommit(this.store().read(sha).data);
      const commit = { tree: raw.tree, parent: raw.parents, message: raw.message, committer: { timestamp: raw.time } };
      trees.set(sha, commit.tree);
      fresh.push({
        c: { sha, parents: commit.parent, time: commit.committer.timestamp, subject: commit.message.split("\n")[0] ?? "", touched: [] },
        tree: commit.tree,
        message: commit.message,
      });
      for (const p of commit.parent) {
        if (!this.commits.has(p) && !queued.has(p)) {
          queued.add(p);
          stack.push(p);
        }
      }
    }
    for (const { c, tree, message } of fresh) {
      const parent = c.parents[0];
      const parentTree = parent ? (trees.get(parent) ?? (await this.treeOfCommit(parent))) : undefined;
      const { touched, at } = await this.diff(parentTree, tree);
      c.touched = touched;
      if (Object.keys(at).length) c.at = at;
      const reverts = revertedSha(message);
      if (reverts) c.reverts = reverts;
      if (isDeleteMessage(message)) c.isDelete = true;
      this.commits.set(c.sha, c);
    }
    this.treeCache.clear();
    if (fresh.length) {
      await mkdir(join(this.repo.gitdir, "gimlet"), { recursive: true });
      await appendFile(indexFile(this.repo), fresh.map(({ c }) => JSON.stringify(c) + "\n").join(""));
    }
    return fresh.length;
  }

  private async treeOfCommit(sha: string): Promise<string> {
    return parseCommit(this.store().read(sha).data).tree;
  }

  private objects?: ObjectStore;
  /** The fast object reader (isomorphic-git is about ten times slower for a cold index build). */
  private store(): ObjectStore {
    this.objects ??= new ObjectStore(this.repo.gitdir);
    return this.objects;
  }

  /** Commits reachable from `head`, newest first (committer time, like `git log`). */
  *walk(head: string | undefined): Generator<IndexedCommit> {
    if (!head) return;
    const seen = new Set<string>([head]);
    const queue: IndexedCommit[] = [];
    const push = (sha: string) => {
      const c = this.commits.get(sha);
      if (!c) return;
      // insert keeping the queue sorted by time, newest last (pop is O(1))
      let i = queue.length;
      while (i > 0 && queue[i - 1]!.time > c.time) i--;
      queue.splice(i, 0, c);
    };
    push(head);
    while (queue.length) {
      const c = queue.pop()!;
      yield c;
      for (const p of c.parents) {
        if (!seen.has(p)) {
          seen.add(p);
          push(p);
        }
      }
    }
  }

  /** Parsed trees by oid: consecutive commits share most trees, so each is parsed about once. */
  private readonly treeCache = new Map<string, Map<string, { oid: string; type: string }>>();

  private async readEntries(oid: string | undefined): Promise<Map<string, { oid: string; type: string }>> {
    if (!oid) return new Map();
    const hit = this.treeCache.get(oid);
    if (hit) return hit;
    const m = new Map<string, { oid: string; type: string }>();
    for (const e of parseTree(this.store().read(oid).data)) m.set(e.name, { oid: e.oid, type: e.mode === "40000" ? "tree" : e.mode === "160000" ? "commit" : "blob" });
    if (this.treeCache.size >= 64) this.treeCache.delete(this.treeCache.keys().next().value!);
    this.treeCache.set(oid, m);
    return m;
  }

  /** Paths that differ between two root trees, to depth two, and the new oids of depth-two folders. */
  private async diff(before: string | undefined, after: string): Promise<{ touched: string[]; at: Record<string, string> }> {
    const [a, b] = await Promise.all([this.readEntries(before), this.readEntries(after)]);
    const touched: string[] = [];
    const at: Record<string, string> = {};
    for (const name of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(name);
      const y = b.get(name);
      if (x?.oid === y?.oid) continue;
      touched.push(name);
      const [xa, yb] = await Promise.all([this.readEntries(x?.type === "tree" ? x.oid : undefined), this.readEntries(y?.type === "tree" ? y.oid : undefined)]);
      for (const child of new Set([...xa.keys(), ...yb.keys()])) {
        const after = yb.get(child);
        if (xa.get(child)?.oid === after?.oid) continue;
        touched.push(`${name}/${child}`);
        if (after?.type === "tree") at[`${name}/${child}`] = after.oid;
      }
    }
    return { touched: touched.sort(), at };
  }
}

/** Whether a commit touched `prefix` ("" = anything, "staging", "staging/web"). */
export function touches(c: IndexedCommit, prefix: string): boolean {
  if (!prefix) return c.touched.length > 0;
  return c.touched.some((p) => p === prefix || p.startsWith(prefix + "/"));
}
