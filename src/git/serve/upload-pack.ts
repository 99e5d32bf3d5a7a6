/**
 * upload-pack over smart HTTP, protocol v0 (multi_ack_detailed, no-done, side-band-64k, shallow,
 * deepen, deepen-relative) and v2 (ls-refs, fetch). Stateless: every POST is answered from its own
 * body. Reference: shared/reference/git-protocol.md §2–§5.
 */
import { concatBytes } from "../../core/bytes.ts";
import { flushPkt, parseRequestPkts, pktLine, pktText, ProtocolError, type Pkt } from "../pktline.ts";
import type { GitRepo } from "../repo.ts";
import { objectsOf, type ObjectStore } from "../store/objects.ts";
import { packChunks } from "../store/pack-writer.ts";
import { Budget, defaultLimits, LimitError, type GitLimits } from "./limits.ts";
import { selectObjects } from "./objects.ts";
import { firstUnreachable } from "./reachable.ts";
import { head, listRefs, type Ref } from "./refs.ts";

const enc = new TextEncoder();
const delimPkt = enc.encode("0001");
export const agent = "agent=gimlet/1";
const zero = "0".repeat(40);

/** GET info/refs?service=git-upload-pack */
export async function advertiseUploadPack(repo: GitRepo, version: number): Promise<Uint8Array> {
  if (version === 2) {
    return concatBytes([
      pktLine("version 2\n"),
      pktLine(`${agent}\n`),
      pktLine("ls-refs=unborn\n"),
      pktLine("fetch=shallow\n"),
      pktLine("object-format=sha1\n"),
      flushPkt,
    ]);
  }
  const refs = await listRefs(repo);
  const h = await head(repo);
  const caps = [
    "multi_ack_detailed",
    "no-done",
    "side-band-64k",
    "ofs-delta",
    "include-tag",
    "shallow",
    "deepen-relative",
    "no-progress",
    "allow-reachable-sha1-in-want",
    ...(h.target && h.oid ? [`symref=HEAD:${h.target}`] : []),
    "object-format=sha1",
    agent,
  ].join(" ");
  const lines: string[] = [];
  if (h.oid) lines.push(`${h.oid} HEAD`);
  for (const r of refs) {
    lines.push(`${r.oid} ${r.name}`);
    if (r.peeled) lines.push(`${r.peeled} ${r.name}^{}`);
  }
  if (lines.length === 0) lines.push(`${zero} capabilities^{}`);
  return concatBytes([
    pktLine("# service=git-upload-pack\n"),
    flushPkt,
    ...lines.map((l, i) => pktLine(i === 0 ? `${l}\0${caps}\n` : `${l}\n`)),
    flushPkt,
  ]);
}

interface FetchArgs {
  wants: string[];
  haves: string[];
  shallows: Set<string>;
  depth?: number;
  relative: boolean;
  done: boolean;
  caps: Set<string>;
}

const oidRe = /^[0-9a-f]{40}$/;

function oidArg(line: string, at: number): string {
  const oid = line.slice(at).split(" ")[0]!;
  if (!oidRe.test(oid))
    throw new ProtocolError(`bad object id in ${JSON.stringify(line.slice(0, 100))}: want 40 hex digits`);
  return oid;
}

/** Reads one fetch argument line into `a`; false when the line is not a fetch argument. */
function fetchArg(a: FetchArgs, line: string, limits: GitLimits): boolean {
  if (line.startsWith("want ")) {
    const oid = oidArg(line, 5);
    if (!a.wants.includes(oid)) a.wants.push(oid);
    if (a.wants.length > limits.maxWants) throw new LimitError(`more than ${limits.maxWants} wants in one request`);
  } else if (line.startsWith("have ")) {
    a.haves.push(oidArg(line, 5));
    if (a.haves.length > limits.maxHaves) throw new LimitError(`more than ${limits.maxHaves} haves in one request`);
  } else if (line.startsWith("shallow ")) {
    a.shallows.add(oidArg(line, 8));
    if (a.shallows.size > limits.maxHaves)
      throw new LimitError(`more than ${limits.maxHaves} shallow lines in one request`);
  } else if (line.startsWith("deepen ")) {
    const n = line.slice(7);
    if (!/^[1-9][0-9]{0,9}$/.test(n) || Number(n) > 2_147_483_647)
      throw new ProtocolError(`bad ${JSON.stringify(line)}: want a depth from 1 to 2147483647`);
    a.depth = Number(n);
  } else if (line === "done") a.done = true;
  else return false;
  return true;
}

/** Checks every want is something the refs lead to; the ERR line to send when one is not. */
async function checkWants(repo: GitRepo, refs: Ref[], a: FetchArgs, budget: Budget): Promise<Reply | undefined> {
  const store = storeOf(repo);
  const bad = a.wants.find((w) => !store.has(w)) ?? firstUnreachable((repo.owned ??= {}), store, refs, a.wants, budget);
  return bad ? reply([pktLine(`ERR upload-pack: not our ref ${bad}\n`)]) : undefined;
}

/** One object store per repo handle, shared by its requests; refreshed when a push adds a pack. */
export function storeOf(repo: GitRepo): ObjectStore {
  return objectsOf(repo);
}

async function packFor(repo: GitRepo, refs: Ref[], a: FetchArgs, common: string[], budget: Budget) {
  const store = storeOf(repo);
  const includeTags = a.caps.has("include-tag")
    ? refs.filter((r) => r.peeled && r.name.startsWith("refs/tags/")).map((r) => ({ oid: r.oid, peeled: r.peeled! }))
    : [];
  const sel = await selectObjects(store, {
    wants: a.wants,
    haves: common,
    clientShallow: a.shallows,
    depth: a.depth,
    relative: a.relative,
    includeTags,
    budget,
  });
  return { sel, pack: sel.oids };
}

/** A response: pkt-lines, then (maybe) a pack streamed on side-band channel 1, then more pkt-lines. */
export interface Reply {
  before: Uint8Array[];
  pack?: { oids: string[]; sideband: boolean; ofsDelta: boolean };
  after: Uint8Array[];
}
const reply = (before: Uint8Array[], pack?: Reply["pack"], after: Uint8Array[] = []): Reply => ({
  before,
  pack,
  after,
});

/** At most this many packs are generated at once; others wait their turn. */
const maxConcurrentPacks = 2;
let running = 0;
const waiting: (() => void)[] = [];
async function acquire(): Promise<() => void> {
  if (running >= maxConcurrentPacks) await new Promise<void>((r) => waiting.push(r));
  running++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    running--;
    waiting.shift()?.();
  };
}

/**
 * Streams a reply; the pack is generated as it is sent, so memory does not grow with the clone.
 * `stallMs`: how long a client may leave the reply unread before the stream is dropped.
 */
export function replyStream(repo: GitRepo, r: Reply, stallMs = 60_000): ReadableStream<Uint8Array> {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield concatBytes(r.before);
    if (r.pack) {
      const release = await acquire();
      try {
        for await (const c of packChunks(storeOf(repo), r.pack.oids, { ofsDelta: r.pack.ofsDelta })) {
          if (!r.pack.sideband) yield c;
          // side-band-64k: at most 65515 data bytes per packet
          else
            for (let i = 0; i < c.length; i += 65515)
              yield pktLine(concatBytes([Uint8Array.of(1), c.subarray(i, i + 65515)]));
        }
      } finally {
        release();
      }
    }
    if (r.after.length) yield concatBytes(r.after);
  }
  const it = chunks();
  // A client that stops reading would hold one of the few pack slots for good: give it up.
  let stalled: ReturnType<typeof setTimeout> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      clearTimeout(stalled);
      const { value, done } = await it.next();
      if (done) return controller.close();
      controller.enqueue(value);
      stalled = setTimeout(() => {
        controller.error(new Error(`client read nothing for ${stallMs / 1000} s`));
        void it.return(undefined);
      }, stallMs);
    },
    async cancel() {
      clearTimeout(stalled);
      await it.return(undefined);
    },
  });
}

async function commonHaves(repo: GitRepo, haves: string[]): Promise<string[]> {
  const store = storeOf(repo);
  return haves.filter((h) => store.has(h));
}

/** POST git-upload-pack, protocol v0. */
async function uploadPackV0(repo: GitRepo, pkts: Pkt[], limits: GitLimits, budget: Budget): Promise<Reply> {
  const a: FetchArgs = { wants: [], haves: [], shallows: new Set(), relative: false, done: false, caps: new Set() };
  for (const p of pkts) {
    if (p === null) continue;
    const line = pktText(p);
    if (line.startsWith("want ")) {
      const [, , ...caps] = line.split(" ");
      caps.forEach((c) => a.caps.add(c));
    }
    if (!fetchArg(a, line, limits))
      throw new ProtocolError(`unexpected line in an upload-pack request: ${JSON.stringify(line.slice(0, 100))}`);
  }
  if (a.caps.has("deepen-relative")) a.relative = true;
  if (a.wants.length === 0) return reply([]);
  // One read of the refs per request: checking wants and include-tag both answer from it.
  const refs = await listRefs(repo);
  const refused = await checkWants(repo, refs, a, budget);
  if (refused) return refused;
  const out: Uint8Array[] = [];
  const common = await commonHaves(repo, a.haves);
  const detailed = a.caps.has("multi_ack_detailed");
  let sel: Awaited<ReturnType<typeof packFor>> | undefined;
  if (a.depth !== undefined) {
    // The shallow section goes out on every response of a deepen request, even when empty.
    sel = await packFor(repo, refs, a, common, budget);
    for (const s of sel.sel.shallow) out.push(pktLine(`shallow ${s}`));
    for (const s of sel.sel.unshallow) out.push(pktLine(`unshallow ${s}`));
    out.push(flushPkt);
  }
  // A round with no haves and no done (git's first POST of a shallow clone) ends after the shallow section.
  if (!a.done && a.haves.length === 0) return reply(out);
  // Ready when the client has a common commit: the pack is "wants minus common" either way.
  const ready = common.length > 0;
  if (!a.done) {
    if (detailed) for (const c of common) out.push(pktLine(`ACK ${c} common\n`));
    if (detailed && ready && a.caps.has("no-done")) {
      out.push(pktLine(`ACK ${common.at(-1)} ready\n`), pktLine("NAK\n"), pktLine(`ACK ${common.at(-1)}\n`));
    } else {
      if (!detailed && common.length) out.push(pktLine(`ACK ${common[0]}\n`));
      else out.push(pktLine("NAK\n"));
      return reply(out);
    }
  } else if (detailed) {
    for (const c of common) out.push(pktLine(`ACK ${c} common\n`));
    out.push(pktLine(common.length ? `ACK ${common.at(-1)}\n` : "NAK\n"));
  } else out.push(pktLine(common.length ? `ACK ${common[0]}\n` : "NAK\n"));
  sel ??= await packFor(repo, refs, a, common, budget);
  const sb = a.caps.has("side-band-64k") || a.caps.has("side-band");
  return reply(out, { oids: sel.pack, sideband: sb, ofsDelta: a.caps.has("ofs-delta") }, sb ? [flushPkt] : []);
}

/** POST git-upload-pack, protocol v2: one command per request. */
async function uploadPackV2(repo: GitRepo, pkts: Pkt[], limits: GitLimits, budget: Budget): Promise<Reply> {
  const lines = pkts.map((p) => (p === null ? null : pktText(p)));
  const cmd = lines.find((l) => l?.startsWith("command="))?.slice(8);
  if (!cmd) return reply([]);
  const args = lines.slice(lines.indexOf(null) + 1).filter((l): l is string => l !== null);
  if (cmd === "ls-refs") {
    const prefixes = args.filter((l) => l.startsWith("ref-prefix ")).map((l) => l.slice(11));
    const symrefs = args.includes("symrefs");
    const peel = args.includes("peel");
    const h = await head(repo);
    const out: Uint8Array[] = [];
    const want = (name: string) => prefixes.length === 0 || prefixes.some((p) => name.startsWith(p));
    if (want("HEAD")) {
      if (h.oid) out.push(pktLine(`${h.oid} HEAD${symrefs && h.target ? ` symref-target:${h.target}` : ""}\n`));
      else if (args.includes("unborn") && h.target) out.push(pktLine(`unborn HEAD symref-target:${h.target}\n`));
    }
    for (const r of await listRefs(repo))
      if (want(r.name)) out.push(pktLine(`${r.oid} ${r.name}${peel && r.peeled ? ` peeled:${r.peeled}` : ""}\n`));
    out.push(flushPkt);
    return reply(out);
  }
  if (cmd !== "fetch")
    throw new ProtocolError(
      `unknown command ${JSON.stringify(cmd.slice(0, 100))}: this server speaks ls-refs and fetch`,
    );
  const a: FetchArgs = { wants: [], haves: [], shallows: new Set(), relative: false, done: false, caps: new Set() };
  for (const l of args) {
    if (fetchArg(a, l, limits)) continue;
    if (l === "deepen-relative") a.relative = true;
    else if (
      l.startsWith("deepen-since ") ||
      l.startsWith("deepen-not ") ||
      l.startsWith("filter ") ||
      l.startsWith("want-ref ")
    ) {
      throw new ProtocolError(`${l.split(" ")[0]} is not supported by this server`);
    } else a.caps.add(l);
  }
  if (a.wants.length === 0) return reply([]);
  // One read of the refs per request: checking wants and include-tag both answer from it.
  const refs = await listRefs(repo);
  const refused = await checkWants(repo, refs, a, budget);
  if (refused) return refused;
  const common = await commonHaves(repo, a.haves);
  const out: Uint8Array[] = [];
  if (!a.done && a.haves.length) {
    out.push(pktLine("acknowledgments\n"));
    if (common.length === 0) out.push(pktLine("NAK\n"));
    for (const c of common) out.push(pktLine(`ACK ${c}\n`));
    if (common.length === 0) {
      out.push(flushPkt);
      return reply(out);
    }
    out.push(pktLine("ready\n"), delimPkt);
  }
  const { sel, pack } = await packFor(repo, refs, a, common, budget);
  if (a.depth !== undefined || a.shallows.size) {
    out.push(pktLine("shallow-info\n"));
    for (const s of sel.shallow) out.push(pktLine(`shallow ${s}`));
    for (const s of sel.unshallow) out.push(pktLine(`unshallow ${s}`));
    out.push(delimPkt);
  }
  out.push(pktLine("packfile\n"));
  return reply(out, { oids: pack, sideband: true, ofsDelta: a.caps.has("ofs-delta") }, [flushPkt]);
}

/**
 * Answers one upload-pack POST. Throws ProtocolError (a 400 for the client) on a malformed request
 * or one over `limits`; the pack itself streams afterwards from `replyStream`.
 */
export async function uploadPack(
  repo: GitRepo,
  body: Uint8Array,
  version: number,
  limits: GitLimits = defaultLimits,
): Promise<Reply> {
  const pkts = parseRequestPkts(body);
  const budget = new Budget(limits.budgetMs);
  const first = pkts[0] ? pktText(pkts[0]) : "";
  const v2 = version === 2 || first.startsWith("command=");
  return v2 ? uploadPackV2(repo, pkts, limits, budget) : uploadPackV0(repo, pkts, limits, budget);
}
