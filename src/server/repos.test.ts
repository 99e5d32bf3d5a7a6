/** Startup clean-up of a data dir left by a killed run must survive whatever it finds there. */
import { afterAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Repos } from "./repos.ts";

const dir = mkdtempSync(join(tmpdir(), "repos-locks-"));
afterAll(() => {
  chmodSync(join(dir, "repos", "a.git", "refs", "closed"), 0o755);
  rmSync(dir, { recursive: true, force: true });
});

test("clearStaleLocks removes lock files and quarantines, and skips lock-named directories, symlinks and unreadable dirs", () => {
  const git = join(dir, "repos", "a.git");
  const heads = join(git, "refs", "heads");
  mkdirSync(join(heads, "main.lock", "x"), { recursive: true }); // a ref once pushed as main.lock/x
  writeFileSync(join(heads, "main.lock", "x", "y.lock"), "");
  writeFileSync(join(heads, "dev.lock"), "");
  const outside = join(dir, "outside.lock");
  writeFileSync(outside, "keep me");
  symlinkSync(outside, join(heads, "link.lock"));
  symlinkSync(dir, join(heads, "loop"));
  mkdirSync(join(git, "refs", "closed"));
  writeFileSync(join(git, "refs", "closed", "z.lock"), "");
  chmodSync(join(git, "refs", "closed"), 0o000);
  writeFileSync(join(git, "packed-refs.lock"), "");
  mkdirSync(join(git, "objects", "tmp_objdir-incoming-abc", "pack"), { recursive: true });
  writeFileSync(join(dir, "repos", "stray-file"), "");

  const n = new Repos(dir).clearStaleLocks();
  expect(existsSync(join(heads, "dev.lock"))).toBe(false);
  expect(existsSync(join(heads, "main.lock", "x", "y.lock"))).toBe(false);
  expect(existsSync(join(heads, "main.lock"))).toBe(true);
  expect(existsSync(outside)).toBe(true);
  expect(existsSync(join(heads, "link.lock"))).toBe(true);
  expect(existsSync(join(git, "packed-refs.lock"))).toBe(false);
  expect(existsSync(join(git, "objects", "tmp_objdir-incoming-abc"))).toBe(false);
  expect(n).toBeGreaterThanOrEqual(4);
});
