/** Dashboard sign-in: passwords (argon2id), API tokens, sessions by hashed id, sign-out everywhere. */
import { afterEach, expect, test } from "bun:test";
import { UserError } from "../core/errors.ts";
import { hashToken, SqliteStore } from "../store/index.ts";
import type { OpsDeps } from "./deps.ts";
import { checkPassword, checkToken, endAllSessions, endSession, sessionOf, startSession } from "./sessions.ts";
import { createUser, setPassword } from "./users.ts";

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});
function deps(): OpsDeps {
  const store = new SqliteStore(":memory:");
  stores.push(store);
  return { store, repos: undefined as never };
}

test("a user created with a password signs in with it; the hash is argon2id; wrong or unknown fails", async () => {
  const d = deps();
  await createUser(d, { login: "ann", role: "user", password: "correct horse" });
  expect((await d.store.passwordHash("ann"))?.hash).toStartWith("$argon2id$");
  expect((await checkPassword(d, "ann", "correct horse"))?.login).toBe("ann");
  expect(await checkPassword(d, "ann", "wrong horse")).toBeUndefined();
  expect(await checkPassword(d, "nobody", "correct horse")).toBeUndefined();
  expect(await checkPassword(d, "ann", "")).toBeUndefined();
});

test("short passwords and passwords for flux/agent users are refused, and no user is left behind", async () => {
  const d = deps();
  const short = await createUser(d, { login: "ann", password: "short" }).catch((e) => e);
  expect(short).toBeInstanceOf(UserError);
  expect(short.message).toContain("at least 8 characters");
  expect(await d.store.user("ann")).toBeUndefined();
  const flux = await createUser(d, { login: "f", role: "flux", password: "long enough" }).catch((e) => e);
  expect(flux.message).toContain("signs in with tokens only");
});

test("an API token signs in only when its role may view the dashboard", async () => {
  const d = deps();
  const u = await createUser(d, { login: "ci", role: "user" });
  expect((await checkToken(d, u.token))?.login).toBe("ci");
  expect(await checkToken(d, u.token + "x")).toBeUndefined();
  const f = await createUser(d, { login: "flux", role: "flux" });
  expect(await checkToken(d, f.token)).toBeUndefined();
});

test("a session is stored by hash only, found by its id, ended by sign-out or a password change", async () => {
  const d = deps();
  await createUser(d, { login: "ann", role: "admin", password: "correct horse" });
  const s = await startSession(d, "ann");
  expect(s.id.length).toBeGreaterThan(40);
  expect(await d.store.session(s.id)).toBeUndefined();
  expect((await d.store.session(hashToken(s.id)))?.csrf).toBe(s.csrf);
  expect((await sessionOf(d, s.id))?.user.login).toBe("ann");
  await endSession(d, s.id);
  expect(await sessionOf(d, s.id)).toBeUndefined();
  const s2 = await startSession(d, "ann");
  await setPassword(d, "ann", "battery staple");
  expect(await sessionOf(d, s2.id)).toBeUndefined();
  expect(await checkPassword(d, "ann", "correct horse")).toBeUndefined();
  await startSession(d, "ann");
  expect(await endAllSessions(d, "ann")).toBe(1);
});
