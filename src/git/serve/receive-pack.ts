/**
 * receive-pack over smart HTTP: the pushed pack is indexed and checked in quarantine (every
 * object readable and matching its id, trees as git's fsck wants them), each new tip must connect
 * to objects already accepted, and only then does the pack join the repository and each ref move
 * with compare-and-swap under git's lock protocol, refusing non-fast-forward updates. A push that
 * moves no ref leaves nothing behind. Reports per ref on side-band channel 1.
 * Reference: shared/reference/git-protocol.md §6.
 */
import git from "isomorphic-git";
import { concatBytes } from "../../core/bytes.ts";
import { flushPkt, pktLengthAt, pktLine, pktText, ProtocolError } from "../pktline.ts";
import { updateRef } from "../refs.ts";
import { refFormatProblem } from "../refname.ts";
import type { GitRepo } from "../repo.ts";
import { parseCommit, type ObjectReader } from "../store/objects.ts";
import { type CheckedObject, checkObject, FsckError } from "./fsck.ts";
import { Budget, defaultLimits, LimitError, type GitLimits } from "./limits.ts";
import { overlay, Quarantine, UnpackError } from "./quarantine.ts";
import { listRefs } from "./refs.ts";
import { agent, storeOf } from "./upload-pack.ts";

export { validRefName } from "../refname.ts";

const zero = "0".repeat(40);

export async function advertiseReceivePack(repo: GitRepo): Promise<Uint8Array> {
  const caps = `report-status delete-refs side-band-64k quiet ofs-delta no-thin object-format=sha1 ${agent}`;
  const refs = await listRefs(repo);
  const lines = refs.length ? refs.map((r) => `${r.oid} ${r.name}`) : [`${zero} capabilities^{}`];
  return concatBytes([
    pktLine("# service=git-receive-pack\n"),
    flushPkt,
    ...lines.map((l, i) => pktLine(i === 0 ? `${l}\0${caps}\n` : `${l}\n`)),
    flushPkt,
  ]);
}

interface Command {
  old: string;
  next: string;
  ref: string;
}

/** The commands (pkt-lines up to a flush) and where the raw pack starts. */
function parseCommands(
  body: Uint8Array,
  limits: GitLimits,
): { commands: Command[]; caps: Set<string>; packStart: number } {
  const commands: Command[] = [];
  const caps = new Set<string>();
  let i = 0;
  for (;;) {
    if (i + 4 > body.length) throw new ProtocolError("receive-pack request ends before the flush after its commands");
    const len = pktLengthAt(body, i);
    if (len === 0) return { commands, caps, packStart: i + 4 };
    if (len < 4) throw new ProtocolError(`unexpected special packet ${len} among receive-pack commands`);
    if (i + len > body.length) throw new ProtocolError(`truncated pkt-line at byte ${i}`);
    const line = pktText(body.subarray(i + 4, i + len));
    i += len;
    const [cmd, capText] = line.split("\0") as [string, string | undefined];
    capText
      ?.trim()
      .split(" ")
      .forEach((c) => caps.add(c));
    if (cmd.startsWith("shallow "))
      throw new ProtocolError("pushing from a shallow clone is not supported: fetch --unshallow first");
    const m = /^([0-9a-f]{40}) ([0-9a-f]{40}) (\S.*)$/.exec(cmd);
    if (!m)
      throw new ProtocolError(
        `bad receive-pack command ${JSON.stringify(cmd.slice(0, 120))}: want "<old> <new> <ref>"`,
      );
    commands.push({ old: m[1]!, next: m[2]!, ref: m[3]! });
    if (commands.length > limits.maxCommands)
      throw new LimitError(`more than ${limits.maxCommands} ref updates in one push`);
  }
}

/** One line of the status report: git shows the reason, so it must stay on one line. */
const ng = (ref: string, why: string) => `ng ${ref} ${why.replace(/\s+/g, " ").slice(0, 400)}`;

export async function receivePack(
  repo: GitRepo,
  body: Uint8Array,
  limits: GitLimits = defaultLimits,
): Promise<Uint8Array> {
  const { commands, caps, packStart } = parseCommands(body, limits);
  if (commands.length === 0) return new Uint8Array();
  const budget = new Budget(limits.budgetMs);
  const main = storeOf(repo);
  main.refresh();
  let q: Quarantine | undefined;
  let pushed = new Map<string, CheckedObject>();
  let unpack = "ok";
  const updates = commands.filter((c) => c.next !== zero);
  if (packStart < body.length) {
    try {
      q = await Quarantine.receive(repo, body.subarray(packStart));
      pushed = fsckPack(
        q,
        updates.map((c) => c.next),
        budget,
      );
    } catch (e) {
      if (!(e instanceof UnpackError || e instanceof FsckError || e instanceof LimitError)) throw e;
      await q?.discard();
      q = undefined;
      unpack = (e as Error).message.replace(/\s+/g, " ").slice(0, 400);
    }
  }
  const report: string[] = [`unpack ${unpack}`];
  try {
    if (unpack !== "ok") {
      for (const c of commands) report.push(ng(c.ref, "unpacker error"));
    } else {
      const objects = q ? overlay(main, q) : main;
      const refs = new Map((await listRefs(repo)).map((r) => [r.name, r.oid]));
      const verdicts = await Promise.all(commands.map((c) => check(repo, objects, main, pushed, refs, c, budget)));
      const accepted = commands.filter((_, k) => verdicts[k] === undefined);
      // The pack joins the repository only when some ref will point into it.
      if (q && accepted.some((c) => c.next !== zero)) {
        await q.accept();
        main.refresh();
        repo.cache = {};
      }
      for (const [k, c] of commands.entries()) report.push(verdicts[k] ?? (await apply(repo, c)));
    }
  } finally {
    await q?.discard();
  }
  const inner = concatBytes([...report.map((l) => pktLine(`${l}\n`)), flushPkt]);
  if (!caps.has("side-band-64k")) return inner;
  return concatBytes([pktLine(concatBytes([Uint8Array.of(1), inner])), flushPkt]);
}

/**
 * Every object of the pack passes git's fsck; paths named where the walk from a new tip knows them.
 * Returns each pushed object as checked, for the connectivity walk.
 */
function fsckPack(q: Quarantine, tips: string[], budget: Budget): Map<string, CheckedObject> {
  const checked = new Map<string, CheckedObject>();
  const stack = tips.map((oid) => ({ oid, path: oid }));
  while (stack.length) {
    const { oid, path } = stack.pop()!;
    if (checked.has(oid) || !q.has(oid)) continue;
    budget.tick();
    const o = checkObject(q.read(oid), oid, path);
    checked.set(oid, o);
    for (const ch of o.children(path)) stack.push(ch);
  }
  for (const oid of q.oids) {
    if (checked.has(oid)) continue;
    budget.tick();
    checked.set(oid, checkObject(q.read(oid), oid, oid));
  }
  return checked;
}

/** Why `c` must be refused, or undefined when it may go ahead. */
async function check(
  repo: GitRepo,
  objects: ObjectReader,
  main: ObjectReader,
  pushed: Map<string, CheckedObject>,
  refs: Map<string, string>,
  c: Command,
  budget: Budget,
): Promise<string | undefined> {
  const problem = refFormatProblem(c.ref) ?? (c.ref.startsWith("refs/") ? undefined : "a ref must start with refs/");
  if (problem) return ng(c.ref, `funny refname: ${problem}`);
  if ((refs.get(c.ref) ?? zero) !== c.old)
    return ng(c.ref, "failed to update ref: it moved since the push began, fetch first");
  if (c.next === zero) {
    const head = await git.currentBranch({ fs: repo.fs, gitdir: repo.gitdir, fullname: true }).catch(() => undefined);
    return head === c.ref ? ng(c.ref, "deletion of the current branch prohibited") : undefined;
  }
  const missing = missingObject(main, pushed, c.next, budget);
  if (missing) return ng(c.ref, `missing necessary objects: ${missing}`);
  if (c.old !== zero && !isAncestor(objects, c.old, c.next, budget)) return ng(c.ref, "non-fast-forward");
  return undefined;
}

/**
 * The first object reachable from `tip` that is neither accepted nor in this push. The walk stops
 * at accepted objects: the repository only ever takes in packs whose tips were connected.
 */
function missingObject(
  main: ObjectReader,
  pushed: Map<string, CheckedObject>,
  tip: string,
  budget: Budget,
): string | undefined {
  const stack: { oid: string; type?: string; path: string }[] = [{ oid: tip, path: tip }];
  const seen = new Set<string>();
  while (stack.length) {
    const { oid, type, path } = stack.pop()!;
    if (seen.has(oid)) continue;
    seen.add(oid);
    budget.tick();
    const where = path === oid ? oid : `${oid} (${path})`;
    // Accepted objects are connected already; reading each (blobs too) would cost a full inflate.
    if (main.has(oid)) continue;
    // Pushed objects were all checked by fsckPack: their types and children are known unread.
    const o = pushed.get(oid);
    if (!o) return where;
    if (type && o.type !== type) return `${where} is a ${o.type}, not a ${type}`;
    for (const ch of o.children(path)) stack.push(ch);
  }
  return undefined;
}

function isAncestor(objects: ObjectReader, ancestor: string, tip: string, budget: Budget): boolean {
  const stack = [tip];
  const seen = new Set<string>();
  while (stack.length) {
    const c = stack.pop()!;
    if (c === ancestor) return true;
    if (seen.has(c)) continue;
    seen.add(c);
    budget.tick();
    try {
      const o = objects.read(c);
      if (o.type === "commit") stack.push(...parseCommit(o.data).parents);
    } catch {
      // a missing parent ends this line of history
    }
  }
  return false;
}

async function apply(repo: GitRepo, c: Command): Promise<string> {
  if (c.next === zero) {
    try {
      await git.deleteRef({ fs: repo.fs, gitdir: repo.gitdir, ref: c.ref });
      return `ok ${c.ref}`;
    } catch {
      return ng(c.ref, "failed to delete");
    }
  }
  try {
    await updateRef(repo, c.ref, c.old === zero ? undefined : c.old, c.next);
    return `ok ${c.ref}`;
  } catch (e) {
    return ng(c.ref, `failed to update ref: ${(e as Error).message}`);
  }
}
