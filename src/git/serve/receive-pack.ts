/**
 * receive-pack over smart HTTP: index the pushed pack, check connectivity, then move each ref
 * with compare-and-swap under git's lock protocol, refusing non-fast-forward updates. Reports per
 * ref on side-band channel 1. Reference: shared/reference/git-protocol.md §6.
 */
import git from "isomorphic-git";
import { createHash } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { concatBytes, flushPkt, parsePktLines, pktLine, pktText } from "../pktline.ts";
import { updateRef } from "../refs.ts";
import type { GitRepo } from "../repo.ts";
import { agent, storeOf } from "./upload-pack.ts";
import { listRefs } from "./refs.ts";

const zero = "0".repeat(40);

export async function advertiseReceivePack(repo: GitRepo): Promise<Uint8Array> {
  const caps = `report-status delete-refs side-band-64k quiet ofs-delta no-thin object-format=sha1 ${agent}`;
  const refs = await listRefs(repo);
  const lines = refs.length ? refs.map((r) => `${r.oid} ${r.name}`) : [`${zero} capabilities^{}`];
  return concatBytes([pktLine("# service=git-receive-pack\n"), flushPkt, ...lines.map((l, i) => pktLine(i === 0 ? `${l}\0${caps}\n` : `${l}\n`)), flushPkt]);
}

/** git check-ref-format, the parts that matter for a server. */
export function validRefName(ref: string): boolean {
  if (!ref.startsWith("refs/") || ref.endsWith("/") || ref.endsWith(".") || ref.endsWith(".lock") || ref.includes("..") || ref.includes("@{")) return false;
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return false;
  return ref.split("/").every((c) => c.length > 0 && !c.startsWith("."));
}

interface Command {
  old: string;
  next: string;
  ref: string;
}

export async function receivePack(repo: GitRepo, body: Uint8Array): Promise<Uint8Array> {
  const { pkts, rest } = parsePktLines(body.subarray(0, Math.max(0, indexOfPack(body))));
  void rest;
  const commands: Command[] = [];
  const caps = new Set<string>();
  for (const p of pkts) {
    if (p === null) break;
    const line = pktText(p);
    const [cmd, capText] = line.split("\0") as [string, string | undefined];
    capText?.trim().split(" ").forEach((c) => caps.add(c));
    const [old, next, ref] = cmd.trim().split(" ");
    if (old && next && ref) commands.push({ old, next, ref });
  }
  if (commands.length === 0) return new Uint8Array();
  const packStart = indexOfPack(body);
  const report: string[] = [];
  let unpack = "ok";
  let packOids = new Set<string>();
  if (packStart < body.length) {
    try {
      packOids = await storePack(repo, body.subarray(packStart));
    } catch (e) {
      unpack = `error ${(e as Error).message}`;
    }
  }
  report.push(`unpack ${unpack}`);
  for (const c of commands) report.push(unpack === "ok" ? await apply(repo, c, packOids) : `ng ${c.ref} unpacker error`);
  const inner = concatBytes([...report.map((l) => pktLine(`${l}\n`)), flushPkt]);
  if (!caps.has("side-band-64k")) return inner;
  return concatBytes([pktLine(concatBytes([Uint8Array.of(1), inner])), flushPkt]);
}

function indexOfPack(body: Uint8Array): number {
  // Commands are pkt-lines up to a flush; the raw pack follows.
  let i = 0;
  while (i + 4 <= body.length) {
    const len = parseInt(new TextDecoder().decode(body.subarray(i, i + 4)), 16);
    if (Number.isNaN(len)) return i;
    if (len === 0) return i + 4;
    i += len;
  }
  return body.length;
}

async function storePack(repo: GitRepo, pack: Uint8Array): Promise<Set<string>> {
  if (new TextDecoder().decode(pack.subarray(0, 4)) !== "PACK") throw new Error("not a pack");
  const trailer = Buffer.from(pack.subarray(pack.length - 20)).toString("hex");
  const sum = createHash("sha1").update(pack.subarray(0, pack.length - 20)).digest("hex");
  if (sum !== trailer) throw new Error("pack checksum mismatch");
  const count = new DataView(pack.buffer, pack.byteOffset).getUint32(8);
  if (count === 0) return new Set();
  const dir = join(repo.gitdir, "objects", "pack");
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `tmp-${process.pid}-${Date.now()}.pack`);
  await writeFile(tmp, pack);
  const final = join(dir, `pack-${trailer}.pack`);
  await rename(tmp, final);
  try {
    const { oids } = await git.indexPack({ fs: repo.fs, dir: repo.gitdir, gitdir: repo.gitdir, filepath: `objects/pack/pack-${trailer}.pack`, cache: repo.cache });
    storeOf(repo).refresh();
    return new Set(oids);
  } catch (e) {
    await rm(final, { force: true });
    throw e;
  }
}

async function apply(repo: GitRepo, c: Command, packOids: Set<string>): Promise<string> {
  if (!validRefName(c.ref)) return `ng ${c.ref} funny refname`;
  const current = (await listRefs(repo)).find((r) => r.name === c.ref)?.oid ?? zero;
  if (current !== c.old) return `ng ${c.ref} failed to update ref`;
  if (c.next === zero) {
    const head = await git.currentBranch({ fs: repo.fs, gitdir: repo.gitdir, fullname: true }).catch(() => undefined);
    if (head === c.ref) return `ng ${c.ref} deletion of the current branch prohibited`;
    try {
      await git.deleteRef({ fs: repo.fs, gitdir: repo.gitdir, ref: c.ref });
      return `ok ${c.ref}`;
    } catch {
      return `ng ${c.ref} failed to delete`;
    }
  }
  if (!storeOf(repo).has(c.next)) return `ng ${c.ref} bad pack`;
  if (!(await connected(repo, c.next, packOids))) return `ng ${c.ref} missing necessary objects`;
  if (c.old !== zero) {
    const ff = await git.isDescendent({ fs: repo.fs, gitdir: repo.gitdir, oid: c.next, ancestor: c.old, depth: -1, cache: repo.cache }).catch(() => false);
    if (!ff) return `ng ${c.ref} non-fast-forward`;
  }
  try {
    await updateRef(repo, c.ref, c.old === zero ? undefined : c.old, c.next);
    return `ok ${c.ref}`;
  } catch {
    return `ng ${c.ref} failed to update ref`;
  }
}

/** Everything reachable from `oid` through objects of this push exists. */
async function connected(repo: GitRepo, oid: string, fresh: Set<string>): Promise<boolean> {
  const stack = [oid];
  const seen = new Set<string>();
  while (stack.length) {
    const o = stack.pop()!;
    if (seen.has(o)) continue;
    seen.add(o);
    if (!storeOf(repo).has(o)) return false;
    if (!fresh.has(o) && o !== oid) continue;
    const obj = await git.readObject({ fs: repo.fs, gitdir: repo.gitdir, oid: o, cache: repo.cache });
    if (obj.type === "commit") {
      const c = (await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid: o, cache: repo.cache })).commit;
      stack.push(c.tree, ...c.parent);
    } else if (obj.type === "tree") {
      const t = (await git.readTree({ fs: repo.fs, gitdir: repo.gitdir, oid: o, cache: repo.cache })).tree;
      for (const e of t) if (e.mode !== "160000") stack.push(e.oid);
    } else if (obj.type === "tag") {
      stack.push((await git.readTag({ fs: repo.fs, gitdir: repo.gitdir, oid: o, cache: repo.cache })).tag.object);
    }
  }
  return true;
}
