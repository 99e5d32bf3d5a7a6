/** Store contract: users, tokens (hashing, revocation, scope, last use) and environments with sealed credentials. */
import { describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { ConflictError, NotFoundError, UserError } from "../core/errors.ts";
import type { Harness } from "./contract.ts";
import { Cipher } from "./secrets.ts";

const env = (name: string, repoToken = "") => ({
  name,
  repoUrl: `https://git.example/${name}.git`,
  repoToken,
  builtin: false,
  repoPerEnv: false,
  branch: "main",
});

export function accountTests(h: Harness): void {
  describe("users", () => {
    test("creates, finds and lists users by login; a taken login is a ConflictError", async () => {
      const { store, clock } = await h.open();
      const b = await store.createUser("bob", "user");
      expect(b).toEqual({ id: b.id, login: "bob", role: "user", env: "", created: clock.seconds });
      await store.createUser("alice", "admin");
      await store.createUser("flux-prod", "flux", "prod");
      expect(await store.user("bob")).toEqual(b);
      expect(await store.user("nobody")).toBeUndefined();
      expect((await store.users()).map((u) => [u.login, u.role, u.env])).toEqual([
        ["alice", "admin", ""],
        ["bob", "user", ""],
        ["flux-prod", "flux", "prod"],
      ]);
      const dup = await store.createUser("bob", "admin").catch((e) => e);
      expect(dup).toBeInstanceOf(ConflictError);
      expect(dup.message).toContain('user "bob" already exists');
      expect((await store.user("bob"))?.role).toBe("user");
    });

    test("deleting a user ends its tokens; deleting a missing one is a NotFoundError", async () => {
      const { store } = await h.open();
      await store.createUser("ci", "user");
      const t = await store.issueToken("ci");
      await store.deleteUser("ci");
      expect(await store.user("ci")).toBeUndefined();
      expect(await store.authenticate(t)).toBeUndefined();
      expect(await store.deleteUser("ci").catch((e) => e)).toBeInstanceOf(NotFoundError);
      // The login is free again, and the old token does not come back with it.
      await store.createUser("ci", "user");
      expect(await store.authenticate(t)).toBeUndefined();
    });
  });

  describe("tokens", () => {
    test("a token authenticates its user with the user's role and env scope; anything else does not", async () => {
      const { store } = await h.open();
      const u = await store.createUser("agent-staging", "agent", "staging");
      const token = await store.issueToken("agent-staging");
      expect(token).toMatch(/^glt_[A-Za-z0-9_-]{43}$/);
      expect(await store.authenticate(token)).toEqual(u);
      for (const bad of [token + "x", token.slice(0, -1), "", "glt_"])
        expect(await store.authenticate(bad)).toBeUndefined();
      expect(await store.issueToken("nobody").catch((e) => e)).toBeInstanceOf(NotFoundError);
    });

    test("every token is new; lists show ids and times, never a value; a connection elsewhere authenticates it", async () => {
      const { store, clock, connect } = await h.open();
      await store.createUser("ci", "user");
      const a = await store.issueTokenWithId("ci");
      clock.ms += 5000;
      const b = await store.issueTokenWithId("ci");
      expect(a.token).not.toBe(b.token);
      expect(b.id).not.toBe(a.id);
      const listed = await store.tokens("ci");
      expect(listed).toEqual([
        { id: a.id, created: clock.seconds - 5, lastUsed: 0 },
        { id: b.id, created: clock.seconds, lastUsed: 0 },
      ]);
      expect(JSON.stringify(listed)).not.toContain(a.token.slice(4));
      expect(await store.tokens("nobody").catch((e) => e)).toBeInstanceOf(NotFoundError);
      const other = await connect();
      expect((await other.authenticate(b.token))?.login).toBe("ci");
    });

    test("an operator-given token is stored hashed and authenticates; a short one is refused", async () => {
      const { store } = await h.open();
      await store.createUser("admin", "admin");
      const given = randomBytes(32).toString("base64url");
      const t = await store.issueTokenWithId("admin", given);
      expect(t.token).toBe(given);
      expect((await store.authenticate(given))?.login).toBe("admin");
      expect(await store.issueTokenWithId("admin", "short").catch((e) => e)).toBeInstanceOf(UserError);
      expect((await store.tokens("admin")).length).toBe(1);
    });

    test("revoking one token by id leaves the user's others valid; a revoked or unknown id is a NotFoundError", async () => {
      const { store } = await h.open();
      await store.createUser("ci", "user");
      const a = await store.issueTokenWithId("ci");
      const b = await store.issueTokenWithId("ci");
      expect(await store.revokeToken(a.id)).toBe("ci");
      expect(await store.authenticate(a.token)).toBeUndefined();
      expect((await store.authenticate(b.token))?.login).toBe("ci");
      expect((await store.tokens("ci")).map((t) => t.id)).toEqual([b.id]);
      const again = await store.revokeToken(a.id).catch((e) => e);
      expect(again).toBeInstanceOf(NotFoundError);
      expect(again.message).toContain(`no valid token with id ${a.id}`);
      expect(await store.revokeToken(b.id + 1000).catch((e) => e)).toBeInstanceOf(NotFoundError);
    });

    test("last use is recorded to the minute: at most one write a minute per token", async () => {
      const { store, clock } = await h.open();
      await store.createUser("ci", "user");
      const { token } = await store.issueTokenWithId("ci");
      clock.ms += 100_000;
      await store.authenticate(token);
      const first = clock.seconds;
      expect((await store.tokens("ci"))[0]!.lastUsed).toBe(first);
      clock.ms += 30_000;
      await store.authenticate(token);
      expect((await store.tokens("ci"))[0]!.lastUsed).toBe(first);
      clock.ms += 31_000;
      await store.authenticate(token);
      expect((await store.tokens("ci"))[0]!.lastUsed).toBe(clock.seconds);
    });
  });

  describe("environments", () => {
    test("creates, finds and lists envs by name; a taken name is a ConflictError; the receiver is set later", async () => {
      const { store, clock } = await h.open();
      const s = await store.createEnv({ ...env("staging"), builtin: true, repoPerEnv: true, branch: "trunk" });
      expect(s).toEqual({
        name: "staging",
        repoUrl: "https://git.example/staging.git",
        repoToken: "",
        builtin: true,
        repoPerEnv: true,
        branch: "trunk",
        created: clock.seconds,
        fluxReceiverUrl: "",
        fluxReceiverToken: "",
      });
      await store.createEnv(env("prod"));
      expect((await store.envs()).map((e) => [e.name, e.builtin, e.repoPerEnv])).toEqual([
        ["prod", false, false],
        ["staging", true, true],
      ]);
      expect(await store.env("dev")).toBeUndefined();
      const dup = await store.createEnv(env("prod")).catch((e) => e);
      expect(dup).toBeInstanceOf(ConflictError);
      expect(dup.message).toContain('environment "prod" already exists');
      await store.setReceiver("staging", "http://receiver.flux-system", "");
      expect((await store.env("staging"))?.fluxReceiverUrl).toBe("http://receiver.flux-system");
    });

    test("credentials need a cipher; sealed, they read back only with the same key", async () => {
      const { store, connect } = await h.open();
      const refused = await store.createEnv(env("prod", "ghp_secret")).catch((e) => e);
      expect(refused).toBeInstanceOf(Error);
      expect(refused.message).toContain("without an encryption key");
      expect(await store.env("prod")).toBeUndefined();
      expect(await store.secretsSealed()).toBe(false);
      const key = randomBytes(32);
      await store.unlock(new Cipher(key, "test key"));
      expect(await store.secretsSealed()).toBe(true);
      await store.createEnv(env("prod", "ghp_secret"));
      await store.setReceiver("prod", "http://receiver", "rcv_token");
      expect(await store.env("prod")).toMatchObject({ repoToken: "ghp_secret", fluxReceiverToken: "rcv_token" });
      expect((await store.envs())[0]).toMatchObject({ repoToken: "ghp_secret", fluxReceiverToken: "rcv_token" });

      const keyless = await connect();
      expect(await keyless.secretsSealed()).toBe(true);
      expect((await keyless.env("prod").catch((e) => e)).message).toContain("opened without the key");
      const wrong = await keyless.unlock(new Cipher(randomBytes(32), "another key")).catch((e) => e);
      expect(wrong).toBeInstanceOf(UserError);
      expect(wrong.message).toContain("another key is not the key the credentials");
      const right = await connect();
      expect(await right.unlock(new Cipher(key))).toEqual({ sealed: 0, scrubbed: true });
      expect((await right.env("prod"))?.repoToken).toBe("ghp_secret");
    });

    test("deleting an env takes its releases, agent state and bound users; other envs keep theirs", async () => {
      const { store } = await h.open();
      await store.createEnv(env("staging"));
      await store.createEnv(env("prod"));
      for (const [login, e] of [
        ["agent-staging", "staging"],
        ["flux-staging", "staging"],
        ["agent-prod", "prod"],
      ]) {
        await store.createUser(login!, "agent", e);
      }
      await store.createUser("ann", "admin");
      const token = await store.issueToken("agent-staging");
      const row = { gitopsRef: "a1", created: 1, rolledBack: false, repository: "acme/web", blob: "{}" };
      await store.putReleases("staging", [{ ...row, app: "web" }]);
      await store.putReleases("prod", [{ ...row, app: "web" }]);
      await store.putAgentState("staging", "{}");
      await store.putAgentState("prod", "{}");
      const step = { eventId: "e1", app: "web", step: "pushed" as const, at: 1 };
      await store.recordReleaseStep({ ...step, env: "staging" });
      await store.recordReleaseStep({ ...step, eventId: "e2", env: "prod" });

      expect(await store.deleteEnv("staging")).toEqual({ users: ["agent-staging", "flux-staging"] });
      expect(await store.env("staging")).toBeUndefined();
      expect((await store.envs()).map((e) => e.name)).toEqual(["prod"]);
      expect(await store.countReleases("staging")).toBe(0);
      expect(await store.agentState("staging")).toBeUndefined();
      expect(await store.authenticate(token)).toBeUndefined();
      expect((await store.users()).map((u) => u.login)).toEqual(["agent-prod", "ann"]);
      expect(await store.countReleases("prod")).toBe(1);
      expect(await store.agentState("prod")).toBeDefined();
      // A later env of the same name must not inherit the old one's timeline records.
      expect(await store.releaseSteps("e1")).toEqual([]);
      expect(await store.releaseSteps("e2")).toHaveLength(1);
      // The name is free again, and the new env starts with nothing of the old one.
      await store.createEnv(env("staging"));
      expect(await store.countReleases("staging")).toBe(0);

      const missing = await store.deleteEnv("dev").catch((e) => e);
      expect(missing).toBeInstanceOf(NotFoundError);
      expect(missing.message).toContain('environment "dev" does not exist');
    });

    test("an env deleted inside a transaction that then fails is still there", async () => {
      const { store } = await h.open();
      await store.createEnv(env("staging"));
      await store.createUser("agent-staging", "agent", "staging");
      const failed = await store
        .transaction(async (tx) => {
          await tx.deleteEnv("staging");
          throw new Error("rolled back");
        })
        .catch((e) => e);
      expect(failed.message).toBe("rolled back");
      expect(await store.env("staging")).toBeDefined();
      expect(await store.user("agent-staging")).toBeDefined();
    });
  });
}
