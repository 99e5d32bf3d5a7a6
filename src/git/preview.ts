/**
 * What a write would change, without moving any ref: the files under some paths at a commit, and
 * the tree a rollback would leave. A rollback preview builds the same revert commits the real one
 * does (unreferenced objects, which git's gc prunes), so it fails with the same conflicts.
 */
import { appDir, envDir, join } from "../core/gitops/index.ts";
import { treeOf } from "./commit.ts";
import type { GitopsRepo } from "./gitops-repo.ts";
import { lockOf } from "./mutex.ts";
import type { GitRepo } from "./repo.ts";
import { buildRollback, type RollbackRequest } from "./rollback.ts";
import { objectsOf, parseTree } from "./store/objects.ts";
import { oidAt } from "./tree.ts";

/** Every file under each of `paths` (a file or a folder) in `commit`'s tree: repo path → text. */
export async function filesAt(
  repo: GitRepo,
  commit: string | undefined,
  paths: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const tree = await treeOf(repo, commit);
  if (!tree) return out;
  // The repo's own object reader: native zlib and its shared cache, not isomorphic-git's.
  const objects = objectsOf(repo);
  const read = (oid: string) => new TextDecoder().decode(objects.read(oid).data);
  const walk = (oid: string, base: string): void => {
    for (const e of parseTree(objects.read(oid).data)) {
      const p = join(base, e.name);
      if (e.mode === "40000") walk(e.oid, p);
      else if (e.mode !== "160000") out.set(p, read(e.oid));
    }
  };
  for (const path of paths) {
    const at = path ? await oidAt(repo, tree, path) : { oid: tree, type: "tree" };
    if (!at) continue;
    if (at.type === "tree") walk(at.oid, path);
    else if (at.type === "blob") out.set(path, read(at.oid));
  }
  return out;
}

export interface RollbackPreview {
  head: string | undefined;
  before: Map<string, string>;
  after: Map<string, string>;
  /** The commits the rollback would revert, newest first. */
  reverted: string[];
}

/** The app's files now and after rolling back to `req.to`; the branch does not move. */
export function previewRollback(g: GitopsRepo, req: RollbackRequest): Promise<RollbackPreview> {
  // Under the repo's lock, as a write: the history index is brought up to date on the way.
  return lockOf(g.repo).run(() => preview(g, req));
}

async function preview(g: GitopsRepo, req: RollbackRequest): Promise<RollbackPreview> {
  const head = await g.head();
  const plan = await buildRollback(g.repo, g.index, head, req);
  const paths = [appDir(req, req.app), join(envDir(req), "release.json")];
  const before = await filesAt(g.repo, head, paths);
  const after = plan.commits.length ? await filesAt(g.repo, plan.commits.at(-1), paths) : before;
  return { head, before, after, reverted: plan.reverted };
}
