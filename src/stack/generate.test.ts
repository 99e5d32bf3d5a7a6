/**
 * `stack generate` on real directories with the embedded reference stack: goldens, the v1 → v2
 * upgrade through the 3-way merge, conflicts, removals, idempotence and bad input.
 */
import { afterEach, describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { ConflictError, UserError, ValidationError } from "../core/errors.ts";
import { generateStack } from "./generate.ts";
import { applyUpdate, checkUpdate } from "./update.ts";

const full = (tag: string) => `---
stack:
  repository: embedded:reference?tag=${tag}
config:
  nginx:
    enabled: true
    host: example.com
  certManager:
    enabled: true
    email: admin@example.com
  sealedSecrets:
    enabled: true
  prometheus:
    enabled: true
  loki:
    enabled: true
  gimletAgent:
    enabled: true
    environment: production
    dashboardAddress: https://gimlet.example.com
    agentKey: not-a-real-key
`;
const minimal = `stack:\n  repository: embedded:reference?tag=v2\nconfig:\n  nginx:\n    enabled: true\n    host: example.com\n`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function infra(stackYaml: string): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), "stack-gen-"));
  dirs.push(dir);
  writeFileSync(join(dir, "stack.yaml"), stackYaml);
  return { dir, config: join(dir, "stack.yaml") };
}

/** Every file under `dir` (relative path → content), with its mtime when asked. */
function tree(dir: string, withTimes = false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, "utf8") + (withTimes ? `@${statSync(p).mtimeMs}` : "");
    }
  };
  walk(dir);
  return out;
}

function checkGolden(name: string, dir: string): void {
  const golden = join(import.meta.dir, "testdata", "golden", name);
  const got = tree(dir);
  delete got["stack.yaml"];
  if (process.env.UPDATE_GOLDEN) {
    rmSync(golden, { recursive: true, force: true });
    for (const [p, c] of Object.entries(got)) {
      mkdirSync(dirname(join(golden, p)), { recursive: true });
      writeFileSync(join(golden, p), c);
    }
  }
  expect(got).toEqual(tree(golden));
}

describe("stack generate", () => {
  test("golden: the full reference stack", async () => {
    const { dir, config } = infra(full("v2"));
    const r = await generateStack({ config });
    expect(r.plan.conflicts).toEqual([]);
    checkGolden("full", dir);
  });

  test("golden: a minimal stack.yaml renders only nginx (empty outputs dropped)", async () => {
    const { dir, config } = infra(minimal);
    await generateStack({ config });
    checkGolden("minimal", dir);
    expect(existsSync(join(dir, "helm-releases/loki.yaml"))).toBe(false);
  });

  test("a second generate changes nothing", async () => {
    const { dir, config } = infra(full("v2"));
    await generateStack({ config });
    const before = tree(dir, true);
    const r = await generateStack({ config });
    expect(r.plan.changes).toBe(0);
    expect(tree(dir, true)).toEqual(before);
  });

  test("update v1 → v2: the user's edits survive, the new version's changes arrive", async () => {
    const { dir, config } = infra(full("v1"));
    await generateStack({ config });
    const nginx = join(dir, "helm-releases/ingress-nginx.yaml");
    writeFileSync(nginx, readFileSync(nginx, "utf8") + '    # ours\n    tcp:\n      "2222": git/ssh:22\n');
    const loki = join(dir, "helm-releases/loki.yaml");
    writeFileSync(loki, readFileSync(loki, "utf8").replace("        size: 10Gi", "        size: 50Gi"));

    const info = await checkUpdate(config);
    expect(info).toMatchObject({ currentVersion: "v1", latestVersion: "v2" });
    expect(info.newer[0]!.changeLog).toContain("ingress-nginx chart 4.11.5 → 4.12.1");
    writeFileSync(config, applyUpdate(config, info)!);
    const r = await generateStack({ config });

    const n = readFileSync(nginx, "utf8");
    expect(n).toContain('version: "4.12.1"');
    expect(n).toContain("replicaCount: 2");
    expect(n).toContain('      "2222": git/ssh:22\n');
    const l = readFileSync(loki, "utf8");
    expect(l).toContain("size: 50Gi");
    expect(l).toContain("retention_period: 14d");
    expect(r.plan.files.find((f) => f.path === "helm-releases/ingress-nginx.yaml")).toMatchObject({
      action: "write",
      reason: "merged",
    });
    expect(readFileSync(join(dir, ".stack/old"), "utf8")).toContain("embedded:reference?tag=v2");
  });

  test("a conflicting edit writes nothing, and names the file, line and both sides", async () => {
    const { dir, config } = infra(full("v1"));
    await generateStack({ config });
    const nginx = join(dir, "helm-releases/ingress-nginx.yaml");
    writeFileSync(nginx, readFileSync(nginx, "utf8").replace('version: "4.11.5"', 'version: "4.11.9"'));
    writeFileSync(config, full("v2"));
    const before = tree(dir, true);
    const err = await generateStack({ config }).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    const msg = (err as UserError).describe();
    expect(msg).toContain(`${nginx}:13: conflict`);
    expect(msg).toContain('Your custom settings:\n    |       version: "4.11.9"\n');
    expect(msg).toContain('From stack generate:\n    |       version: "4.12.1"');
    expect(tree(dir, true)).toEqual(before);

    const r = await generateStack({ config, allowConflicts: true });
    expect(r.plan.conflicts.map((c) => c.path)).toEqual(["helm-releases/ingress-nginx.yaml"]);
    expect(readFileSync(nginx, "utf8")).toContain(
      '<<<<<<< Your custom settings\n      version: "4.11.9"\n=======\n      version: "4.12.1"\n>>>>>>> From stack generate\n',
    );
    expect(readFileSync(nginx, "utf8")).toContain("replicaCount: 2");
  });

  test("files no longer rendered are removed unless the user edited them", async () => {
    const { dir, config } = infra(full("v2"));
    await generateStack({ config });
    const promtail = join(dir, "helm-releases/promtail.yaml");
    writeFileSync(promtail, readFileSync(promtail, "utf8") + "# mine\n");
    writeFileSync(config, full("v2").replace("  loki:\n    enabled: true", "  loki:\n    enabled: false"));
    await generateStack({ config });
    expect(existsSync(join(dir, "helm-releases/loki.yaml"))).toBe(false);
    expect(existsSync(join(dir, "helm-repositories/grafana.yaml"))).toBe(false);
    expect(readFileSync(promtail, "utf8")).toEndWith("# mine\n");
    expect(readFileSync(join(dir, "helm-releases/kube-prometheus-stack.yaml"), "utf8")).not.toContain("Loki");
  });

  test("an unpinned embedded stack is locked to its latest version, comments kept", async () => {
    const { config } = infra("# my infra\nstack:\n  repository: embedded:reference # pinned by generate\nconfig: {}\n");
    const r = await generateStack({ config });
    expect(r.lockedTo).toBe("v2");
    expect(readFileSync(config, "utf8")).toBe(
      "# my infra\nstack:\n  repository: embedded:reference?tag=v2 # pinned by generate\nconfig: {}\n",
    );
  });
});

describe("stack generate refuses bad input and writes nothing", () => {
  function localStack(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), "stack-src-"));
    dirs.push(dir);
    for (const [p, c] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), c);
    }
    return dir;
  }
  const def = 'components:\n  - {name: A, variable: a, schema: \'{"type": "object"}\'}\n';

  test("a template error names the stack file, line and column", async () => {
    const src = localStack({
      "stack-definition.yaml": def,
      "ok.yaml": "x: 1\n",
      "sub/bad.yaml": "a: 1\nb: {{ .a.b | nosuchfunc }}\n",
    });
    const { dir, config } = infra(`stack:\n  repository: ${src}\nconfig:\n  a: {b: 1}\n`);
    const err = await generateStack({ config }).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).describe()).toMatch(new RegExp(`^${src}:sub/bad\\.yaml:2:\\d+: .*nosuchfunc`));
    expect(Object.keys(tree(dir))).toEqual(["stack.yaml"]);
  });

  test("a stack.yaml that is not YAML", async () => {
    const { dir, config } = infra("stack:\n  repository: [unclosed\n");
    const err = await generateStack({ config }).catch((e) => e);
    expect((err as UserError).describe()).toMatch(/stack\.yaml:\d+:\d+: YAML syntax error/);
    expect(Object.keys(tree(dir))).toEqual(["stack.yaml"]);
  });

  test("a config the schema refuses", async () => {
    const { dir, config } = infra(full("v2").replace("    email: admin@example.com\n", ""));
    const err = await generateStack({ config }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as UserError).describe()).toBe(`${config}:8: config.certManager.email: is required`);
    expect(Object.keys(tree(dir))).toEqual(["stack.yaml"]);
  });

  test("a missing stack directory and an unknown embedded version", async () => {
    const a = infra("stack:\n  repository: ./no-such-stack\n");
    expect(generateStack({ config: a.config })).rejects.toThrow(/stack directory .*no-such-stack does not exist/);
    const b = infra("stack:\n  repository: embedded:reference?tag=v99\n");
    const err = await generateStack({ config: b.config }).catch((e) => e);
    expect((err as UserError).describe()).toBe(
      "stack.repository: embedded stack reference has no version v99 (versions: v1, v2)",
    );
  });

  test(".stackignore (gitignore syntax) and stack-definition.yaml are not rendered; deeper than 4 directories is skipped", async () => {
    const src = localStack({
      "stack-definition.yaml": def,
      ".stackignore": "docs/\n*.md\n!keep.md\n",
      "a.yaml": "a: {{ .a.v }}\n",
      "docs/x.yaml": "{{ broken\n",
      "README.md": "{{ broken\n",
      "keep.md": "kept\n",
      "1/2/3/four.yaml": "deep: ok\n",
      "1/2/3/4/five.yaml": "{{ broken\n",
    });
    const { dir, config } = infra(`stack:\n  repository: ${src}\nconfig:\n  a: {v: 1}\n`);
    await generateStack({ config });
    const got = tree(dir);
    delete got["stack.yaml"];
    delete got[".stack/old"];
    expect(got).toEqual({ "a.yaml": "a: 1\n", "keep.md": "kept\n", "1/2/3/four.yaml": "deep: ok\n" });
  });
});
