/**
 * `gimlet env create | list` and `gimlet user create | list | delete` through the compiled binary,
 * against a running `gimlet serve` (admin token, the server makes the hosted repos) and directly in a
 * data dir: both paths run the same use cases, so they answer alike.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { gimlet, scratch } from "../support/bin.ts";
import { run } from "../support/git-server.ts";

const { temp, serve, cleanUp } = scratch("gimlet-e2e-envs-");
afterAll(cleanUp);

describe("gimlet env against a server", () => {
  test("create makes the env and its hosted repo on the server; list shows it; git clones the repo", async () => {
    const dataDir = temp();
    const s = await serve(dataDir);
    const env = { GIMLET_SERVER: s.url, GIMLET_TOKEN: s.token };
    const created = await gimlet(["env", "create", "staging", "--builtin"], { env });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain("environment staging created");
    expect(existsSync(join(dataDir, "repos", "staging-apps.git", "HEAD"))).toBe(true);
    expect(existsSync(join(dataDir, "repos", "staging-infra.git", "HEAD"))).toBe(true);
    const remote = await gimlet(
      [
        "env",
        "create",
        "prod",
        "--gitops-repo",
        "https://git.example/gitops.git",
        "--gitops-token",
        "ghp_secret",
        "-o",
        "json",
      ],
      { env },
    );
    expect(remote.code, remote.stderr).toBe(0);
    expect(JSON.parse(remote.stdout)).toMatchObject({
      name: "prod",
      builtin: false,
      repoUrl: "https://git.example/gitops.git",
    });
    expect(remote.stdout).not.toContain("ghp_secret");

    const list = await gimlet(["env", "list"], { env });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toBe("prod\thttps://git.example/gitops.git\nstaging\tbuiltin\n");
    const json = JSON.parse(
      (await gimlet(["env", "list", "-o", "json", "--server", s.url, "--token", s.token])).stdout,
    ) as object[];
    expect(json.map((e) => (e as { name: string }).name)).toEqual(["prod", "staging"]);
    expect(JSON.stringify(json)).not.toContain("ghp_secret");

    // The hosted repo is a real one: git clones it with the admin token.
    const clone = join(temp(), "c");
    const url = `http://admin:${s.token}@${s.url.slice(7)}/git/staging-apps.git`;
    await run(["git", "clone", "-q", url, clone]);
    expect(existsSync(join(clone, "README.md"))).toBe(true);
  });

  test("a builtin env has an infra repo: admins push to it, the env's flux token reads it and no other", async () => {
    const dataDir = temp();
    const s = await serve(dataDir);
    const env = { GIMLET_SERVER: s.url, GIMLET_TOKEN: s.token };
    for (const name of ["staging", "prod"]) {
      expect((await gimlet(["env", "create", name, "--builtin"], { env })).code).toBe(0);
    }
    const flux = async (e: string) =>
      (await gimlet(["user", "create", `flux-${e}`, "--role", "flux", "--env", e], { env })).stdout.trim();
    const bare = (kind: string) => ["git", "--git-dir", join(dataDir, "repos", `staging-${kind}.git`)];
    const [stagingFlux, prodFlux] = [await flux("staging"), await flux("prod")];
    const repo = (token: string) => `http://gimlet:${token}@${s.url.slice(7)}/git/staging-infra.git`;

    const wc = join(temp(), "infra");
    await run(["git", "clone", "-q", repo(s.token), wc]);
    expect(await Bun.file(join(wc, "README.md")).text()).toContain("gimlet stack generate");
    const ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: infrastructure}\n";
    await Bun.write(join(wc, "staging", "dependencies", "ns.yaml"), ns);
    await run(["git", "add", "-A"], wc);
    await run(["git", "commit", "-q", "-m", "infra"], wc);
    await run(["git", "push", "-q", "origin", "HEAD"], wc);
    const pushed = (await run(["git", "rev-parse", "HEAD"], wc)).trim();
    expect((await run([...bare("infra"), "rev-parse", "main"])).trim()).toBe(pushed);

    const read = join(temp(), "read");
    await run(["git", "clone", "-q", repo(stagingFlux), read]);
    expect((await run(["git", "rev-parse", "HEAD"], read)).trim()).toBe(pushed);
    await Bun.write(join(read, "x.yaml"), "x: 1\n");
    await run(["git", "add", "-A"], read);
    await run(["git", "commit", "-q", "-m", "x"], read);
    await expect(run(["git", "push", "-q", "origin", "HEAD"], read)).rejects.toThrow(/403/);
    await expect(run(["git", "clone", "-q", repo(prodFlux), join(temp(), "other")])).rejects.toThrow(/403/);
    // The apps repo is untouched by infra pushes.
    expect(await run([...bare("apps"), "ls-tree", "-r", "--name-only", "main"])).toBe("README.md\n");
  });

  test("bad input is refused by the server with the field named, and nothing is created", async () => {
    const dataDir = temp();
    const s = await serve(dataDir);
    const env = { GIMLET_SERVER: s.url, GIMLET_TOKEN: s.token };
    const both = await gimlet(["env", "create", "qa", "--builtin", "--gitops-repo", "https://git.example/g.git"], {
      env,
    });
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("give exactly one of builtin and gitopsRepo");
    const creds = await gimlet(["env", "create", "qa", "--gitops-repo", "https://x:y@git.example/g.git"], { env });
    expect(creds.code).toBe(1);
    expect(creds.stderr).toContain("must not hold credentials");
    const reserved = await gimlet(["env", "create", "flux", "--builtin"], { env });
    expect(reserved.code).toBe(1);
    expect(reserved.stderr).toContain("reserved");
    expect((await gimlet(["env", "create", "qa", "--builtin"], { env })).code).toBe(0);
    const again = await gimlet(["env", "create", "qa", "--builtin"], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");
    expect((await gimlet(["env", "list"], { env })).stdout).toBe("qa\tbuiltin\n");
  });

  test("only an admin token may create envs", async () => {
    const dataDir = temp();
    const s = await serve(dataDir);
    const admin = { GIMLET_SERVER: s.url, GIMLET_TOKEN: s.token };
    const user = await gimlet(["user", "create", "dev"], { env: admin });
    expect(user.code, user.stderr).toBe(0);
    const dev = { GIMLET_SERVER: s.url, GIMLET_TOKEN: user.stdout.trim() };
    const r = await gimlet(["env", "create", "staging", "--builtin"], { env: dev });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("403");
    expect(existsSync(join(dataDir, "repos", "staging-apps.git"))).toBe(false);
    expect(existsSync(join(dataDir, "repos", "staging-infra.git"))).toBe(false);
  });
});

describe("gimlet env and user in a data dir", () => {
  test("the same commands work on --data-dir without a server, alike", async () => {
    const dir = temp();
    const created = await gimlet(["env", "create", "staging", "--builtin", "--data-dir", dir]);
    expect(created.code, created.stderr).toBe(0);
    expect(existsSync(join(dir, "repos", "staging-apps.git", "HEAD"))).toBe(true);
    const list = await gimlet(["env", "list", "--data-dir", dir]);
    expect(list.stdout).toBe("staging\tbuiltin\n");
    const u = await gimlet(["user", "create", "ci", "--env", "staging", "--data-dir", dir]);
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout).toMatch(/^glt_/);
    expect((await gimlet(["user", "list", "--data-dir", dir])).stdout).toBe("ci\tuser\tstaging\n");
    const unknownEnv = await gimlet(["user", "create", "x", "--env", "nope", "--data-dir", dir]);
    expect(unknownEnv.code).not.toBe(0);
    expect(unknownEnv.stderr).toContain('environment "nope" does not exist');
    expect((await gimlet(["user", "delete", "ci", "--data-dir", dir])).code).toBe(0);
    expect((await gimlet(["user", "list", "--data-dir", dir])).stdout).toBe("");

    // A server started on that dir sees what the CLI made.
    const s = await serve(dir);
    const env = { GIMLET_SERVER: s.url, GIMLET_TOKEN: s.token };
    expect((await gimlet(["env", "list"], { env })).stdout).toBe("staging\tbuiltin\n");
  });
});
