import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { checkImports } from "./check-imports.ts";

const dirs: string[] = [];
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "imports-"));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("checkImports()", () => {
  test("accepts imports that follow the allowed direction", () => {
    const root = tree({
      "main.ts": 'import { x } from "./cmd/index.ts";',
      "cmd/index.ts": 'import { y } from "../core/a.ts";\nexport const x = y;',
      "core/a.ts": 'import { parse } from "yaml";\nexport const y = parse;',
    });
    expect(checkImports(root)).toEqual([]);
  });

  test("reports a leftward import with file and line", () => {
    const root = tree({ "core/a.ts": '\nimport { x } from "../cmd/index.ts";', "cmd/index.ts": "export const x = 1;" });
    const v = checkImports(root);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ file: "core/a.ts", line: 2 });
    expect(v[0]!.message).toContain("core may not import cmd");
  });

  test("ops sits between the modes and {git, store, core}: server may import it, it may not import server or cmd", () => {
    const root = tree({
      "server/s.ts": 'import "../ops/o.ts";',
      "ops/o.ts": 'import "../store/x.ts";\nimport "../server/t.ts";\nimport "../cmd/c.ts";',
      "store/x.ts": "",
      "server/t.ts": "",
      "cmd/c.ts": "",
    });
    expect(checkImports(root).map((v) => v.message)).toEqual([
      "ops may not import server (../server/t.ts)",
      "ops may not import cmd (../cmd/c.ts)",
      "module import cycle: server → ops → server",
    ]);
  });

  test("forbids the long-running modes from importing each other", () => {
    const root = tree({ "agent/a.ts": 'import "../server/s.ts";', "server/s.ts": "" });
    expect(checkImports(root).map((v) => v.message)).toEqual(["agent may not import server (../server/s.ts)"]);
  });

  test("keeps core free of I/O packages", () => {
    const root = tree({ "core/a.ts": 'import { readFileSync } from "node:fs";' });
    expect(checkImports(root)[0]!.message).toContain("core must stay pure");
  });

  test("finds a file-level cycle inside one module", () => {
    const root = tree({
      "core/a.ts": 'import { b } from "./b.ts";\nexport const a = 1;',
      "core/b.ts": 'import { a } from "./a.ts";\nexport const b = 2;',
    });
    const msgs = checkImports(root).map((v) => v.message);
    expect(msgs.some((m) => m.startsWith("file import cycle:"))).toBe(true);
  });

  test("ignores type-only imports when looking for cycles", () => {
    const root = tree({
      "core/a.ts": 'import type { B } from "./b.ts";\nexport type A = 1;',
      "core/b.ts": 'import { a } from "./a.ts";',
    });
    expect(checkImports(root)).toEqual([]);
  });
});
