import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { splitObjects } from "../gitops/index.ts";
import { loadManifests, renderManifest } from "../manifest/index.ts";
import { diffFiles, renderChangeDiff, unifiedDiff } from "./index.ts";

const goldenDir = join(import.meta.dir, "testdata");

function golden(name: string, actual: string): void {
  const file = join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) {
    if (process.env.UPDATE_GOLDEN !== "1") throw new Error(`${file} missing: run with UPDATE_GOLDEN=1 and review it`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, "utf8"));
}

/** The files `<env>/<app>/` holds once onechart renders these values. */
function rendered(values: string): Map<string, string> {
  const text = `app: web\nenv: staging\nnamespace: team-a\nchart:\n  name: onechart\n  repository: https://chart.onechart.dev\n  version: 0.74.0\nvalues:\n${values}`;
  const [loaded] = loadManifests(text, { file: "staging.yaml", vars: {} });
  return new Map(splitObjects(renderManifest(loaded!)).map((f) => [`staging/web/${f.path}`, f.content]));
}

const secret = (password: string, user = "app") =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: team-a\nstringData:\n  password: ${password}\n  user: ${user}\n`;

describe("diffFiles()", () => {
  test("an image bump is one field of the Deployment, and its text diff", () => {
    const d = diffFiles(
      rendered(`  image:\n    repository: nginx\n    tag: "1.26"\n`),
      rendered(`  image:\n    repository: nginx\n    tag: "1.27"\n`),
    );
    expect(d.summary.map((s) => s.text)).toEqual([
      "~ Deployment/web: spec.template.spec.containers[0].image nginx:1.26 → nginx:1.27",
    ]);
    golden("image-bump.txt", renderChangeDiff(d));
  });

  test("added and removed objects are + and - lines; a Secret's values never appear", () => {
    const before = rendered(
      `  image:\n    repository: nginx\n    tag: "1.27"\n  ingress:\n    host: web.example.com\n`,
    );
    before.set("staging/web/secret-db.yaml", secret("hunter2"));
    const after = rendered(`  image:\n    repository: nginx\n    tag: "1.27"\n  replicas: 2\n  containerPort: 8080\n`);
    after.set("staging/web/secret-db.yaml", secret("correct-horse"));
    after.set("staging/web/secret-api.yaml", secret("s3cret-new", "api").replace("name: db", "name: api"));
    const d = diffFiles(before, after);
    const all = JSON.stringify(d);
    for (const value of ["hunter2", "correct-horse", "s3cret-new"]) expect(all).not.toContain(value);
    expect(d.summary.map((s) => s.text)).toContain("- Ingress/web");
    expect(d.summary.map((s) => s.text)).toContain("+ Secret/api");
    expect(d.summary.map((s) => s.text)).toContain("~ Secret/db: stringData.password (changed, value hidden)");
    golden("objects-and-secrets.txt", renderChangeDiff(d));
  });

  test("a Secret whose values did not change shows no change, and an unchanged tree diffs to nothing", () => {
    const a = new Map([["e/a/s.yaml", secret("x")]]);
    expect(diffFiles(a, new Map(a))).toEqual({ files: [], summary: [], diff: "" });
    expect(renderChangeDiff(diffFiles(a, a))).toBe("No changes.\n");
  });

  test("a Secret in a file that is not valid YAML is hidden whole", () => {
    const d = diffFiles(new Map(), new Map([["e/a/s.yaml", "kind: Secret\ndata: {password: hunter2\n"]]));
    expect(d.diff).not.toContain("hunter2");
    expect(d.files[0]!.change).toBe("added");
  });
});

describe("unifiedDiff()", () => {
  test("is exactly what `git diff --no-index` prints for a small change", () => {
    const a = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n";
    const b = "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl";
    const dir = mkdtempSync(join(tmpdir(), "udiff-"));
    writeFileSync(join(dir, "old"), a);
    writeFileSync(join(dir, "new"), b);
    const git = spawnSync("git", ["diff", "--no-index", "--no-color", "old", "new"], { cwd: dir, encoding: "utf8" });
    // git names the enclosing "function" after a hunk header; plain files have none.
    const hunks = git.stdout.slice(git.stdout.indexOf("@@")).replace(/^(@@ [^@]+ @@).*$/gm, "$1");
    expect(unifiedDiff("f", a, b).split("\n").slice(2).join("\n")).toBe(hunks);
  });

  test("`git apply` turns the old text into the new one, for any pair of line lists", () => {
    const line = fc.constantFrom("a", "b", "c", "d", "", "  x: 1");
    const text = fc
      .tuple(fc.array(line, { maxLength: 30 }), fc.boolean())
      .map(([ls, eol]) => (ls.length ? ls.join("\n") + (eol ? "\n" : "") : ""));
    const dir = mkdtempSync(join(tmpdir(), "udiff-"));
    spawnSync("git", ["init", "-q"], { cwd: dir });
    fc.assert(
      fc.property(text, text, (a, b) => {
        writeFileSync(join(dir, "f"), a);
        const patch = unifiedDiff("f", a, b);
        if (a === b) return patch === "";
        writeFileSync(join(dir, "p.diff"), `diff --git a/f b/f\n${patch}`);
        const r = spawnSync("git", ["apply", "--unidiff-zero", "p.diff"], { cwd: dir, encoding: "utf8" });
        if (r.status !== 0) throw new Error(`git apply: ${r.stderr}\n${patch}`);
        return readFileSync(join(dir, "f"), "utf8") === b;
      }),
      { numRuns: 150 },
    );
  });
});
