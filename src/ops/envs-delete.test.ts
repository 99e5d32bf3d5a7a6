/**
 * Deleting an env on a real data dir: what goes (the env, its release mirror, bound users, hosted
 * repos or the remote clone), what `keepRepo` keeps (the hosted repos, moved out of the git server's
 * reach, still readable by git), and the user-deletion rules that keep an admin around.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConflictError, NotFoundError } from "../core/errors.ts";
import { SqliteStore } from "../store/index.ts";
import { AgentHub } from "./agent-hub.ts";
import { DataDir } from "./data-dir.ts";
import type { OpsDeps } from "./deps.ts";
import { createEnv, deleteEnv, listEnvs, planEnvDeletion } from "./envs.ts";
import { createUser, deleteUser } from "./users.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function deps(): OpsDeps & { root: string } {
  const root = mkdtempSync(join(tmpdir(), "envs-delete-"));
  dirs.push(root);
  return { store: new SqliteStore(join(root, "gimlet.db")), repos: new DataDir(root), now: () => 1_700_000_000, root };
}

const row = { gitopsRef: "a1b2", created: 1, rolledBack: false, repository: "acme/web", blob: "{}" };

test("deleting a hosted env removes its repos, release mirror and bound users; the name is free again", async () => {
  const d = deps();
  await createEnv(d, { name: "staging", builtin: true });
  await createEnv(d, { name: "prod", builtin: true });
  await createUser(d, { login: "agent-staging", role: "agent", env: "staging" });
  await d.store.putReleases("staging", [{ ...row, app: "web" }]);

  const plan = await planEnvDeletion(d, "staging");
  expect(plan).toEqual({
    env: "staging",
    builtin: true,
    repoUrl: "",
    hostedRepos: [join(d.root, "repos/staging-apps.git"), join(d.root, "repos/staging-infra.git")],
    releases: 1,
    users: ["agent-staging"],
  });
  const r = await deleteEnv(d, { name: "staging" });
  expect(r).toMatchObject({ env: "staging", users: ["agent-staging"], keptRepos: [] });
  expect((await listEnvs(d)).map((e) => e.name)).toEqual(["prod"]);
  expect(readdirSync(join(d.root, "repos")).sort()).toEqual(["prod-apps.git", "prod-infra.git"]);
  expect(await d.store.user("agent-staging")).toBeUndefined();
  expect(existsSync(join(d.root, "deleted"))).toBe(false);

  // A new env of that name starts empty, with fresh repos.
  await createEnv(d, { name: "staging", builtin: true });
  expect(await d.store.countReleases("staging")).toBe(0);
  expect(existsSync(join(d.root, "repos/staging-apps.git/HEAD"))).toBe(true);
});

test("keepRepo moves the hosted repos under deleted/, where git still reads their history", async () => {
  const d = deps();
  await createEnv(d, { name: "staging", builtin: true });
  const r = await deleteEnv(d, { name: "staging", keepRepo: true });
  const kept = [
    join(d.root, "deleted/staging-apps-1700000000.git"),
    join(d.root, "deleted/staging-infra-1700000000.git"),
  ];
  expect(r.keptRepos).toEqual(kept);
  expect(existsSync(join(d.root, "repos/staging-apps.git"))).toBe(false);
  const log = Bun.spawnSync(["git", "--git-dir", kept[0]!, "log", "--format=%s"]);
  expect(log.exitCode).toBe(0);
  expect(log.stdout.toString()).toContain("Initial commit of the staging environment");
  // The git server looks in repos/ only: the kept repo is not served.
  expect(d.repos.servedRepo("staging-apps")).toBeUndefined();
});

test("a remote env's clone goes, the remote itself is not touched; an unknown env is a NotFoundError", async () => {
  const d = deps();
  await createEnv(d, { name: "prod", repoUrl: "https://git.example/gitops.git" });
  const cache = d.repos.cachePath("prod");
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, "HEAD"), "ref: refs/heads/main\n");
  const r = await deleteEnv(d, { name: "prod", keepRepo: true });
  expect(r).toMatchObject({ builtin: false, repoUrl: "https://git.example/gitops.git", hostedRepos: [] });
  expect(r.keptRepos).toEqual([]);
  expect(existsSync(cache)).toBe(false);

  const missing = await deleteEnv(d, { name: "prod" }).catch((e) => e);
  expect(missing).toBeInstanceOf(NotFoundError);
  expect(missing.message).toContain('environment "prod" does not exist');
  const bad = await deleteEnv(d, { name: "../etc" }).catch((e) => e);
  expect(bad.message).toContain("env");
});

test("the env's agent is dropped: its waiting command fails and its state is not written back", async () => {
  const d = deps();
  await createEnv(d, { name: "staging", builtin: true });
  const agents = new AgentHub({ store: d.store, persistMs: 5 });
  let closed = false;
  agents.connect("staging", undefined, { send: () => {}, close: () => (closed = true) });
  await agents.snapshot({ v: 1, env: "staging", epoch: "e1", seq: 0, state: { env: "staging", apps: [], flux: [] } });
  const waiting = agents.command("staging", { action: "reconcile", kind: "Kustomization", namespace: "f", name: "x" });
  await deleteEnv(d, { name: "staging" }, agents);
  expect(closed).toBe(true);
  expect(await waiting).toEqual({ ok: false, error: "environment staging was deleted" });
  await Bun.sleep(20);
  expect(await d.store.agentState("staging")).toBeUndefined();
  expect((await agents.view("staging")).agent.connected).toBe(false);
});

test("users: the last admin is never deleted, nor the signed-in user by themself; others are", async () => {
  const d = deps();
  await createUser(d, { login: "ann", role: "admin" });
  await createUser(d, { login: "bob", role: "user" });
  const last = await deleteUser(d, "ann").catch((e) => e);
  expect(last).toBeInstanceOf(ConflictError);
  expect(last.message).toBe("ann is the last admin and cannot be deleted");
  expect(last.hint).toContain("gimlet user create NAME --role admin");
  await createUser(d, { login: "cy", role: "admin" });
  const self = await deleteUser(d, "ann", { by: "ann" }).catch((e) => e);
  expect(self).toBeInstanceOf(ConflictError);
  expect(self.message).toContain("cannot delete their own account");
  await deleteUser(d, "ann", { by: "cy" });
  await deleteUser(d, "bob", { by: "cy" });
  expect((await d.store.users()).map((u) => u.login)).toEqual(["cy"]);
  expect(await deleteUser(d, "nobody").catch((e) => e)).toBeInstanceOf(NotFoundError);
});
