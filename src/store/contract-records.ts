/** Store contract: gitops commit statuses, the release-history mirror, request de-duplication and transactions. */
import { describe, expect, test } from "bun:test";
import type { Harness } from "./contract.ts";
import { retention } from "./requests.ts";
import type { ReleaseRow } from "./store.ts";

const rel = (app: string, gitopsRef: string, created: number, more: Partial<ReleaseRow> = {}): ReleaseRow => ({
  app,
  gitopsRef,
  created,
  rolledBack: false,
  repository: "acme/web",
  blob: `{"app":"${app}","ref":"${gitopsRef}"}`,
  ...more,
});

export function recordTests(h: Harness): void {
  describe("gitops commit statuses", () => {
    test("insert, update keeping a known env, newest first with the later insert first on equal times", async () => {
      const { store, clock } = await h.open();
      await store.upsertGitopsCommit({ sha: "c1", env: "staging", status: "Progressing", statusDesc: "" });
      const t1 = clock.seconds;
      clock.ms += 1000;
      await store.upsertGitopsCommit({ sha: "c2", env: "prod", status: "ReconciliationSucceeded", statusDesc: "ok" });
      await store.upsertGitopsCommit({ sha: "c3", env: "prod", status: "Progressing", statusDesc: "" });
      await store.upsertGitopsCommit({ sha: "c1", env: "", status: "ReconciliationFailed", statusDesc: "bad yaml" });
      expect(await store.gitopsCommit("c1")).toEqual({
        sha: "c1",
        env: "staging",
        status: "ReconciliationFailed",
        statusDesc: "bad yaml",
        created: t1,
      });
      expect(await store.gitopsCommit("nope")).toBeUndefined();
      const some = await store.gitopsCommitsOf(["c1", "nope", "c3", "c1"]);
      expect([...some.keys()].sort()).toEqual(["c1", "c3"]);
      expect(some.get("c1")).toEqual(await store.gitopsCommit("c1"));
      expect((await store.gitopsCommitsOf([])).size).toBe(0);
      const many = await store.gitopsCommitsOf([...Array.from({ length: 1200 }, (_, i) => `x${i}`), "c2"]);
      expect([...many.keys()]).toEqual(["c2"]);
      expect((await store.gitopsCommits(10)).map((c) => c.sha)).toEqual(["c3", "c2", "c1"]);
      expect((await store.gitopsCommits(1)).map((c) => c.sha)).toEqual(["c3"]);
      await store.upsertGitopsCommit({ sha: "c2", env: "dev", status: "x", statusDesc: "" });
      expect((await store.gitopsCommit("c2"))?.env).toBe("dev");
    });
  });

  describe("release-history mirror", () => {
    test("puts, updates by (env, ref, app), counts, filters, pages and clears per env", async () => {
      const { store } = await h.open();
      await store.putReleases("staging", [
        rel("web", "r1", 100),
        rel("api", "r2", 200, { repository: "acme/api" }),
        rel("web", "r3", 300),
      ]);
      await store.putReleases("prod", [rel("web", "p1", 150)]);
      await store.putReleases("staging", [rel("web", "r1", 100, { rolledBack: true, blob: "{}" })]);
      expect(await store.countReleases("staging")).toBe(3);
      const all = await store.releases({ env: "staging", limit: 10, offset: 0 });
      expect(all.map((r) => r.gitopsRef)).toEqual(["r3", "r2", "r1"]);
      expect(all[2]).toEqual({ blob: "{}", created: 100, rolledBack: true, gitopsRef: "r1" });
      expect(all[0]).toEqual({ blob: '{"app":"web","ref":"r3"}', created: 300, rolledBack: false, gitopsRef: "r3" });
      const refs = async (f: Partial<Parameters<typeof store.releases>[0]>) =>
        (await store.releases({ env: "staging", limit: 10, offset: 0, ...f })).map((r) => r.gitopsRef);
      expect(await refs({ app: "web" })).toEqual(["r3", "r1"]);
      expect(await refs({ repository: "acme/api" })).toEqual(["r2"]);
      expect(await refs({ since: 150, until: 300 })).toEqual(["r3", "r2"]);
      expect(await refs({ limit: 1, offset: 1 })).toEqual(["r2"]);
      expect(await refs({ env: "prod" })).toEqual(["p1"]);
      await store.clearReleases("staging");
      expect(await store.countReleases("staging")).toBe(0);
      expect(await store.countReleases("prod")).toBe(1);
    });

    test("equal times list the later insert first", async () => {
      const { store } = await h.open();
      await store.putReleases("staging", [rel("a", "r1", 100), rel("b", "r2", 100)]);
      await store.putReleases("staging", [rel("c", "r3", 100)]);
      expect((await store.releases({ env: "staging", limit: 10, offset: 0 })).map((r) => r.gitopsRef)).toEqual([
        "r3",
        "r2",
        "r1",
      ]);
    });
  });

  describe("request de-duplication", () => {
    test("a webhook delivery is remembered, on other connections too, until its retention ends", async () => {
      const { store, clock, connect } = await h.open();
      expect(await store.requests.delivery("d1")).toBeUndefined();
      await store.requests.recordDelivery("d1", "ev1");
      await store.requests.recordDelivery("d2", "");
      const other = await connect();
      expect(await other.requests.delivery("d1")).toBe("ev1");
      expect(await other.requests.delivery("d2")).toBe("");
      clock.ms += retention.deliveries * 1000 + 1000;
      expect(await store.requests.delivery("d1")).toBeUndefined();
      await store.requests.recordDelivery("d1", "ev3");
      expect(await store.requests.delivery("d1")).toBe("ev3");
    });

    test("an idempotency key's response is kept per user and route for its retention", async () => {
      const { store, clock } = await h.open();
      const u = await store.createUser("ci", "user");
      const other = await store.createUser("ci2", "user");
      const res = { requestHash: "h", status: 201, body: '{"id":1}' };
      await store.requests.recordResponse(u.id, "POST /api/artifact", "k1", res);
      expect(await store.requests.response(u.id, "POST /api/artifact", "k1")).toEqual(res);
      expect(await store.requests.response(other.id, "POST /api/artifact", "k1")).toBeUndefined();
      expect(await store.requests.response(u.id, "POST /api/releases", "k1")).toBeUndefined();
      await store.requests.recordResponse(u.id, "POST /api/artifact", "k1", { ...res, status: 200 });
      expect((await store.requests.response(u.id, "POST /api/artifact", "k1"))?.status).toBe(200);
      clock.ms += retention.idempotencyKeys * 1000 + 1000;
      expect(await store.requests.response(u.id, "POST /api/artifact", "k1")).toBeUndefined();
    });

    test("an artifact digest is found only within the de-duplication window", async () => {
      const { store, clock } = await h.open();
      await store.requests.recordArtifact("dg", "acme/web-1");
      clock.ms += (retention.artifactDigests - 1) * 1000;
      expect(await store.requests.recentArtifact("dg")).toBe("acme/web-1");
      clock.ms += 2000;
      expect(await store.requests.recentArtifact("dg")).toBeUndefined();
    });
  });

  describe("transactions", () => {
    test("commit keeps every write; a throw undoes every write and reaches the caller", async () => {
      const { store } = await h.open();
      const r = await store.transaction(async (tx) => {
        await tx.createUser("a", "user");
        await tx.insertEvent({ id: "e1", type: "release", blob: "{}" });
        await tx.requests.recordDelivery("d1", "e1");
        return "done";
      });
      expect(r).toBe("done");
      expect(await store.user("a")).toBeDefined();
      const err = await store
        .transaction(async (tx) => {
          await tx.createUser("b", "user");
          await tx.insertEvent({ id: "e2", type: "release", blob: "{}" });
          await tx.requests.recordDelivery("d2", "e2");
          await tx.putReleases("staging", [rel("web", "r1", 1)]);
          throw new Error("changed my mind");
        })
        .catch((e) => e);
      expect(err.message).toBe("changed my mind");
      expect(await store.user("b")).toBeUndefined();
      expect(await store.event("e2")).toBeUndefined();
      expect(await store.requests.delivery("d2")).toBeUndefined();
      expect(await store.countReleases("staging")).toBe(0);
      expect(await store.queueDepth()).toBe(1);
    });

    test("nobody outside sees a write that is rolled back, even while the transaction waits", async () => {
      const { store, connect } = await h.open();
      const other = await connect();
      let resume!: () => void;
      const paused = new Promise<void>((r) => (resume = r));
      let written!: () => void;
      const wrote = new Promise<void>((r) => (written = r));
      const tx = store
        .transaction(async (t) => {
          await t.createUser("ghost", "user");
          written();
          await paused;
          throw new Error("rollback");
        })
        .catch(() => undefined);
      await wrote;
      const readers = [store.users(), other.users()];
      await Bun.sleep(20);
      resume();
      await tx;
      for (const users of await Promise.all(readers)) expect(users.map((u) => u.login)).not.toContain("ghost");
    });

    test("check-then-write transactions on two connections do not interleave: one key, one event", async () => {
      const { store, connect } = await h.open();
      const other = await connect();
      const u = await store.createUser("ci", "user");
      const attempt = (s: typeof store, id: string) =>
        s.transaction(async (tx) => {
          if (await tx.requests.response(u.id, "POST /api/artifact", "k")) return false;
          await Bun.sleep(5); // widen the window between the check and the write
          await tx.insertEvent({ id, type: "artifact", blob: "{}" });
          await tx.requests.recordResponse(u.id, "POST /api/artifact", "k", {
            requestHash: "h",
            status: 201,
            body: id,
          });
          return true;
        });
      const won = await Promise.all([
        attempt(store, "x1"),
        attempt(other, "x2"),
        attempt(store, "x3"),
        attempt(other, "x4"),
      ]);
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await store.queueDepth()).toBe(1);
    });
  });
}
