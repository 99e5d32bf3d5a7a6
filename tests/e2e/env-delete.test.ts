/**
 * `gimlet env delete` through the compiled binary: refused without --yes (saying what would go),
 * against a running server (DELETE /api/envs/ENV, admin only) and directly in a data dir, with and
 * without --keep-repo.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gimlet, scratch } from "../support/bin.ts";

const { temp, serve, cleanUp } = scratch("gimlet-e2e-env-delete-");
afterAll(cleanUp);

describe("gimlet env delete", () => {
  test("in a data dir: without --yes nothing goes and the message says what would; --keep-repo keeps the repos", async () => {
    const dir = temp();
    expect((await gimlet(["env", "create", "staging", "--builtin", "--data-dir", dir])).code).toBe(0);
    expect(
      (await gimlet(["user", "create", "agent-staging", "--role", "agent", "--env", "staging", "--data-dir", dir]))
        .code,
    ).toBe(0);

    const asked = await gimlet(["env", "delete", "staging", "--data-dir", dir]);
    expect(asked.code).not.toBe(0);
    expect(asked.stderr).toContain("deleting environment staging cannot be undone");
    expect(asked.stderr).toContain("staging-apps.git");
    expect(asked.stderr).toContain("are deleted with their history");
    expect(asked.stderr).toContain("agent-staging");
    expect(asked.stderr).toContain("--yes");
    expect(existsSync(join(dir, "repos", "staging-apps.git", "HEAD"))).toBe(true);

    const del = await gimlet(["env", "delete", "staging", "--yes", "--keep-repo", "--data-dir", dir, "-o", "json"]);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stderr).toContain("environment staging deleted");
    const r = JSON.parse(del.stdout) as { users: string[]; keptRepos: string[] };
    expect(r.users).toEqual(["agent-staging"]);
    expect(r.keptRepos).toHaveLength(2);
    expect(readdirSync(join(dir, "deleted")).sort()).toEqual(r.keptRepos.map((p) => p.split("/").pop()!).sort());
    expect(existsSync(join(dir, "repos", "staging-apps.git"))).toBe(false);
    expect((await gimlet(["env", "list", "--data-dir", dir])).stdout).toBe("no environments\n");

    const again = await gimlet(["env", "delete", "staging", "--yes", "--data-dir", dir]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('environment "staging" does not exist');
  });

  test("against a server: a user token is refused, the admin's deletes the env and its hosted repos", async () => {
    const dataDir = temp();
    const s = await serve(dataDir);
    const admin = { GIMLET_SERVER: s.url, GIMLET_TOKEN: s.token };
    expect((await gimlet(["env", "create", "staging", "--builtin"], { env: admin })).code).toBe(0);
    const made = await gimlet(["user", "create", "dev", "--role", "user", "-o", "json"], { env: admin });
    expect(made.code, made.stderr).toBe(0);
    const devToken = (JSON.parse(made.stdout) as { token: string }).token;

    const refused = await gimlet(["env", "delete", "staging", "--yes"], {
      env: { GIMLET_SERVER: s.url, GIMLET_TOKEN: devToken },
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("the user role may not env.delete");
    expect(existsSync(join(dataDir, "repos", "staging-apps.git", "HEAD"))).toBe(true);

    const del = await gimlet(["env", "delete", "staging", "--yes"], { env: admin });
    expect(del.code, del.stderr).toBe(0);
    expect(del.stderr).toContain("environment staging deleted");
    expect(del.stderr).toContain("are deleted with their history");
    expect(existsSync(join(dataDir, "repos", "staging-apps.git"))).toBe(false);
    expect(existsSync(join(dataDir, "repos", "staging-infra.git"))).toBe(false);
    const list = await gimlet(["env", "list"], { env: admin });
    expect(list.stdout).toBe("no environments\n");
    // The name is free again: a new env gets fresh repos.
    expect((await gimlet(["env", "create", "staging", "--builtin"], { env: admin })).code).toBe(0);
  });
});
