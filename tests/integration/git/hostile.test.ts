/**
 * Hostile input against the hosted git repos (issue 9): bodies read before auth, gzip bombs, ref
 * names git refuses, pushes that must leave nothing behind, annotated tags, CPU amplification.
 * The git CLI is the client wherever it can send the request; raw HTTP where no git would.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { concatBytes } from "../../../src/core/bytes.ts";
import { flushPkt, pktLine } from "../../../src/git/pktline.ts";
import { createApp, Repos } from "../../../src/server/index.ts";
import { gitRoutes } from "../../../src/server/routes/git.ts";
import { SqliteStore } from "../../../src/store/index.ts";
import { makeSyntheticRepo } from "../../support/synthetic-repo.ts";
import { commitOf, copyDelta, oidOf, packOf, text, treeOf } from "./pack-bytes.ts";

const dir = mkdtempSync(join(tmpdir(), "hostile-"));
const work = mkdtempSync(join(tmpdir(), "hostile-work-"));
let server: ReturnType<typeof Bun.serve>;
let strict: ReturnType<typeof Bun.serve>;
let admin = "";
let flux = "";
const port = () => server.port;
const url = (token: string, repo: string) => `http://gimlet:${token}@127.0.0.1:${port()}/git/${repo}.git`;
const gitdir = (repo: string) => join(dir, "repos", `${repo}.git`);
const sh = async (cmd: string[], cwd?: string) => {
  const env = {
    ...process.env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "t",
    GIT_AUTHOR_EMAIL: "t@t",
    GIT_COMMITTER_NAME: "t",
    GIT_COMMITTER_EMAIL: "t@t",
  };
  const p = Bun.spawn(cmd, { cwd, env, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { out, err, code };
};
const rev = async (repo: string, what: string) =>
  (await sh(["git", "--git-dir", gitdir(repo), "rev-parse", what])).out.trim();
/** Files under objects/ other than loose objects of the original repo: packs and quarantines. */
const packFiles = (repo: string) => [
  ...readdirSync(join(gitdir(repo), "objects", "pack")),
  ...readdirSync(join(gitdir(repo), "objects")).filter((f) => f.startsWith("tmp")),
];

beforeAll(async () => {
  const store = new SqliteStore(join(dir, "db"));
  for (const [name, commits] of [
    ["staging-apps", 1500],
    ["tags-apps", 12],
    ["push-apps", 3],
    ["junk-apps", 3],
    ["names-apps", 3],
  ] as const) {
    await makeSyntheticRepo(gitdir(name), { commits, apps: 3 });
  }
  await store.createUser("admin", "admin");
  admin = await store.issueToken("admin");
  await store.createUser("flux-staging", "flux");
  flux = await store.issueToken("flux-staging");
  const deps = { store, repos: new Repos(dir), dataDir: dir };
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: createApp(deps).fetch });
  // The same routes with tiny limits, to reach them quickly.
  const small = { maxBytes: 64 * 1024, maxInflated: 64 * 1024, idleMs: 300, totalMs: 1500 };
  const tight = new Hono().route(
    "/git",
    gitRoutes({ ...deps, gitLimits: { uploadBody: small, pushBody: small, budgetMs: 1, maxWants: 50 } }),
  );
  strict = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: tight.fetch });
});
afterAll(() => {
  server.stop(true);
  strict.stop(true);
  rmSync(dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const basic = (token: string) => ({ Authorization: `Basic ${btoa(`gimlet:${token}`)}` });
const post = (
  base: string,
  repo: string,
  service: string,
  body: BodyInit | Uint8Array,
  headers: Record<string, string> = {},
) =>
  fetch(`${base}/git/${repo}.git/${service}`, {
    method: "POST",
    body: body as BodyInit,
    headers: { "Content-Type": `application/x-${service}-request`, ...headers },
    // @ts-expect-error: Bun streams request bodies with duplex "half"
    duplex: "half",
  });
const at = (s: ReturnType<typeof Bun.serve>) => `http://127.0.0.1:${s.port}`;

/** A body that never ends: counts what the server pulled from it. */
function endless(): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let n = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x30);
  const stream = new ReadableStream<Uint8Array>({
    async pull(c) {
      await Bun.sleep(1);
      n += chunk.length;
      c.enqueue(chunk);
    },
  });
  return { stream, pulled: () => n };
}

describe("bodies (item 3, 4)", () => {
  test("an unauthenticated chunked POST is refused before its body is read", async () => {
    for (const service of ["git-upload-pack", "git-receive-pack"]) {
      const b = endless();
      const res = await Promise.race([
        post(at(server), "staging-apps", service, b.stream),
        Bun.sleep(3000).then(() => undefined),
      ]);
      expect(res?.status).toBe(401);
      expect(b.pulled()).toBeLessThan(4 * 1024 * 1024);
      b.stream.cancel().catch(() => {});
    }
  });

  test("a body over the cap is a 413 and a stalled one a 408, without waiting for the end", async () => {
    const big = endless();
    const r1 = await post(at(strict), "push-apps", "git-receive-pack", big.stream, basic(admin));
    expect(r1.status).toBe(413);
    expect(await r1.text()).toContain("limit");
    const stalled = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(text("0032want "));
      },
    });
    const t0 = performance.now();
    const r2 = await post(at(strict), "staging-apps", "git-upload-pack", stalled, basic(flux));
    expect(r2.status).toBe(408);
    expect(performance.now() - t0).toBeLessThan(2500);
  });

  test("a gzip bomb to upload-pack is cut off at the inflated cap with a 413", async () => {
    const bomb = gzipSync(new Uint8Array(64 * 1024 * 1024).fill(0x30));
    expect(bomb.length).toBeLessThan(200_000);
    const res = await post(at(server), "staging-apps", "git-upload-pack", bomb, {
      ...basic(flux),
      "Content-Encoding": "gzip",
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("inflated");
    // gzip as git sends it still works
    const ok = await sh([
      "git",
      "-c",
      "protocol.version=0",
      "clone",
      "-q",
      "--depth",
      "1",
      url(flux, "staging-apps"),
      join(work, "gz"),
    ]);
    expect(ok.code, ok.err).toBe(0);
  });
});

describe("tokens on /git (item 17, 11)", () => {
  test("?access_token= is refused; Basic and Bearer work; malformed Basic is a 401", async () => {
    const refs = (q: string, headers: Record<string, string> = {}) =>
      fetch(`${at(server)}/git/staging-apps.git/info/refs?service=git-upload-pack${q}`, { headers });
    expect((await refs(`&access_token=${flux}`)).status).toBe(401);
    expect((await refs("", { Authorization: `Bearer ${flux}` })).status).toBe(200);
    expect((await refs("", basic(flux))).status).toBe(200);
    for (const bad of ["Basic !!!", "Basic " + btoa("no-colon"), "Basic", "Digest x"]) {
      const res = await refs("", { Authorization: bad });
      expect(res.status).toBe(401);
    }
  });

  test("garbage pkt-lines to upload-pack (v0 and v2 ls-refs) and receive-pack are 400s with a message", async () => {
    const bodies: [string, Uint8Array, Record<string, string>][] = [
      ["git-upload-pack", text("zzzz"), {}],
      ["git-upload-pack", text("00zzwant"), {}],
      ["git-upload-pack", text("0003"), {}],
      ["git-upload-pack", text("0009want "), {}],
      ["git-upload-pack", concatBytes([pktLine("want nothex\n"), flushPkt]), {}],
      ["git-upload-pack", concatBytes([pktLine("deepen -1\n"), flushPkt]), {}],
      [
        "git-upload-pack",
        concatBytes([pktLine("command=ls-refs\n"), text("0001"), text("00ff")]),
        { "Git-Protocol": "version=2" },
      ],
      ["git-upload-pack", concatBytes([pktLine("command=bogus\n"), flushPkt]), { "Git-Protocol": "version=2" }],
      ["git-receive-pack", text("0010garbage"), {}],
      ["git-receive-pack", concatBytes([pktLine("x y z\n"), flushPkt]), {}],
    ];
    for (const [service, body, headers] of bodies) {
      const res = await post(at(server), service === "git-receive-pack" ? "junk-apps" : "staging-apps", service, body, {
        ...basic(admin),
        ...headers,
      });
      expect(res.status, new TextDecoder().decode(body)).toBe(400);
      expect((await res.text()).length).toBeGreaterThan(10);
    }
  });
});

async function clone(repo: string, name: string): Promise<string> {
  const d = join(work, name);
  const r = await sh(["git", "clone", "-q", url(admin, repo), d]);
  expect(r.code, r.err).toBe(0);
  return d;
}

describe("ref names (item 5)", () => {
  test("the git CLI cannot create refs git itself refuses; nothing is left on disk", async () => {
    const c = await clone("names-apps", "names");
    for (const ref of ["refs/heads/main.lock/x", "refs/heads/a.lock", "refs/heads/x/.hidden", "refs/heads/a..b"]) {
      // git's client checks names too; --no-verify style raw refspecs still reach the server for these
      const r = await sh(["git", "push", "origin", `HEAD:${ref}`], c);
      expect(r.code, ref).not.toBe(0);
    }
    const raw = concatBytes([
      pktLine(`${"0".repeat(40)} ${await rev("names-apps", "main")} refs/heads/main.lock/x\0report-status\n`),
      flushPkt,
    ]);
    const res = await post(at(server), "names-apps", "git-receive-pack", raw, basic(admin));
    expect(await res.text()).toContain("ng refs/heads/main.lock/x funny refname");
    expect(existsSync(join(gitdir("names-apps"), "refs", "heads", "main.lock"))).toBe(false);
  });
});

/** A raw receive-pack request: commands, then the pack. */
async function rawPush(repo: string, cmds: [string, string, string][], pack?: Uint8Array): Promise<string> {
  const lines = cmds.map(([o, n, r], i) => pktLine(`${o} ${n} ${r}${i === 0 ? "\0report-status" : ""}\n`));
  const res = await post(
    at(server),
    repo,
    "git-receive-pack",
    concatBytes([...lines, flushPkt, ...(pack ? [pack] : [])]),
    basic(admin),
  );
  expect(res.status).toBe(200);
  return res.text();
}

describe("pushes in quarantine (items 6, 15)", () => {
  test("a rejected push leaves nothing behind, so a later push cannot build on its objects", async () => {
    const repo = "push-apps";
    const main = await rev(repo, "main");
    const before = packFiles(repo);
    const blob = text("never sent\n");
    const t1 = treeOf([{ mode: "100644", name: "a.txt", oid: oidOf("blob", blob) }]);
    const x = commitOf(oidOf("tree", t1), [main], "x");
    const first = await rawPush(
      repo,
      [[main, oidOf("commit", x), "refs/heads/main"]],
      packOf([
        { type: "commit", data: x },
        { type: "tree", data: t1 },
      ]).pack,
    );
    expect(first).toContain("ng refs/heads/main missing necessary objects");
    expect(packFiles(repo)).toEqual(before);

    const b2 = text("complete\n");
    const t2 = treeOf([{ mode: "100644", name: "b.txt", oid: oidOf("blob", b2) }]);
    const y = commitOf(oidOf("tree", t2), [oidOf("commit", x)], "y");
    const pack = packOf([
      { type: "commit", data: y },
      { type: "tree", data: t2 },
      { type: "blob", data: b2 },
    ]).pack;
    const second = await rawPush(repo, [[main, oidOf("commit", y), "refs/heads/main"]], pack);
    expect(second).toContain("ng refs/heads/main missing necessary objects");
    expect(await rev(repo, "main")).toBe(main);
    expect(packFiles(repo)).toEqual(before);
    const c = await sh(["git", "clone", "-q", url(flux, repo), join(work, "after-bypass")]);
    expect(c.code, c.err).toBe(0);
  });

  test("broken offset deltas, thin packs and bad sizes answer an unpack error and leave no pack", async () => {
    const repo = "junk-apps";
    const main = await rev(repo, "main");
    const before = packFiles(repo);
    const base = text("hello world\n");
    // OFS_DELTA right after its base: the back offset is the distance between the two entries
    const afterBase = (delta: Uint8Array, back?: number) => {
      const probe = packOf([
        { type: "blob", data: base },
        { type: "ofs-delta", back: 1, delta },
      ]);
      return packOf([
        { type: "blob", data: base },
        { type: "ofs-delta", back: back ?? probe.offsets[1]! - probe.offsets[0]!, delta },
      ]).pack;
    };
    const serverBlob = (await sh(["git", "--git-dir", gitdir(repo), "rev-parse", "main:README.md"])).out.trim();
    const serverBlobSize = Number(
      (await sh(["git", "--git-dir", gitdir(repo), "cat-file", "-s", serverBlob])).out.trim(),
    );
    const cases: [string, Uint8Array][] = [
      ["delta copying past the end of its base", afterBase(copyDelta(base.length, 200))],
      ["delta declaring the wrong base size", afterBase(copyDelta(99, 5))],
      ["delta pointing before the pack start", afterBase(copyDelta(base.length, 5), 5000)],
      // this server advertises no-thin: a REF_DELTA on a base only the server has is refused
      ["thin pack", packOf([{ type: "ref-delta", base: serverBlob, delta: copyDelta(serverBlobSize, 3) }]).pack],
    ];
    for (const [what, pack] of cases) {
      const out = await rawPush(repo, [[main, main.replace(/^./, "f"), "refs/heads/main"]], pack);
      expect(out, what).toMatch(/unpack (?!ok)/);
      expect(out, what).toContain("ng refs/heads/main");
      expect(packFiles(repo), what).toEqual(before);
    }
    // an empty pack (nothing new) leaves no empty pack file behind
    const out = await rawPush(repo, [["0".repeat(40), main, "refs/heads/copy"]], packOf([]).pack);
    expect(out).toContain("ok refs/heads/copy");
    expect(packFiles(repo)).toEqual(before);
  });

  test("trees git's fsck refuses (.git in any case, ., .., a/b, empty names) are rejected naming the path", async () => {
    const c = await clone("junk-apps", "junk");
    const blob =
      (await sh(["git", "hash-object", "-w", "--stdin"], c)).out.trim() ||
      (await sh(["sh", "-c", "echo x | git hash-object -w --stdin"], c)).out.trim();
    const mk = async (entries: { mode: string; name: string; oid: string }[]) => {
      const f = join(work, `tree-${Math.random()}`);
      writeFileSync(f, treeOf(entries));
      return (await sh(["git", "hash-object", "-t", "tree", "--literally", "-w", f], c)).out.trim();
    };
    const before = packFiles("junk-apps");
    // (an empty name the git client itself refuses to send: the raw-pack test below covers it)
    for (const name of [".git", ".GIT", ".Git", "git~1", "..", ".", "a/b"]) {
      const sub = await mk([{ mode: "100644", name, oid: blob }]);
      const root = await mk([{ mode: "40000", name: "sub", oid: sub }]);
      const commit = (await sh(["git", "commit-tree", root, "-p", "HEAD", "-m", "bad"], c)).out.trim();
      const r = await sh(["git", "push", "origin", `${commit}:refs/heads/main`], c);
      expect(r.code, name).not.toBe(0);
      expect(r.err, name).toContain(`/sub/${name}`);
      expect(packFiles("junk-apps")).toEqual(before);
    }
  });
});

test("a tree entry with an empty name, sent raw, is refused naming its tree", async () => {
  const repo = "junk-apps";
  const main = await rev(repo, "main");
  const before = packFiles(repo);
  const blob = text("x\n");
  const tree = treeOf([{ mode: "100644", name: "", oid: oidOf("blob", blob) }]);
  const commit = commitOf(oidOf("tree", tree), [main]);
  const pack = packOf([
    { type: "commit", data: commit },
    { type: "tree", data: tree },
    { type: "blob", data: blob },
  ]).pack;
  const out = await rawPush(repo, [[main, oidOf("commit", commit), "refs/heads/main"]], pack);
  expect(out).toContain('unpack pushed tree "/" has an entry with an empty name');
  expect(packFiles(repo)).toEqual(before);
});

describe("annotated tags (item 7)", () => {
  test("clone and fetch --tags with the git CLI, v0 and v2, include tags (a tag of a tag too)", async () => {
    const g = gitdir("tags-apps");
    const old = await rev("tags-apps", "main~5");
    expect((await sh(["git", "--git-dir", g, "tag", "-a", "v1", "-m", "one", old])).code).toBe(0);
    expect((await sh(["git", "--git-dir", g, "tag", "-a", "v2", "-m", "two", "main"])).code).toBe(0);
    expect((await sh(["git", "--git-dir", g, "tag", "-a", "v2-signed-off", "-m", "tag of tag", "v2"])).code).toBe(0);
    expect((await sh(["git", "--git-dir", g, "tag", "light", "main~1"])).code).toBe(0);
    for (const v of ["0", "2"]) {
      const d = join(work, `tags-${v}`);
      const r = await sh(["git", "-c", `protocol.version=${v}`, "clone", "-q", url(flux, "tags-apps"), d]);
      expect(r.code, r.err).toBe(0);
      expect((await sh(["git", "tag"], d)).out.split("\n").filter(Boolean).sort()).toEqual([
        "light",
        "v1",
        "v2",
        "v2-signed-off",
      ]);
      expect((await sh(["git", "cat-file", "-t", "v2-signed-off"], d)).out.trim()).toBe("tag");
      expect((await sh(["git", "fsck", "--strict"], d)).code).toBe(0);
      // a shallow clone, then fetch --tags brings the tags and their history's tips
      const s = join(work, `tags-shallow-${v}`);
      expect(
        (
          await sh([
            "git",
            "-c",
            `protocol.version=${v}`,
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-tags",
            url(flux, "tags-apps"),
            s,
          ])
        ).code,
      ).toBe(0);
      const f = await sh(["git", "-c", `protocol.version=${v}`, "fetch", "-q", "--tags", "origin"], s);
      expect(f.code, f.err).toBe(0);
      expect((await sh(["git", "rev-parse", "v1^{commit}"], s)).out.trim()).toBe(old);
    }
    const ls = await sh(["git", "-c", "protocol.version=0", "ls-remote", url(flux, "tags-apps")]);
    expect(ls.out).toContain("refs/tags/v1^{}");
  });
});

describe("upload-pack work per request (item 9)", () => {
  test("200 wants of old commits are answered in linear time", async () => {
    const list = (await sh(["git", "--git-dir", gitdir("staging-apps"), "rev-list", "main"])).out.trim().split("\n");
    const wants = list.filter((_, i) => i % 7 === 3).slice(0, 200);
    expect(wants.length).toBe(200);
    const body = concatBytes([
      ...wants.map((w, i) =>
        pktLine(`want ${w}${i === 0 ? " multi_ack_detailed no-done side-band-64k ofs-delta" : ""}\n`),
      ),
      pktLine("deepen 1\n"),
      flushPkt,
      pktLine("done\n"),
    ]);
    const t0 = performance.now();
    const res = await post(at(server), "staging-apps", "git-upload-pack", body, basic(flux));
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(0, 200))).not.toContain("ERR");
    expect(performance.now() - t0).toBeLessThan(5000);
  }, 20_000);

  test("over the want cap or the work budget: a 400 naming the limit", async () => {
    const list = (await sh(["git", "--git-dir", gitdir("staging-apps"), "rev-list", "main"])).out.trim().split("\n");
    const many = concatBytes([...list.slice(0, 51).map((w) => pktLine(`want ${w}\n`)), flushPkt, pktLine("done\n")]);
    const r1 = await post(at(strict), "staging-apps", "git-upload-pack", many, basic(flux));
    expect(r1.status).toBe(400);
    expect(await r1.text()).toContain("50 wants");
    const deep = concatBytes([pktLine(`want ${list[0]}\n`), flushPkt, pktLine("done\n")]);
    const r2 = await post(at(strict), "staging-apps", "git-upload-pack", deep, basic(flux));
    expect(r2.status).toBe(400);
    expect(await r2.text()).toContain("budget");
  });
});
