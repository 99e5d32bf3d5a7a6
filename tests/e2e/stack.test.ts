/** `gimlet stack …` through dist/gimlet, with the stacks embedded in the binary (run outside the source tree). */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gimlet } from "../support/bin.ts";
import { run } from "../support/git-server.ts";

const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), "stack-e2e-"));
  tmp.push(d);
  return d;
}
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(root, p)] = `${readFileSync(p, "utf8")}@${statSync(p).mtimeMs}`;
    }
  };
  walk(root);
  return out;
}

const golden = join(import.meta.dir, "../../src/stack/testdata/golden/full");
const fullYaml = (tag: string) =>
  readFileSync(join(golden, ".stack/old"), "utf8").replace(
    "embedded:reference?tag=v2",
    `embedded:reference?tag=${tag}`,
  );

describe("gimlet stack (binary)", () => {
  test("generate renders the embedded reference stack as the golden, then changes nothing", async () => {
    const d = dir();
    writeFileSync(join(d, "stack.yaml"), fullYaml("v2"));
    const r = await gimlet(["stack", "generate", "-c", "stack.yaml"], { cwd: d });
    expect(r.stderr).toContain("✅ Generated");
    expect(r.code).toBe(0);
    const walk = (root: string, prefix = ""): string[] =>
      readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(root, join(prefix, e.name)) : [join(prefix, e.name)],
      );
    for (const f of walk(golden)) expect(readFileSync(join(d, f), "utf8")).toBe(readFileSync(join(golden, f), "utf8"));
    const before = tree(d);
    const again = await gimlet(["stack", "generate"], { cwd: d });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("nothing changed");
    expect(tree(d)).toEqual(before);
  });

  test("update --check -o json, update, and generate with the user's edit kept", async () => {
    const d = dir();
    writeFileSync(join(d, "stack.yaml"), fullYaml("v1"));
    expect((await gimlet(["stack", "generate"], { cwd: d })).code).toBe(0);
    const check = await gimlet(["stack", "update", "--check", "-o", "json"], { cwd: d });
    expect(check.stdout).toBe('{"status":"Update available","currentVersion":"v1","latestVersion":"v2"}\n');
    const text = await gimlet(["stack", "update", "--check"], { cwd: d });
    expect(text.stdout).toContain("## v2\n- ⬆️ ingress-nginx chart 4.11.5 → 4.12.1");
    const file = join(d, "helm-releases/sealed-secrets.yaml");
    writeFileSync(file, readFileSync(file, "utf8") + "    resources:\n      requests:\n        cpu: 10m\n");
    const up = await gimlet(["stack", "update"], { cwd: d });
    expect(up.code).toBe(0);
    expect(up.stdout).toContain("Run `gimlet stack generate`");
    expect(readFileSync(join(d, "stack.yaml"), "utf8")).toContain("embedded:reference?tag=v2");
    const gen = await gimlet(["stack", "generate"], { cwd: d });
    expect(gen.code).toBe(0);
    const merged = readFileSync(file, "utf8");
    expect(merged).toContain('version: "2.17.1"');
    expect(merged).toEndWith("        cpu: 10m\n");
    const done = await gimlet(["stack", "update", "--check", "-o", "json"], { cwd: d });
    expect(done.stdout).toBe('{"status":"Already up to date"}\n');
  });

  test("lint prints stack.yaml:line: config.path: message and exits 1", async () => {
    const d = dir();
    writeFileSync(
      join(d, "stack.yaml"),
      "stack:\n  repository: embedded:reference?tag=v2\nconfig:\n  ngnix:\n    enabled: true\n  loki:\n    enabled: true\n    retentionDays: 0\n",
    );
    const r = await gimlet(["stack", "lint"], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      "stack.yaml:4: config.ngnix: unknown component (did you mean nginx?)\nstack.yaml:8: config.loki.retentionDays: must be >= 1\n",
    );
    expect(r.stderr).toStartWith("error: 2 problems in stack.yaml");
  });

  test("bad input exits 1 and writes nothing", async () => {
    for (const [yaml, msg] of [
      ["stack: [\n", /stack\.yaml:\d+:\d+: YAML syntax error/],
      [
        "stack:\n  repository: embedded:reference?tag=v2\nconfig:\n  nginx: {enabled: true}\n",
        /stack\.yaml:4: config\.nginx\.host: is required/,
      ],
      ["stack:\n  repository: http://127.0.0.1:1/x.git?tag=v1\n", /cannot fetch stack http:\/\/127\.0\.0\.1:1\/x\.git/],
    ] as const) {
      const d = dir();
      writeFileSync(join(d, "stack.yaml"), yaml);
      const r = await gimlet(["stack", "generate"], { cwd: d, env: { XDG_CACHE_HOME: join(d, ".cache-x") } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(msg);
      expect(readdirSync(d).filter((f) => f !== ".cache-x")).toEqual(["stack.yaml"]);
    }
  });

  test("a conflict exits 1 and leaves every file as it was", async () => {
    const d = dir();
    writeFileSync(join(d, "stack.yaml"), fullYaml("v1"));
    await gimlet(["stack", "generate"], { cwd: d });
    const file = join(d, "helm-releases/ingress-nginx.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("replicaCount: 1", "replicaCount: 5"));
    writeFileSync(join(d, "stack.yaml"), fullYaml("v2"));
    const before = tree(d);
    const r = await gimlet(["stack", "generate"], { cwd: d });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${file}:28: conflict\n  Your custom settings:\n    |       replicaCount: 5\n  From stack generate:\n    |       replicaCount: 2\n`,
    );
    expect(tree(d)).toEqual(before);
    const forced = await gimlet(["stack", "generate", "--allow-conflicts"], { cwd: d });
    expect(forced.code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain(
      "<<<<<<< Your custom settings\n      replicaCount: 5\n=======\n      replicaCount: 2\n>>>>>>> From stack generate\n",
    );
  });

  test("bootstrap writes the Flux objects with the dependencies lane and commits them", async () => {
    const d = dir();
    await run(["git", "init", "-q", "-b", "main", d]);
    await run(["git", "commit", "-q", "--allow-empty", "-m", "init"], d);
    const r = await gimlet([
      "stack",
      "bootstrap",
      "--env",
      "staging",
      "--gitops-repo-url",
      "https://git.example.com/infra.git",
      "--gitops-repo-path",
      d,
    ]);
    expect(r.code).toBe(0);
    const repoFile = readFileSync(join(d, "staging/flux/gitops-repo-staging.yaml"), "utf8");
    // Its own Flux object names: `gimlet env bootstrap` owns gitops-repo-staging in the same cluster.
    expect(repoFile).toContain("  name: gitops-repo-staging-infra\n");
    expect(repoFile).not.toContain("  name: gitops-repo-staging\n");
    expect(repoFile).toContain("name: gitops-repo-staging-infra-dependencies");
    expect(repoFile).toContain("path: ./staging/dependencies");
    expect(repoFile).toContain("dependsOn:\n  - name: gitops-repo-staging-infra-dependencies");
    expect(repoFile).toContain("/staging/stack.yaml\n");
    expect(r.stderr).toContain("gimlet stack generate -c staging/stack.yaml");
    expect((await run(["git", "log", "--format=%s", "-1"], d)).trim()).toBe("[Gimlet CLI] Bootstrapping staging");
    expect(existsSync(join(d, "staging/flux/deploy-key-staging.yaml"))).toBe(true);
  });
});
