import { describe, expect, test } from "bun:test";
import { UserError, ValidationError } from "../errors.ts";
import { loadManifests } from "./load.ts";

function problemsOf(text: string, vars: Record<string, string> = {}): string[] {
  try {
    loadManifests(text, { file: "m.yaml", vars });
  } catch (e) {
    if (e instanceof ValidationError) return e.problems.map((p) => p.describe());
    if (e instanceof UserError) return [e.describe()];
    throw e;
  }
  return [];
}

describe("loadManifests()", () => {
  test("resolves template variables before parsing", () => {
    const [m] = loadManifests('app: web\nenv: staging\nnamespace: team\nvalues:\n  image:\n    tag: "{{ .SHA }}"\n', {
      vars: { SHA: "abc" },
    });
    expect(m!.manifest.values).toEqual({ image: { tag: "abc" } });
  });

  test("reads every document of a multi-document file", () => {
    const loaded = loadManifests("app: a\nenv: e\n---\napp: b\nenv: e\n---\n");
    expect(loaded.map((l) => [l.manifest.app, l.index])).toEqual([
      ["a", 0],
      ["b", 1],
    ]);
  });

  test("defaults the namespace to default, as helm does", () => {
    expect(loadManifests("app: a\nenv: e\n")[0]!.manifest.namespace).toBe("default");
  });

  test("names file, line, column and field path of an unknown field, with a suggestion", () => {
    expect(problemsOf("app: a\nenv: e\nnamspace: x\n")).toEqual([
      "m.yaml:3:1: namspace: unknown field (did you mean `namespace`?)",
    ]);
  });

  test("reports wrong types at the offending value", () => {
    expect(problemsOf("app: a\nenv: e\ndeploy:\n  event: merge\n  commitMessagePatterns: x\n")).toEqual([
      'm.yaml:4:10: deploy.event: must be one of push, tag, pr, got string "merge"',
      'm.yaml:5:26: deploy.commitMessagePatterns: must be a list, got string "x"',
    ]);
  });

  test("asks for quotes where YAML made a number of a string field", () => {
    expect(problemsOf("app: a\nenv: e\nchart:\n  name: onechart\n  version: 0.32\n")).toEqual([
      "m.yaml:5:12: chart.version: must be a string, got number 0.32 (quote the value)",
    ]);
  });

  test("an all-empty chart (what the original CLI sends for no chart) is no chart; a half-filled one still needs a name", () => {
    const text = 'app: a\nenv: e\nchart:\n  repository: ""\n  name: ""\n  version: ""\nvalues:\n  replicas: 2\n';
    expect(problemsOf(text)).toEqual([]);
    expect(problemsOf('app: a\nenv: e\nchart:\n  repository: https://charts.example.com\n  name: ""\n')).toEqual([
      "m.yaml:4:3: chart.name: is required",
    ]);
  });

  test("requires app and env", () => {
    expect(problemsOf("namespace: x\n")).toEqual(["m.yaml:1:1: app: is required", "m.yaml:1:1: env: is required"]);
  });

  test("refuses names that are not DNS labels, so they can never escape a path", () => {
    expect(problemsOf("app: ../etc\nenv: e\n")[0]).toStartWith('m.yaml:1:6: app: "../etc" is not a valid name');
    expect(problemsOf("app: a\nenv: prod/x\n")[0]).toContain('"prod/x" is not a valid name');
  });

  test("fails on a missing variable and names it with its line", () => {
    const [p] = problemsOf('app: a\nenv: e\nvalues:\n  image:\n    tag: "{{ .SHA }}"\n');
    expect(p).toContain("m.yaml:5:");
    expect(p).toContain("SHA");
  });

  test("resolves cleanup separately, with only BRANCH and no missing-key error", () => {
    const text =
      'app: "web-{{ .BRANCH | sanitizeDNSName }}"\nenv: e\ncleanup:\n  app: "web-{{ .BRANCH | sanitizeDNSName }}-{{ .SHA }}"\n  event: branchDeleted\n  branch: "feature/*"\n';
    const [m] = loadManifests(text, { vars: { BRANCH: "feature/Login", SHA: "abc" } });
    expect(m!.manifest.app).toBe("web-feature-login");
    // SHA is not visible to cleanup: the original resolves it with BRANCH alone.
    expect(m!.manifest.cleanup).toEqual({
      app: "web-feature-login-<no value>",
      event: "branchDeleted",
      branch: "feature/*",
    });
  });

  test("does not need cleanup's variables in the main pass", () => {
    const [m] = loadManifests("app: web\nenv: e\ncleanup:\n  app: 'web-{{ .NOPE }}'\n  event: branchDeleted\n", {
      vars: {},
    });
    expect(m!.manifest.cleanup?.event).toBe("branchDeleted");
  });

  test("templates keys, map values and sequence items; the first failing one in file order is reported", () => {
    const text =
      'app: web\nenv: e\nvalues:\n  vars:\n    "{{ .K }}": "{{ .V }}"\n  list:\n  - "{{ .L }}"\n  - [x, "{{ .L }}"]\n';
    const [m] = loadManifests(text, { vars: { K: "KEY", V: "v", L: "l" } });
    expect(m!.manifest.values).toEqual({ vars: { KEY: "v" }, list: ["l", ["x", "l"]] });
    const broken = text.replace("{{ .L }}", "{{ .B }}").replace("{{ .V }}", "{{ .A }}");
    expect(problemsOf(broken)[0]).toMatch(/^m\.yaml:5:.*"K"/); // the key comes before its value
    expect(problemsOf(broken, { K: "KEY" })[0]).toMatch(/^m\.yaml:5:.*"A"/);
  });

  test("reports YAML syntax errors with their position", () => {
    expect(problemsOf("app: a\nenv: [e\n")[0]).toMatch(/^m\.yaml:\d+:\d+: YAML syntax error/);
  });

  test("refuses alias bombs instead of expanding them", () => {
    const bomb = [
      "a: &a [x,x,x,x,x,x,x,x,x,x]",
      ...Array.from(
        { length: 8 },
        (_, i) => `${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(10).fill(`*${"abcdefgh"[i]}`).join(",")}]`,
      ),
    ].join("\n");
    expect(problemsOf(`app: x\nenv: e\nvalues:\n  ${bomb.replace(/\n/g, "\n  ")}\n`)[0]).toContain("aliases");
  });

  test("refuses inputs over the size limit before parsing", () => {
    expect(problemsOf("#".repeat(5 * 1024 * 1024))[0]).toContain("the limit is 4 MiB");
  });

  test("rejects an empty file", () => {
    expect(problemsOf("# nothing\n")).toEqual(["m.yaml: no manifest found (the file is empty)"]);
  });
});
