import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { merge3, oursLabel, planRegenerate, splitLines, theirsLabel, type FileAction } from "./merge.ts";

const lines = (...l: string[]) => l.map((x) => `${x}\n`).join("");

describe("merge3", () => {
  const base = lines("a: 1", "b: 1", "c: 1", "d: 1", "e: 1");
  test.each([
    [
      "only the stack changed a line",
      base,
      lines("a: 1", "b: 2", "c: 1", "d: 1", "e: 1"),
      lines("a: 1", "b: 2", "c: 1", "d: 1", "e: 1"),
    ],
    [
      "only the user changed a line",
      lines("a: 9", "b: 1", "c: 1", "d: 1", "e: 1"),
      base,
      lines("a: 9", "b: 1", "c: 1", "d: 1", "e: 1"),
    ],
    [
      "both changed different lines",
      lines("a: 9", "b: 1", "c: 1", "d: 1", "e: 1"),
      lines("a: 1", "b: 1", "c: 1", "d: 1", "e: 2"),
      lines("a: 9", "b: 1", "c: 1", "d: 1", "e: 2"),
    ],
    ["both made the same change", lines("a: 1", "b: 7"), lines("a: 1", "b: 7"), lines("a: 1", "b: 7")],
    [
      "the user added lines the stack did not touch",
      lines("a: 1", "x: 0", "b: 1", "c: 1", "d: 1", "e: 1"),
      base,
      lines("a: 1", "x: 0", "b: 1", "c: 1", "d: 1", "e: 1"),
    ],
  ])("%s", (_, ours, theirs, want) => {
    const b = _ === "both made the same change" ? lines("a: 1", "b: 1") : base;
    const r = merge3(ours, b, theirs);
    expect(r.hunks).toEqual([]);
    expect(r.content).toBe(want);
  });

  test("both changed the same line differently: a conflict with both sides and the original's labels", () => {
    const r = merge3(
      lines("a: 1", "b: user", "c: 1"),
      lines("a: 1", "b: 1", "c: 1"),
      lines("a: 1", "b: stack", "c: 1"),
    );
    expect(r.hunks).toEqual([{ line: 2, ours: "b: user\n", base: "b: 1\n", theirs: "b: stack\n" }]);
    expect(r.content).toBe(`a: 1\n<<<<<<< ${oursLabel}\nb: user\n=======\nb: stack\n>>>>>>> ${theirsLabel}\nc: 1\n`);
  });

  test("CRLF line ends and a missing final newline are kept", () => {
    expect(merge3("a\r\nb\r\nc", "a\r\nb\r\nc", "a\r\nB\r\nc").content).toBe("a\r\nB\r\nc");
    expect(splitLines("x\ny")).toEqual(["x\n", "y"]);
  });
});

describe("planRegenerate", () => {
  const act = (files: FileAction[], path: string) => files.find((f) => f.path === path);
  test("per file: new, regenerated, merged, kept, deleted, removed by the user, conflict", () => {
    const previous = {
      "same.yaml": "s\n",
      "gone.yaml": "g\n",
      "gone-edited.yaml": "g\n",
      "upd.yaml": "u\n",
      "edited.yaml": "a\nb\nc\nd\n",
      "rm.yaml": "r\n",
      "cf.yaml": "x\n",
    };
    const next = {
      "same.yaml": "s\n",
      "new.yaml": "n\n",
      "upd.yaml": "u2\n",
      "edited.yaml": "a\nb\nc\nD\n",
      "rm.yaml": "r\n",
      "cf.yaml": "y\n",
    };
    const current = {
      "same.yaml": "s\n",
      "gone.yaml": "g\n",
      "gone-edited.yaml": "g mine\n",
      "upd.yaml": "u\n",
      "edited.yaml": "A\nb\nc\nd\n",
      "rm.yaml": undefined,
      "cf.yaml": "z\n",
      "new.yaml": undefined,
    };
    const plan = planRegenerate({ previous, next, current });
    expect(act(plan.files, "same.yaml")).toEqual({ path: "same.yaml", action: "unchanged" });
    expect(act(plan.files, "new.yaml")).toEqual({ path: "new.yaml", action: "write", content: "n\n", reason: "new" });
    expect(act(plan.files, "upd.yaml")).toEqual({
      path: "upd.yaml",
      action: "write",
      content: "u2\n",
      reason: "regenerated",
    });
    expect(act(plan.files, "edited.yaml")).toEqual({
      path: "edited.yaml",
      action: "write",
      content: "A\nb\nc\nD\n",
      reason: "merged",
    });
    expect(act(plan.files, "gone.yaml")).toEqual({ path: "gone.yaml", action: "delete" });
    expect(act(plan.files, "gone-edited.yaml")).toEqual({
      path: "gone-edited.yaml",
      action: "keep",
      reason: "edited-not-generated",
    });
    expect(act(plan.files, "rm.yaml")).toEqual({ path: "rm.yaml", action: "keep", reason: "deleted-by-user" });
    expect(act(plan.files, "cf.yaml")?.action).toBe("conflict");
    expect(plan.conflicts.map((c) => c.path)).toEqual(["cf.yaml"]);
    expect(plan.changes).toBe(5);
  });

  test("without a baseline, files on disk stay as they are (the original's rule) and missing ones are written", () => {
    const plan = planRegenerate({
      previous: undefined,
      next: { "a.yaml": "new\n", "b.yaml": "b\n" },
      current: { "a.yaml": "old\n" },
    });
    expect(plan.files).toEqual([
      { path: "a.yaml", action: "keep", reason: "no-baseline" },
      { path: "b.yaml", action: "write", content: "b\n", reason: "new" },
    ]);
  });

  test("regenerating what is on disk changes nothing", () => {
    const files = { "a.yaml": "a\n", "b/c.yaml": "c\n" };
    const plan = planRegenerate({ previous: files, next: files, current: files });
    expect(plan.changes).toBe(0);
  });
});

/** A generated file of `n` distinct lines, as a stack renders one. */
const fileOf = (values: string[]) => values.map((v, i) => `key${i}: ${v}\n`).join("");

describe("property: a regenerate keeps the user's edits", () => {
  test("edits to lines the new version does not change survive, and the new version's changes arrive", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 3, max: 40 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.array(fc.constantFrom("user", "stack", "none"), { minLength: n, maxLength: n }),
            ),
          ),
        ([n, who]) => {
          // A user edit and a stack change need an untouched line between them, or diff3 sees one region.
          for (let i = 1; i < n; i++)
            if (who[i] !== "none" && who[i - 1] !== "none" && who[i] !== who[i - 1]) who[i] = "none";
          const base = Array.from({ length: n }, () => "v0");
          const ours = base.map((v, i) => (who[i] === "user" ? "mine" : v));
          const theirs = base.map((v, i) => (who[i] === "stack" ? "v1" : v));
          const want = base.map((v, i) => (who[i] === "user" ? "mine" : who[i] === "stack" ? "v1" : v));
          const plan = planRegenerate({
            previous: { "f.yaml": fileOf(base) },
            next: { "f.yaml": fileOf(theirs) },
            current: { "f.yaml": fileOf(ours) },
          });
          expect(plan.conflicts).toEqual([]);
          const f = plan.files[0]!;
          const content = f.action === "write" ? f.content : fileOf(ours);
          expect(content).toBe(fileOf(want));
        },
      ),
      { numRuns: 300 },
    );
  });

  test("a line both sides changed differently is always a conflict, reported with both sides", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 8 }),
        (n, at, word) => {
          const i = at % n;
          const base = Array.from({ length: n }, () => "v0");
          const ours = base.map((v, j) => (j === i ? `mine-${word}` : v));
          const theirs = base.map((v, j) => (j === i ? "v1" : v));
          const plan = planRegenerate({
            previous: { "f.yaml": fileOf(base) },
            next: { "f.yaml": fileOf(theirs) },
            current: { "f.yaml": fileOf(ours) },
          });
          expect(plan.conflicts.length).toBe(1);
          const h = plan.conflicts[0]!.hunks[0]!;
          expect(h.ours).toContain(`mine-${word}`);
          expect(h.theirs).toContain("v1");
          expect(h.line).toBe(i + 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
