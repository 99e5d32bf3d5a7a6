import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import git from "isomorphic-git";
import { gitFs, tmpObjectInfix } from "./atomic-fs.ts";
import { initRepo } from "./repo.ts";

const dir = mkdtempSync(join(tmpdir(), "gimlet-atomic-fs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loose objects are written atomically", () => {
  test("isomorphic-git writes each object under a temporary name, then renames it into place", async () => {
    const repo = await initRepo(join(dir, "r.git"), { bare: true });
    const seen: string[] = [];
    const original = gitFs.promises.writeFile;
    gitFs.promises.writeFile = (async (path: string, data: Uint8Array, options?: unknown) => {
      seen.push(String(path));
      return (original as (p: string, d: Uint8Array, o?: unknown) => Promise<void>)(path, data, options);
    }) as typeof original;
    try {
      const oid = await git.writeBlob({ fs: repo.fs, gitdir: repo.gitdir, blob: new TextEncoder().encode("hello\n") });
      const final = join(repo.gitdir, "objects", oid.slice(0, 2), oid.slice(2));
      expect(seen).toContain(final);
      expect(existsSync(final)).toBe(true);
      // Nothing but the object itself is left in its folder.
      expect(readdirSync(join(repo.gitdir, "objects", oid.slice(0, 2))).some((f) => f.includes(tmpObjectInfix))).toBe(
        false,
      );
      const { blob } = await git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid });
      expect(new TextDecoder().decode(blob)).toBe("hello\n");
    } finally {
      gitFs.promises.writeFile = original;
    }
  });
});
