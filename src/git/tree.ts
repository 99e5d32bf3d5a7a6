/**
 * Applying a change set at the object level: only the trees on the changed paths are rewritten
 * (an app folder, its env folder, the root), so a write costs the same in a repo of 10 apps or
 * 10,000. No working tree or index is involved; that is what makes the write atomic — nothing is
 * visible until the ref moves.
 */
import git, { type TreeEntry } from "isomorphic-git";
import type { ChangeSet } from "../core/gitops/index.ts";
import type { GitRepo } from "./repo.ts";
import { objectsOf, parseTree } from "./store/objects.ts";
import { entryOid, findEntry, isGitlinkEntry, isTreeEntry } from "./store/tree-diff.ts";

const TREE = "040000";
const FILE = "100644";

/** A mutable picture of the trees along the changed paths; untouched subtrees stay as oids. */
interface Node {
  entries: Map<string, { mode: string; oid?: string; type: "blob" | "tree" | "commit"; node?: Node }>;
}

async function load(repo: GitRepo, oid: string | undefined): Promise<Node> {
  const node: Node = { entries: new Map() };
  if (!oid) return node;
  for (const e of parseTree(objectsOf(repo).read(oid).data)) {
    const mode = e.mode.padStart(6, "0");
    node.entries.set(e.name, {
      mode,
      oid: e.oid,
      type: mode === TREE ? "tree" : mode === "160000" ? "commit" : "blob",
    });
  }
  return node;
}

/** Descends to the folder holding `parts`, loading or creating trees on the way. */
async function descend(repo: GitRepo, root: Node, parts: string[], create: boolean): Promise<Node | undefined> {
  let node = root;
  for (const name of parts) {
    let entry = node.entries.get(name);
    if (entry && entry.type !== "tree") {
      if (!create) return undefined;
      entry = undefined; // a file where a folder must go: the folder wins
    }
    if (!entry) {
      if (!create) return undefined;
      entry = { mode: TREE, type: "tree", node: { entries: new Map() } };
      node.entries.set(name, entry);
    }
    entry.node ??= await load(repo, entry.oid);
    entry.oid = undefined; // rewritten on the way out
    node = entry.node;
  }
  return node;
}

/** One edit of a tree: set `path` to an existing blob or tree, or delete it (no oid). */
export interface TreeEdit {
  path: string;
  oid?: string;
  type?: "blob" | "tree";
}

/** Applies edits in order on top of `baseTree` and returns the new root tree's oid. */
export async function editTree(
  repo: GitRepo,
  baseTree: string | undefined,
  edits: readonly TreeEdit[],
): Promise<string> {
  const root = await load(repo, baseTree);
  for (const edit of edits) {
    const parts = edit.path.split("/").filter(Boolean);
    if (parts.length === 0) {
      root.entries.clear();
      if (edit.oid) for (const [k, v] of (await load(repo, edit.oid)).entries) root.entries.set(k, v);
      continue;
    }
    const parent = await descend(repo, root, parts.slice(0, -1), edit.oid !== undefined);
    if (!edit.oid) parent?.entries.delete(parts.at(-1)!);
    else
      parent!.entries.set(parts.at(-1)!, {
        mode: edit.type === "tree" ? TREE : FILE,
        type: edit.type ?? "blob",
        oid: edit.oid,
      });
  }
  return store(repo, root);
}

/** Writes the change set on top of `baseTree` and returns the new root tree's oid. */
export async function applyChangeSet(repo: GitRepo, baseTree: string | undefined, cs: ChangeSet): Promise<string> {
  const blobs = await Promise.all(
    cs.write.map((f) => git.writeBlob({ fs: repo.fs, gitdir: repo.gitdir, blob: new TextEncoder().encode(f.content) })),
  );
  const edits: TreeEdit[] = [
    ...cs.replace.map((path) => ({ path })),
    ...cs.write.map((f, i) => ({ path: f.path, oid: blobs[i]!, type: "blob" as const })),
  ];
  return editTree(repo, baseTree, edits);
}

/** Writes the trees bottom-up; an emptied folder disappears, as git has no empty trees. */
async function store(repo: GitRepo, node: Node): Promise<string> {
  const tree: TreeEntry[] = [];
  for (const [path, e] of node.entries) {
    if (e.node) {
      if (e.node.entries.size === 0) continue;
      e.oid = await store(repo, e.node);
      if (isEmptyTree(e.oid)) continue;
    }
    tree.push({ mode: e.mode, path, oid: e.oid!, type: e.type });
  }
  return git.writeTree({ fs: repo.fs, gitdir: repo.gitdir, tree });
}

const emptyTreeOid = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
function isEmptyTree(oid: string): boolean {
  return oid === emptyTreeOid;
}

/** The oid of the tree or blob at `path` inside `tree`, or undefined. */
export async function oidAt(
  repo: GitRepo,
  tree: string,
  path: string,
): Promise<{ oid: string; type: string } | undefined> {
  let oid = tree;
  let type = "tree";
  for (const name of path.split("/").filter(Boolean)) {
    if (type !== "tree") return undefined;
    // A byte search of the raw tree: an env folder of a thousand apps is not decoded per lookup.
    const d = objectsOf(repo).read(oid).data;
    const e = findEntry(d, name);
    if (!e) return undefined;
    oid = entryOid(d, e.nul);
    type = isTreeEntry(d, e.at) ? "tree" : isGitlinkEntry(d, e.at) ? "commit" : "blob";
  }
  return { oid, type };
}

/** The text of the file at `path` in `tree`, or undefined. */
export async function readText(repo: GitRepo, tree: string, path: string): Promise<string | undefined> {
  const at = await oidAt(repo, tree, path);
  if (at?.type !== "blob") return undefined;
  const { blob } = await git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid: at.oid, cache: repo.cache });
  return new TextDecoder().decode(blob);
}
