/**
 * The object checks git runs on receive (`receive.fsckObjects`, fsck.c): a pushed tree that git
 * would refuse to check out, or a commit or tag it could not parse, is refused with the path named.
 */
import type { RawObject } from "../store/objects.ts";

export class FsckError extends Error {
  override name = "FsckError";
}

const modes = new Set(["100644", "100755", "120000", "40000", "160000"]);

/** ".git" in any case, and the spellings Windows and macOS file systems treat as ".git". */
function isDotGit(name: string): boolean {
  const n = name.toLowerCase().replace(/[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g, "");
  return n === ".git" || /^\.git[ .]+$/.test(n) || n === "git~1";
}

/** What is wrong with a non-empty entry name (checkTree refuses empty ones first, naming the tree). */
function treeEntryProblem(name: string): string | undefined {
  if (name === "." || name === "..") return `the name ${JSON.stringify(name)}`;
  if (isDotGit(name)) return `the name ${JSON.stringify(name)}, which git refuses to check out`;
  if (name.includes("/")) return `a name containing "/" (${JSON.stringify(name)})`;
  return undefined;
}

/** Git's tree order: bytewise by name, a tree's name compared as if it ended in "/". */
function sortKey(name: Uint8Array, isTree: boolean): Uint8Array {
  if (!isTree) return name;
  const k = new Uint8Array(name.length + 1);
  k.set(name);
  k[name.length] = 0x2f;
  return k;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export interface CheckedEntry {
  mode: string;
  name: string;
  oid: string;
}

/** The entries of a pushed tree; throws FsckError naming `where` (a path, or the tree's id). */
export function checkTree(data: Uint8Array, where: string): CheckedEntry[] {
  const out: CheckedEntry[] = [];
  const dec = new TextDecoder();
  let prev: Uint8Array | undefined;
  const names = new Set<string>();
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    const nul = sp < 0 ? -1 : data.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > data.length) throw new FsckError(`malformed tree ${where}`);
    const mode = dec.decode(data.subarray(i, sp));
    const rawName = data.subarray(sp + 1, nul);
    const name = dec.decode(rawName);
    const path = where.endsWith("/") ? `${where}${name}` : `${where}/${name}`;
    if (!modes.has(mode))
      throw new FsckError(`tree ${where}: bad file mode ${JSON.stringify(mode)} of ${JSON.stringify(path)}`);
    if (name === "") throw new FsckError(`pushed tree ${JSON.stringify(where)} has an entry with an empty name`);
    const problem = treeEntryProblem(name);
    if (problem) throw new FsckError(`bad path ${JSON.stringify(path)} in a pushed tree: ${problem}`);
    const key = sortKey(rawName, mode === "40000");
    if (names.has(name)) throw new FsckError(`tree ${where}: duplicate entry ${JSON.stringify(path)}`);
    if (prev && compareBytes(prev, key) >= 0)
      throw new FsckError(`tree ${where}: entries not sorted at ${JSON.stringify(path)}`);
    names.add(name);
    prev = key;
    out.push({ mode, name, oid: Buffer.from(data.subarray(nul + 1, nul + 21)).toString("hex") });
    i = nul + 21;
  }
  return out;
}

const hex40 = "[0-9a-f]{40}";
const commitRe = new RegExp(`^tree (${hex40})\\n((?:parent ${hex40}\\n)*)author [^\\n]*\\ncommitter [^\\n]*\\n`);
const tagRe = new RegExp(`^object (${hex40})\\ntype (commit|tree|blob|tag)\\ntag [^\\n]+\\n`);

/** A pushed commit's tree and parents; throws FsckError when git could not parse it. */
export function checkCommit(data: Uint8Array, oid: string): { tree: string; parents: string[] } {
  const m = commitRe.exec(new TextDecoder().decode(data.subarray(0, Math.min(data.length, 64 * 1024))));
  if (!m) throw new FsckError(`commit ${oid} is malformed (want tree, parent, author and committer lines)`);
  return {
    tree: m[1]!,
    parents: m[2]!
      .split("\n")
      .filter(Boolean)
      .map((l) => l.slice(7)),
  };
}

/** A pushed tag's target and its declared type. */
export function checkTag(data: Uint8Array, oid: string): { object: string; type: string } {
  const m = tagRe.exec(new TextDecoder().decode(data.subarray(0, Math.min(data.length, 64 * 1024))));
  if (!m) throw new FsckError(`tag ${oid} is malformed (want object, type and tag lines)`);
  return { object: m[1]!, type: m[2]! };
}

/** A child of a pushed object: the type it must have and the path it sits at. */
export interface Child {
  oid: string;
  type?: string;
  path: string;
}

/** A pushed object, checked once: its type and its children as seen from any path it is reached at. */
export interface CheckedObject {
  type: RawObject["type"];
  children(path: string): Child[];
}

/** Checks a pushed object (errors name `path`) and keeps what later walks need, so none reads it again. */
export function checkObject(o: RawObject, oid: string, path: string): CheckedObject {
  if (o.type === "commit") {
    const c = checkCommit(o.data, oid);
    const children = [
      { oid: c.tree, type: "tree", path: "/" },
      ...c.parents.map((p) => ({ oid: p, type: "commit", path: `${p} (parent of ${oid})` })),
    ];
    return { type: o.type, children: () => children };
  }
  if (o.type === "tree") {
    const entries = checkTree(o.data, path).filter((e) => e.mode !== "160000");
    return {
      type: o.type,
      children: (at) =>
        entries.map((e) => ({
          oid: e.oid,
          type: e.mode === "40000" ? "tree" : "blob",
          path: `${at === "/" ? "" : at}/${e.name}`,
        })),
    };
  }
  if (o.type === "tag") {
    const t = checkTag(o.data, oid);
    const children = [{ oid: t.object, type: t.type, path: `${t.object} (tagged by ${oid})` }];
    return { type: o.type, children: () => children };
  }
  return { type: o.type, children: () => [] };
}
