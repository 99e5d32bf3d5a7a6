/**
 * Stacks from git: a stack repository made with the real git CLI (tags v0.1.0…v0.3.0, a branch),
 * served by `git http-backend`, read by `stack generate` and `stack update` through isomorphic-git
 * and the stack cache; also file:// and a plain local directory.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../../src/core/errors.ts";
import { generateStack } from "../../../src/stack/generate.ts";
import { StackLoader } from "../../../src/stack/load.ts";
import { checkUpdate } from "../../../src/stack/update.ts";
import { run, startGitServer, type GitServer } from "../../support/git-server.ts";

let server: GitServer;
let work: string;
let bare: string;
const shas: Record<string, string> = {};
const tmp: string[] = [];

function dir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tmp.push(d);
  return d;
}

async function commitVersion(version: string, changeLog: string): Promise<string> {
  writeFileSync(
    join(work, "stack-definition.yaml"),
    `name: test stack\ncomponents:\n  - {name: App, variable: app, schema: '{"type": "object"}'}\nchangeLog: |\n  ${changeLog}\n`,
  );
  writeFileSync(join(work, "config.yaml"), `version: ${version}\nvalue: {{ .app.value }}\n`);
  await run(["git", "add", "-A"], work);
  await run(["git", "commit", "-q", "-m", version], work);
  return (await run(["git", "rev-parse", "HEAD"], work)).trim();
}

beforeAll(async () => {
  process.env.XDG_CACHE_HOME = dir("stack-cache-");
  server = await startGitServer();
  bare = await server.createRepo("stack.git", { empty: true });
  work = dir("stack-work-");
  await run(["git", "init", "-q", "-b", "main", work]);
  shas["v0.1.0"] = await commitVersion("1", "- first");
  await run(["git", "tag", "-a", "v0.1.0", "-m", "annotated"], work);
  shas["v0.2.0"] = await commitVersion("2", "- second");
  await run(["git", "tag", "v0.2.0"], work);
  shas["v0.3.0"] = await commitVersion("3", "- third");
  await run(["git", "tag", "v0.3.0"], work);
  await run(["git", "checkout", "-q", "-b", "next"], work);
  shas.next = await commitVersion("next", "- unreleased");
  await run(["git", "checkout", "-q", "main"], work);
  await run(["git", "push", "-q", "--tags", bare, "main", "next"], work);
});

afterAll(() => {
  server?.stop();
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

async function generated(repository: string, loader = new StackLoader()): Promise<{ out: string; stackYaml: string }> {
  const d = dir("stack-infra-");
  const config = join(d, "stack.yaml");
  writeFileSync(config, `stack:\n  repository: ${repository}\nconfig:\n  app: {value: x}\n`);
  await generateStack({ config, loader });
  return { out: readFileSync(join(d, "config.yaml"), "utf8"), stackYaml: readFileSync(config, "utf8") };
}

describe("stacks from git", () => {
  test("?tag= (annotated and lightweight), ?sha=, ?branch=", async () => {
    const url = server.url("stack.git");
    expect((await generated(`${url}?tag=v0.1.0`)).out).toBe("version: 1\nvalue: x\n");
    expect((await generated(`${url}?tag=v0.2.0`)).out).toBe("version: 2\nvalue: x\n");
    expect((await generated(`${url}?sha=${shas["v0.2.0"]!.slice(0, 10)}`)).out).toBe("version: 2\nvalue: x\n");
    expect((await generated(`${url}?branch=next`)).out).toBe("version: next\nvalue: x\n");
  });

  test("an unpinned URL is locked to the highest semver tag", async () => {
    const r = await generated(server.url("stack.git"));
    expect(r.out).toBe("version: 3\nvalue: x\n");
    expect(r.stackYaml).toContain(`repository: ${server.url("stack.git")}?tag=v0.3.0`);
  });

  test("file:// reads a local repository in place; a plain directory is read as it is", async () => {
    expect((await generated(`file://${bare}?tag=v0.2.0`)).out).toBe("version: 2\nvalue: x\n");
    expect((await generated(work)).out).toBe("version: 3\nvalue: x\n");
  });

  test("update lists newer tags with each tag's changeLog", async () => {
    const d = dir("stack-upd-");
    const config = join(d, "stack.yaml");
    writeFileSync(config, `stack:\n  repository: ${server.url("stack.git")}?tag=v0.1.0\n`);
    const info = await checkUpdate(config);
    expect(info).toEqual({
      currentVersion: "v0.1.0",
      latestVersion: "v0.3.0",
      newer: [
        { version: "v0.2.0", changeLog: "- second\n" },
        { version: "v0.3.0", changeLog: "- third\n" },
      ],
    });
    writeFileSync(config, `stack:\n  repository: ${server.url("stack.git")}?tag=v0.3.0\n`);
    expect((await checkUpdate(config)).newer).toEqual([]);
  });

  test("a pinned tag in the cache generates without the network", async () => {
    const url = server.url("stack.git");
    await generated(`${url}?tag=v0.1.0`);
    const offline = new StackLoader();
    // Same URL, server unreachable for this loader: the cached clone has the tag.
    const realFetch = globalThis.fetch;
    globalThis.fetch = (() => Promise.reject(new Error("network is off"))) as unknown as typeof fetch;
    try {
      expect((await generated(`${url}?tag=v0.1.0`, offline)).out).toBe("version: 1\nvalue: x\n");
      await expect(generated(`${url}?branch=main`, new StackLoader())).rejects.toThrow(
        /cannot fetch stack .*network is off/,
      );
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  test("a bad tag lists the tags; an unreachable repository is a clear error", async () => {
    const err = await generated(`${server.url("stack.git")}?tag=v9.9.9`).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).describe()).toBe(
      "stack.repository: tag v9.9.9 not found in " +
        `${server.url("stack.git")} (tags: v0.1.0, v0.2.0, v0.3.0) (fix the ?tag=, ?sha= or ?branch= of stack.repository, or run \`gimlet stack update\`)`,
    );
    const gone = await generated("http://127.0.0.1:1/nothing.git?tag=v1").catch((e) => e);
    expect(gone).toBeInstanceOf(UserError);
    expect((gone as UserError).describe()).toMatch(
      /^stack\.repository: cannot fetch stack http:\/\/127\.0\.0\.1:1\/nothing\.git: /,
    );
  });
});
