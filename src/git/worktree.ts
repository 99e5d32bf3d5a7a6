/**
 * Keeping a working copy in step with commits made at the object level: only the paths a change
 * set touched are checked (must be clean before) and rewritten (files and index entries after).
 * Changes elsewhere in the working copy are the user's and are left alone, as `git commit <paths>`
 * would.
 */
import git from "isomorphic-git";
import { createHash } from "node:crypto";
import { lstat, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { UserError } from "../core/errors.ts";
import type { ChangeSet } from "../core/gitops/index.ts";
import type { GitRepo } from "./repo.ts";
import { readIndexEntries } from "./store/git-index.ts";
import { objectsOf, parseCommit, parseTree } from "./store/objects.ts";
import { oidAt } from "./tree.ts";

/** Folders and files a change set touches: what must be clean, and what is rewritten. */
export function touchedPaths(cs: ChangeSet): string[] {
  const paths = new Set<string>(cs.replace.filter(Boolean));
  for (const f of cs.write) if (!cs.replace.some((d) => d === "" || f.path.startsWith(d + "/"))) paths.add(f.path);
  return [...paths];
}

/** Refuses to write over uncommitted or untracked changes in the paths the write touches. */
export async function assertClean(repo: GitRepo, paths: string[]): Promise<void> {
  if (!repo.dir || paths.length === 0) return;
  for (const p of paths) await assertNoSymlink(repo.dir, p);
  if (await provenClean(repo, repo.dir, paths)) return;
  // Something differs, or is out of the fast check's reach: isomorphic-git decides, and names it.
  const rows = await git.statusMatrix({
    fs: repo.fs,
    dir: repo.dir,
    gitdir: repo.gitdir,
    filepaths: paths,
    cache: repo.cache,
  });
  const dirty = rows.filter(([, head, work, stage]) => !(head === 1 && work === 1 && stage === 1)).map(([f]) => f);
  if (dirty.length) {
    throw new UserError(
      `the working copy has uncommitted changes in ${dirty.slice(0, 5).join(", ")}${dirty.length > 5 ? ` and ${dirty.length - 5} more` : ""}`,
      {
        pos: { file: repo.dir },
        hint: "commit or stash them first (git stash -u), then run again",
      },
    );
  }
}

/** Files (path → mode and blob id) under `prefix` in the tree `tree`; undefined on a symlink or submodule. */
function headFiles(
  repo: GitRepo,
  tree: string,
  prefix: string,
): Map<string, { mode: number; oid: string }> | undefined {
  const store = objectsOf(repo);
  const out = new Map<string, { mode: number; oid: string }>();
  let at = { oid: tree, mode: "40000" };
  for (const name of prefix.split("/").filter(Boolean)) {
    if (at.mode !== "40000") return out;
    const e = parseTree(store.read(at.oid).data).find((x) => x.name === name);
    if (!e) return out;
    at = e;
  }
  const add = (oid: string, mode: string, path: string): boolean => {
    if (mode === "40000") return parseTree(store.read(oid).data).every((e) => add(e.oid, e.mode, `${path}/${e.name}`));
    if (mode !== "100644" && mode !== "100755") return false;
    out.set(path, { mode: parseInt(mode, 8), oid });
    return true;
  };
  return add(at.oid, at.mode, prefix) ? out : undefined;
}

/** The blob id git would give the file's bytes. */
const blobOid = (bytes: Uint8Array) => createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");

/**
 * Whether `paths` are provably clean: HEAD, the index and the files agree byte for byte, with no
 * extra file. Reads only those folders. False means "not proven" (a change, or a case it does not
 * handle: index v4, symlinks, conflicts), never "dirty".
 */
async function provenClean(repo: GitRepo, dir: string, paths: string[]): Promise<boolean> {
  let head: string;
  try {
    head = await git.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref: "HEAD" });
  } catch {
    return false; // unborn: let the full check answer
  }
  const tree = parseCommit(objectsOf(repo).read(head).data).tree;
  const indexed = readIndexEntries(join(repo.gitdir, "index"), paths);
  if (!indexed) return false;
  const want = new Map<string, { mode: number; oid: string }>();
  for (const p of paths) {
    const files = headFiles(repo, tree, p);
    if (!files) return false;
    for (const [k, v] of files) want.set(k, v);
  }
  if (indexed.length !== want.size) return false;
  for (const e of indexed) {
    const h = want.get(e.path);
    if (e.stage !== 0 || !h || h.oid !== e.oid || h.mode !== e.mode) return false;
  }
  let seen = 0;
  const check = async (rel: string): Promise<boolean> => {
    const st = await lstat(join(dir, rel)).catch(() => undefined);
    if (!st) return true; // a missing file shows up in the count
    if (st.isDirectory()) {
      for (const name of await readdir(join(dir, rel))) if (!(await check(`${rel}/${name}`))) return false;
      return true;
    }
    const h = want.get(rel);
    if (!st.isFile() || !h) return false;
    if (((st.mode & 0o100) !== 0) !== (h.mode === 0o100755)) return false;
    seen++;
    return blobOid(await readFile(join(dir, rel))) === h.oid;
  };
  for (const p of paths) if (!(await check(p))) return false;
  return seen === want.size;
}

async function listFiles(
  repo: GitRepo,
  tree: string | undefined,
  prefix: string,
): Promise<Map<string, { oid: string; mode: string }>> {
  const out = new Map<string, { oid: string; mode: string }>();
  if (!tree) return out;
  const start = prefix ? await oidAt(repo, tree, prefix) : { oid: tree, type: "tree" };
  if (!start) return out;
  if (start.type === "blob") {
    out.set(prefix, { oid: start.oid, mode: "100644" });
    return out;
  }
  const walkTree = async (oid: string, base: string) => {
    const { tree: entries } = await git.readTree({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
    for (const e of entries) {
      const p = base ? `${base}/${e.path}` : e.path;
      if (e.type === "tree") await walkTree(e.oid, p);
      else if (e.type === "blob") out.set(p, { oid: e.oid, mode: e.mode });
    }
  };
  await walkTree(start.oid, prefix);
  return out;
}

/** Refuses to write through a symlink: a repo must not be able to point our writes outside itself. */
async function assertNoSymlink(dir: string, file: string): Promise<void> {
  const parts = file.split("/");
  for (let i = 1; i <= parts.length; i++) {
    const p = join(dir, ...parts.slice(0, i));
    const st = await lstat(p).catch(() => undefined);
    if (!st) return;
    if (st.isSymbolicLink()) {
      throw new UserError(
        `${parts.slice(0, i).join("/")} is a symlink in the working copy; gimlet never writes through symlinks`,
        {
          pos: { file: dir },
          hint: "replace the symlink with a real folder or file",
        },
      );
    }
  }
}

/** Makes the working files and index under `paths` equal the new tree. */
export async function syncWorktree(
  repo: GitRepo,
  oldTree: string | undefined,
  newTree: string,
  paths: string[],
): Promise<void> {
  const dir = repo.dir;
  if (!dir) return;
  for (const prefix of paths) {
    const [before, after] = await Promise.all([listFiles(repo, oldTree, prefix), listFiles(repo, newTree, prefix)]);
    for (const file of before.keys()) {
      if (after.has(file)) continue;
      await assertNoSymlink(dir, file);
      await rm(join(dir, file), { force: true });
      await git.updateIndex({
        fs: repo.fs,
        dir,
        gitdir: repo.gitdir,
        filepath: file,
        remove: true,
        force: true,
        cache: repo.cache,
      });
    }
    for (const [file, { oid }] of after) {
      if (before.get(file)?.oid === oid) continue;
      const { blob } = await git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
      await assertNoSymlink(dir, file);
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await writeFile(join(dir, file), blob);
      await git.updateIndex({
        fs: repo.fs,
        dir,
        gitdir: repo.gitdir,
        filepath: file,
        oid,
        add: true,
        cache: repo.cache,
      });
    }
  }
}
