/** Store contract: the durable event queue — insert, leased claims, progress, finish, attempts, artifact queries. */
import { describe, expect, test } from "bun:test";
import { ConflictError } from "../core/errors.ts";
import type { Harness } from "./contract.ts";
import type { Lease, NewEvent, Store } from "./store.ts";

const lease = (owner: string, ms = 5000): Lease => ({ owner, ms });
const ev = (id: string, more: Partial<NewEvent> = {}): NewEvent => ({
  id,
  type: "release",
  blob: `{"n":"${id}"}`,
  ...more,
});

async function fill(store: Store, n: number, prefix = "e"): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await store.insertEvent(ev(`${prefix}${i}`))).id);
  return ids;
}

export function queueTests(h: Harness): void {
  describe("event queue", () => {
    test("an inserted event is new, unclaimed and found by id; its artifact by artifact id; a taken id is a ConflictError", async () => {
      const { store, clock } = await h.open();
      const e = await store.insertEvent({
        id: "a1",
        type: "artifact",
        blob: "{}",
        repository: "acme/web",
        branch: "main",
        event: "push",
        sourceBranch: "",
        targetBranch: "",
        tag: "v1",
        sha: "abc",
        artifactId: "acme/web-1",
      });
      expect(e).toMatchObject({
        id: "a1",
        created: clock.seconds,
        type: "artifact",
        blob: "{}",
        status: "new",
        statusDesc: "",
        repository: "acme/web",
        branch: "main",
        event: "push",
        tag: "v1",
        sha: "abc",
        artifactId: "acme/web-1",
        gitopsHashes: [],
        results: [],
        attempts: 0,
        leaseOwner: "",
        leaseExpires: 0,
      });
      expect(await store.event("a1")).toEqual(e);
      expect(await store.event("zz")).toBeUndefined();
      expect((await store.artifactEvent("acme/web-1"))?.id).toBe("a1");
      await store.insertEvent(ev("r1", { artifactId: "acme/web-2" }));
      expect(await store.artifactEvent("acme/web-2")).toBeUndefined(); // a release row names an artifact, it is not one
      expect(await store.insertEvent(ev("a1")).catch((x) => x)).toBeInstanceOf(ConflictError);
      expect(await store.queueDepth()).toBe(2);
    });

    test("events in bulk: by id and artifact events by artifact id, as event() and artifactEvent() answer", async () => {
      const { store } = await h.open();
      await store.insertEvent(ev("a1", { type: "artifact", artifactId: "acme/web-1" }));
      await store.insertEvent(ev("r1", { artifactId: "acme/web-1" }));
      await store.insertEvent(ev("a2", { type: "artifact", artifactId: "acme/web-2" }));
      const ids = Array.from({ length: 600 }, (_, i) => `missing-${i}`).concat("r1", "a2", "r1");
      const got = await store.eventsOf(ids, ["acme/web-1", "acme/web-2", "acme/web-9"]);
      expect([...got.byId.keys()].sort()).toEqual(["a2", "r1"]);
      expect(got.byId.get("r1")).toEqual((await store.event("r1"))!);
      // A release row names an artifact; only the artifact's own event answers for it.
      expect(got.byArtifact.get("acme/web-1")).toEqual((await store.artifactEvent("acme/web-1"))!);
      expect(got.byArtifact.get("acme/web-2")?.id).toBe("a2");
      expect(got.byArtifact.has("acme/web-9")).toBe(false);
      expect(await store.eventsOf([], [])).toEqual({ byId: new Map(), byArtifact: new Map() });
    });

    test("claims take the oldest free event, lease it to the owner and count the attempt", async () => {
      const { store, clock } = await h.open();
      await fill(store, 3);
      const c = (await store.claimNext(lease("n1/a", 4000)))!;
      expect(c).toMatchObject({
        id: "e0",
        status: "processing",
        attempts: 1,
        leaseOwner: "n1/a",
        leaseExpires: clock.ms + 4000,
      });
      expect(await store.event("e0")).toEqual(c);
      // The same owner claims again: the next event, not the one it holds.
      expect((await store.claimNext(lease("n1/a")))?.id).toBe("e1");
      expect((await store.claimNext(lease("n2/b")))?.id).toBe("e2");
      expect(await store.claimNext(lease("n2/b"))).toBeUndefined();
      expect(await store.queueDepth()).toBe(3);
    });

    test("a lease needs an owner and a positive length", async () => {
      const { store } = await h.open();
      await fill(store, 1);
      expect(await store.claimNext({ owner: "", ms: 1000 }).catch((e) => e)).toBeInstanceOf(Error);
      expect(await store.claimNext({ owner: "w", ms: 0 }).catch((e) => e)).toBeInstanceOf(Error);
      expect((await store.event("e0"))?.status).toBe("new");
    });

    test("two owners on two connections claiming at once never get the same event", async () => {
      const { store, connect } = await h.open();
      const other = await connect();
      const ids = await fill(store, 40);
      const got: Record<string, string[]> = { a: [], b: [] };
      const drain = async (s: Store, who: "a" | "b") => {
        // Bounded: a store that hands out held events again would otherwise loop here forever.
        for (let i = 0; i < ids.length; i++) {
          const e = await s.claimNext(lease(`node-${who}/1`));
          if (!e) return;
          got[who]!.push(e.id);
        }
      };
      await Promise.all([drain(store, "a"), drain(other, "b"), drain(store, "a"), drain(other, "b")]);
      expect([...got.a!, ...got.b!].sort()).toEqual([...ids].sort());
      for (const id of got.a!) expect((await other.event(id))?.leaseOwner).toBe("node-a/1");
      for (const id of got.b!) expect((await store.event(id))?.leaseOwner).toBe("node-b/1");
    });

    test("an expired lease is taken over by another owner as one more attempt; the old owner can no longer write", async () => {
      const { store, clock, connect } = await h.open();
      const other = await connect();
      await fill(store, 1);
      const mine = (await store.claimNext(lease("n1/a", 1000)))!;
      clock.ms += 999;
      expect(await other.claimNext(lease("n2/b", 1000))).toBeUndefined();
      clock.ms += 1;
      const theirs = (await other.claimNext(lease("n2/b", 1000)))!;
      expect(theirs).toMatchObject({ id: "e0", attempts: 2, leaseOwner: "n2/b", leaseExpires: clock.ms + 1000 });
      expect(await store.recordProgress(mine, ["h1"], [{ app: "web" }])).toBe(false);
      expect(await store.renewLease("e0", lease("n1/a", 1000))).toBe(false);
      expect(await store.finishEvent(mine, "processed", "", ["h1"], [])).toBe(false);
      expect(await store.event("e0")).toMatchObject({
        status: "processing",
        leaseOwner: "n2/b",
        gitopsHashes: [],
        results: [],
      });
      expect(await other.finishEvent(theirs, "processed", "", ["h2"], [])).toBe(true);
      expect(await store.event("e0")).toMatchObject({ status: "processed", gitopsHashes: ["h2"] });
    });

    test("a renewed lease holds past its first expiry; a lapsed one still finishes if nobody took it over", async () => {
      const { store, clock } = await h.open();
      await fill(store, 1);
      const mine = (await store.claimNext(lease("n1/a", 1000)))!;
      clock.ms += 900;
      expect(await store.renewLease("e0", lease("n1/a", 1000))).toBe(true);
      expect((await store.event("e0"))?.leaseExpires).toBe(clock.ms + 1000);
      clock.ms += 900;
      expect(await store.claimNext(lease("n2/b", 1000))).toBeUndefined();
      clock.ms += 5000;
      expect(await store.recordProgress(mine, ["h1"], [])).toBe(true);
      expect(await store.finishEvent(mine, "error", "boom", ["h1"], [{ app: "web", status: "failure" }])).toBe(true);
      expect(await store.event("e0")).toMatchObject({
        status: "error",
        statusDesc: "boom",
        gitopsHashes: ["h1"],
        results: [{ app: "web", status: "failure" }],
      });
      expect(await store.claimNext(lease("n2/b"))).toBeUndefined();
      expect(await store.renewLease("e0", lease("n1/a"))).toBe(false);
      expect(await store.finishEvent(mine, "processed", "", [], [])).toBe(false);
      expect((await store.event("e0"))?.status).toBe("error");
    });

    test("progress is kept with the event; a finished event is never claimed again", async () => {
      const { store } = await h.open();
      await fill(store, 2);
      const e = (await store.claimNext(lease("w/1")))!;
      expect(await store.recordProgress(e, ["h1"], [{ app: "a", hash: "h1" }])).toBe(true);
      expect(await store.event("e0")).toMatchObject({
        status: "processing",
        gitopsHashes: ["h1"],
        results: [{ app: "a", hash: "h1" }],
      });
      expect(await store.finishEvent(e, "processed", "", ["h1", "h2"], [{ app: "a" }, { app: "b" }])).toBe(true);
      expect((await store.claimNext(lease("w/1")))?.id).toBe("e1");
      expect(await store.claimNext(lease("w/2"))).toBeUndefined();
      expect(await store.queueDepth()).toBe(1);
    });

    test("a released lease is taken at once, as another attempt; only its owner may release it", async () => {
      const { store } = await h.open();
      await fill(store, 1);
      const e = (await store.claimNext(lease("n1/a", 60_000)))!;
      expect(await store.releaseLease({ id: "e0", leaseOwner: "n2/b" })).toBe(false);
      expect(await store.claimNext(lease("n2/b"))).toBeUndefined();
      expect(await store.releaseLease(e)).toBe(true);
      expect(await store.claimNext(lease("n2/b"))).toMatchObject({ id: "e0", attempts: 2, leaseOwner: "n2/b" });
    });

    test("a restarted node ends its earlier incarnations' leases, and only those", async () => {
      const { store } = await h.open();
      await fill(store, 3);
      await store.claimNext(lease("node1/old", 60_000));
      await store.claimNext(lease("node10/x", 60_000)); // a node whose name merely starts the same
      await store.claimNext(lease("node1/new", 60_000));
      expect(await store.expireLeases("node1/", "node1/new")).toBe(1);
      expect(await store.expireLeases("node1/", "node1/new")).toBe(0);
      expect(await store.claimNext(lease("node1/new", 60_000))).toMatchObject({ id: "e0", attempts: 2 });
      expect(await store.claimNext(lease("node1/new", 60_000))).toBeUndefined();
    });

    test("attempts count every claim: an event whose worker keeps dying shows how often it was taken", async () => {
      const { store, clock } = await h.open();
      await fill(store, 1);
      for (let i = 1; i <= 4; i++) {
        const e = (await store.claimNext(lease(`n/${i}`, 1000)))!;
        expect([e.id, e.attempts]).toEqual(["e0", i]);
        clock.ms += 1000;
      }
      const last = (await store.claimNext(lease("n/5", 1000)))!;
      expect(await store.finishEvent(last, "error", "given up", [], [])).toBe(true);
      expect(await store.event("e0")).toMatchObject({ status: "error", attempts: 5 });
    });

    test("counts events by type and status", async () => {
      const { store } = await h.open();
      await fill(store, 3);
      await store.insertEvent({ id: "a", type: "artifact", blob: "{}" });
      const e = (await store.claimNext(lease("w/1")))!;
      await store.finishEvent(e, "processed", "", [], []);
      await store.claimNext(lease("w/1"));
      expect(await store.eventCounts()).toEqual([
        { type: "artifact", status: "new", n: 1 },
        { type: "release", status: "new", n: 1 },
        { type: "release", status: "processed", n: 1 },
        { type: "release", status: "processing", n: 1 },
      ]);
      expect(await store.queueDepth()).toBe(3);
    });
  });

  describe("artifact queries", () => {
    async function artifacts(store: Store, clock: { ms: number }) {
      for (let i = 0; i < 5; i++) {
        await store.insertEvent({
          id: `a${i}`,
          type: "artifact",
          blob: `{"i":${i}}`,
          repository: i < 4 ? "acme/web" : "acme/api",
          branch: i % 2 ? "main" : "dev",
          event: i === 3 ? "tag" : "push",
          sourceBranch: i % 2 ? "" : "feature",
          artifactId: `acme/web-${i}`,
          sha: `s${i}`,
        });
        clock.ms += 10_000;
      }
      await store.insertEvent(ev("r0", { repository: "acme/web", branch: "main", artifactId: "acme/web-1" }));
    }

    test("filter by repository, branch, event, source branch and shas, newest first, only artifacts", async () => {
      const { store, clock } = await h.open();
      await artifacts(store, clock);
      const ids = async (f: Parameters<Store["artifacts"]>[0]) => (await store.artifacts(f)).map((e) => e.id);
      expect(await ids({})).toEqual(["a4", "a3", "a2", "a1", "a0"]);
      expect(await ids({ repository: "acme/web", branch: "main" })).toEqual(["a3", "a1"]);
      expect(await ids({ sourceBranch: "feature" })).toEqual(["a4", "a2", "a0"]);
      expect(await ids({ event: "tag" })).toEqual(["a3"]);
      expect(await ids({ sha: ["s0", "s4", "nope"] })).toEqual(["a4", "a0"]);
      expect(await ids({ repository: "acme/none" })).toEqual([]);
      expect((await store.artifacts({ sha: ["s2"] }))[0]?.blob).toBe('{"i":2}');
    });

    test("time window, limit and offset; ten by default; an offset alone pages to the end", async () => {
      const { store, clock } = await h.open();
      const t0 = clock.seconds;
      await artifacts(store, clock);
      const ids = async (f: Parameters<Store["artifacts"]>[0]) => (await store.artifacts(f)).map((e) => e.id);
      expect(await ids({ since: t0 + 10, until: t0 + 30 })).toEqual(["a3", "a2", "a1"]);
      expect(await ids({ limit: 2, offset: 1 })).toEqual(["a3", "a2"]);
      expect(await ids({ offset: 3 })).toEqual(["a1", "a0"]);
      for (let i = 0; i < 12; i++) await store.insertEvent({ id: `b${i}`, type: "artifact", blob: "{}" });
      expect(await ids({})).toHaveLength(10);
      // Same second: the later insert comes first.
      expect(await ids({ limit: 2 })).toEqual(["b11", "b10"]);
      expect(await ids({ offset: 2 })).toHaveLength(15);
    });
  });
}
