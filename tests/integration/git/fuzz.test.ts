/**
 * Fuzzing the git smart-HTTP routes: random and mutated pkt-line requests to upload-pack (v0, v2)
 * and receive-pack must never get a 5xx, never crash the handler, and never break the stream.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { concatBytes } from "../../../src/core/bytes.ts";
import { flushPkt, parsePktLines, pktLine, ProtocolError } from "../../../src/git/pktline.ts";
import { createApp, Repos } from "../../../src/server/index.ts";
import { SqliteStore } from "../../../src/store/index.ts";
import { makeSyntheticRepo } from "../../support/synthetic-repo.ts";
import { commitOf, oidOf, packOf, text, treeOf } from "./pack-bytes.ts";

const dir = mkdtempSync(join(tmpdir(), "git-fuzz-"));
let app: ReturnType<typeof createApp>;
let auth: Record<string, string> = {};
let tips: string[] = [];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const store = new SqliteStore(join(dir, "db"));
  await makeSyntheticRepo(join(dir, "repos", "fuzz-apps.git"), { commits: 20, apps: 2 });
  await store.createUser("admin", "admin");
  auth = { Authorization: `Bearer ${await store.issueToken("admin")}` };
  app = createApp({ store, repos: new Repos(dir), dataDir: dir });
  const p = Bun.spawnSync(["git", "--git-dir", join(dir, "repos", "fuzz-apps.git"), "rev-list", "main"]);
  tips = p.stdout.toString().trim().split("\n");
});

async function send(service: string, body: Uint8Array, v2 = false): Promise<number> {
  const res = await app.request(`/git/fuzz-apps.git/${service}`, {
    method: "POST",
    body: body as unknown as BodyInit,
    headers: {
      ...auth,
      "Content-Type": `application/x-${service}-request`,
      ...(v2 ? { "Git-Protocol": "version=2" } : {}),
    },
  });
  await res.arrayBuffer(); // a streamed pack must also complete
  return res.status;
}

/** A byte array with some bytes flipped, cut, or repeated. */
const mutated = (seed: () => Uint8Array) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.option(fc.nat()),
      fc.option(fc.tuple(fc.nat(), fc.nat({ max: 64 }))),
    )
    .map(([flips, cut, dup]) => {
      let b: Uint8Array = seed().slice();
      for (const [at, v] of flips) if (b.length) b[at % b.length] = v;
      if (cut !== null && b.length) b = b.subarray(0, cut % b.length);
      if (dup !== null && b.length) {
        const at = dup[0] % b.length;
        b = concatBytes([b.subarray(0, at + dup[1]), b.subarray(at)]);
      }
      return b;
    });

const pktish = fc
  .array(
    fc.oneof(
      fc.constantFrom("0000", "0001", "0002", "0003", "ffff", "000a", "zzzz"),
      fc
        .constantFrom(
          "want ",
          "have ",
          "shallow ",
          "deepen ",
          "done",
          "command=ls-refs",
          "command=fetch",
          "peel",
          "symrefs",
          "ref-prefix ",
          "include-tag",
          "deepen-relative",
        )
        .chain((kw) =>
          fc.tuple(
            fc.constant(kw),
            fc.oneof(fc.constant(""), fc.stringMatching(/^[0-9a-f]{40}$/), fc.string({ maxLength: 45 })),
          ),
        )
        .map(([kw, arg]) => new TextDecoder().decode(pktLine(`${kw}${arg}\n`))),
    ),
    { maxLength: 12 },
  )
  .map((parts) => text(parts.join("")));

describe("fuzz: the pkt-line parser", () => {
  test("returns or throws a ProtocolError, nothing else", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), pktish), (b) => {
        try {
          const { pkts, rest } = parsePktLines(b);
          expect(pkts.length * 4 + rest.length).toBeLessThanOrEqual(b.length + 4);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});

describe("fuzz: requests to the git routes never get a 5xx", () => {
  const v0 = () =>
    concatBytes([
      pktLine(`want ${tips[0]} multi_ack_detailed side-band-64k include-tag\n`),
      pktLine(`want ${tips[3]}\n`),
      pktLine("deepen 2\n"),
      flushPkt,
      pktLine(`have ${tips[5]}\n`),
      pktLine("done\n"),
    ]);
  const v2 = () =>
    concatBytes([
      pktLine("command=fetch\n"),
      pktLine("agent=x\n"),
      text("0001"),
      pktLine(`want ${tips[1]}\n`),
      pktLine(`have ${tips[9]}\n`),
      pktLine("include-tag\n"),
      pktLine("done\n"),
      flushPkt,
    ]);
  const lsRefs = () =>
    concatBytes([
      pktLine("command=ls-refs\n"),
      text("0001"),
      pktLine("peel\n"),
      pktLine("symrefs\n"),
      pktLine("ref-prefix refs/\n"),
      flushPkt,
    ]);
  const push = () => {
    const blob = text("fuzz\n");
    const tree = treeOf([{ mode: "100644", name: "f.txt", oid: oidOf("blob", blob) }]);
    const commit = commitOf(oidOf("tree", tree), [tips[0]!]);
    const cmd = pktLine(`${tips[0]} ${oidOf("commit", commit)} refs/heads/fuzz\0report-status side-band-64k\n`);
    return concatBytes([
      cmd,
      flushPkt,
      packOf([
        { type: "commit", data: commit },
        { type: "tree", data: tree },
        { type: "blob", data: blob },
      ]).pack,
    ]);
  };

  test("upload-pack v0 and v2, ls-refs: random and mutated bodies", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 200 }), pktish, mutated(v0), mutated(v2), mutated(lsRefs)),
        fc.boolean(),
        async (body, isV2) => {
          expect(await send("git-upload-pack", body, isV2)).toBeLessThan(500);
        },
      ),
      { numRuns: 400, seed: 11 },
    );
  }, 30_000);

  test("receive-pack: random and mutated pushes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 200 }), pktish, mutated(push)), async (body) => {
        expect(await send("git-receive-pack", body)).toBeLessThan(500);
      }),
      { numRuns: 300, seed: 13 },
    );
  }, 30_000);
});
