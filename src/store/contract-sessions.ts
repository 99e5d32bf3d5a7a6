/** Store contract: password hashes, browser sessions (hashed ids, expiry, revocation) and the event list. */
import { describe, expect, test } from "bun:test";
import { NotFoundError } from "../core/errors.ts";
import type { Harness } from "./contract.ts";

export function sessionTests(h: Harness): void {
  describe("passwords and sessions", () => {
    test("a password hash is stored per user and can be removed; a missing user is a NotFoundError", async () => {
      const { store } = await h.open();
      const u = await store.createUser("ann", "user");
      expect(await store.passwordHash("ann")).toEqual({ user: u, hash: "" });
      await store.setPasswordHash("ann", "$argon2id$v=19$x");
      expect((await store.passwordHash("ann"))?.hash).toBe("$argon2id$v=19$x");
      await store.setPasswordHash("ann", "");
      expect((await store.passwordHash("ann"))?.hash).toBe("");
      expect(await store.passwordHash("nobody")).toBeUndefined();
      expect(await store.setPasswordHash("nobody", "h").catch((e) => e)).toBeInstanceOf(NotFoundError);
    });

    test("a session is found by its id hash until it expires, is deleted or its user goes", async () => {
      const { store, clock } = await h.open();
      const u = await store.createUser("ann", "admin");
      await store.createSession({ idHash: "h1", login: "ann", csrf: "c1", expires: clock.seconds + 60 });
      await store.createSession({ idHash: "h2", login: "ann", csrf: "c2", expires: clock.seconds + 600 });
      const h1 = { user: u, csrf: "c1", created: clock.seconds, expires: clock.seconds + 60 };
      expect(await store.session("h1")).toEqual(h1);
      expect(await store.session("nope")).toBeUndefined();
      clock.ms += 61_000;
      expect(await store.session("h1")).toBeUndefined();
      expect((await store.session("h2"))?.csrf).toBe("c2");
      expect(await store.deleteSession("h2")).toBe(true);
      expect(await store.deleteSession("h2")).toBe(false);
      expect(await store.session("h2")).toBeUndefined();
      await store.createSession({ idHash: "h3", login: "ann", csrf: "c3", expires: clock.seconds + 600 });
      await store.deleteUser("ann");
      expect(await store.session("h3")).toBeUndefined();
      expect(
        await store.createSession({ idHash: "h4", login: "ann", csrf: "c", expires: 1 }).catch((e) => e),
      ).toBeInstanceOf(NotFoundError);
    });

    test("deleteSessions ends every session of one user and no other's", async () => {
      const { store, clock } = await h.open();
      await store.createUser("ann", "user");
      await store.createUser("bob", "user");
      for (const [id, login] of [
        ["a1", "ann"],
        ["a2", "ann"],
        ["b1", "bob"],
      ] as const) {
        await store.createSession({ idHash: id, login, csrf: "c", expires: clock.seconds + 600 });
      }
      expect(await store.deleteSessions("ann")).toBe(2);
      expect(await store.session("a1")).toBeUndefined();
      expect((await store.session("b1"))?.user.login).toBe("bob");
    });
  });

  describe("event list", () => {
    test("every type, newest first, filtered by type and status, paged", async () => {
      const { store } = await h.open();
      const kinds = [
        ["e1", "artifact"],
        ["e2", "release"],
        ["e3", "rollback"],
        ["e4", "artifact"],
      ] as const;
      for (const [id, type] of kinds) {
        await store.insertEvent({ id, type, blob: "{}" });
      }
      expect((await store.events({ limit: 10 })).map((e) => e.id)).toEqual(["e4", "e3", "e2", "e1"]);
      expect((await store.events({ limit: 10, type: "artifact" })).map((e) => e.id)).toEqual(["e4", "e1"]);
      expect((await store.events({ limit: 2, offset: 1 })).map((e) => e.id)).toEqual(["e3", "e2"]);
      const held = (await store.claimNext({ owner: "n/1", ms: 10_000 }))!;
      await store.finishEvent(held, "error", "boom", [], []);
      const errs = await store.events({ limit: 10, status: "error" });
      expect(errs.map((e) => [e.id, e.statusDesc])).toEqual([["e1", "boom"]]);
    });
  });
}
