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
import { objectsOf, parseCommit, type ObjectStore } from "./store/objects.ts";
import { diffTrees, entryName, entryOid, isTreeEntry } from "./store/tree-diff.ts";

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
    /** The file ends in half a line (a build was cut short): the next append starts a new line. */
    private torn: boolean,
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
    return new HistoryIndex(repo, commits, text.length > 0 && !text.endsWith("\n"));
  }

  /**
   * Indexes every commit reachable from `head` that is not indexed yet; returns how many. Commits
   * are indexed and persisted parents first, in batches: an interrupted build keeps what it wrote,
   * and since an indexed commit's ancestors are all indexed, the next update resumes from there.
   */
  async update(head: string | undefined): Promise<number> {
    if (!head || this.commits.has(head)) return 0;
    const store = this.store();
    store.refresh();
    // Parents before children (a post-order walk), each commit read once.
    const order: { sha: string; raw: ReturnType<typeof parseCommit> }[] = [];
    const read = new Map<string, ReturnType<typeof parseCommit>>();
    const stack = [head];
    const done = new Set<string>();
    while (stack.length) {
      const sha = stack.at(-1)!;
      let raw = read.get(sha);
      if (!raw) {
        raw = parseCommit(store.read(sha).data);
        read.set(sha, raw);
        for (const p of raw.parents) if (!this.commits.has(p) && !read.has(p)) stack.push(p);
        continue;
      }
      stack.pop();
      // A commit pushed by two children is on the stack twice: it goes in once.
      if (!done.has(sha)) {
        done.add(sha);
        order.push({ sha, raw });
      }
    }
    let batch: IndexedCommit[] = [];
    const flush = async () => {
      if (!batch.length) return;
      await mkdir(join(this.repo.gitdir, "gimlet"), { recursive: true });
      const lines = batch.map((c) => JSON.stringify(c) + "\n").join("");
      await appendFile(indexFile(this.repo), this.torn ? "\n" + lines : lines);
      this.torn = false;
      for (const c of batch) this.commits.set(c.sha, c);
      batch = [];
    };
    for (const { sha, raw } of order) {
      const parent = raw.parents[0];
      const parentTree = parent ? (read.get(parent)?.tree ?? this.treeOfCommit(parent)) : undefined;
      const { touched, at } = this.diff(parentTree, raw.tree);
      const c: IndexedCommit = {
        sha,
        parents: raw.parents,
        time: raw.time,
        subject: raw.message.split("\n")[0] ?? "",
        touched,
      };
      if (Object.keys(at).length) c.at = at;
      const reverts = revertedSha(raw.message);
      if (reverts) c.reverts = reverts;
      if (isDeleteMessage(raw.message)) c.isDelete = true;
      batch.push(c);
      if (batch.length >= 1000) await flush();
    }
    await flush();
    return order.length;
  }

  private treeOfCommit(sha: string): string {
    return parseCommit(this.store().read(sha).data).tree;
  }

  /** The fast object reader (isomorphic-git is about ten times slower for a cold index build). */
  private store(): ObjectStore {
    return objectsOf(this.repo);
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

  private treeData(oid: string | undefined): Uint8Array | undefined {
    return oid === undefined ? undefined : this.store().read(oid).data;
  }

  /**
   * Paths that differ between two root trees, to depth two, and the new oids of depth-two folders.
   * Only changed entries are looked at (a byte diff of the raw trees): the env tree of a thousand
   * apps is not decoded per commit.
   */
  private diff(before: string | undefined, after: string): { touched: string[]; at: Record<string, string> } {
    const touched: string[] = [];
    const at: Record<string, string> = {};
    if (before === after) return { touched, at };
    const a = this.treeData(after)!;
    const b = this.treeData(before);
    diffTrees(a, b, (ai, anul, bj, bnul) => {
      const name = ai >= 0 ? entryName(a, ai, anul) : entryName(b!, bj, bnul);
      touched.push(name);
      const xa = ai >= 0 && isTreeEntry(a, ai) ? this.treeData(entryOid(a, anul)) : undefined;
      const xb = bj >= 0 && isTreeEntry(b!, bj) ? this.treeData(entryOid(b!, bnul)) : undefined;
      diffTrees(xa, xb, (ci, cnul, dj, dnul) => {
        const path = `${name}/${ci >= 0 ? entryName(xa!, ci, cnul) : entryName(xb!, dj, dnul)}`;
        touched.push(path);
        if (ci >= 0 && isTreeEntry(xa!, ci)) at[path] = entryOid(xa!, cnul);
      });
    });
    return { touched: touched.sort(), at };
  }
}

/** Whether a commit touched `prefix` ("" = anything, "staging", "staging/web"). */
export function touches(c: IndexedCommit, prefix: string): boolean {
  if (!prefix) return c.touched.length > 0;
  return c.touched.some((p) => p === prefix || p.startsWith(prefix + "/"));
}
