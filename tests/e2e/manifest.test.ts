import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { gimlet } from "../support/bin.ts";

const work = mkdtempSync(join(tmpdir(), "gimlet-e2e-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(work, name);
  writeFileSync(p, text);
  return p;
}

const web = `app: web
env: staging
namespace: team-a
chart:
  repository: https://chart.onechart.dev
  name: onechart
  version: 0.74.0
values:
  image:
    repository: ghcr.io/acme/web
    tag: "{{ .SHA }}"
  vars:
    GREETING: hello
`;

function kinds(yaml: string): string[] {
  return parseAllDocuments(yaml).map((d) => `${d.get("kind")}/${d.getIn(["metadata", "name"])}`);
}

describe("gimlet manifest template", () => {
  test("renders a manifest with variables from the environment", async () => {
    const r = await gimlet(["manifest", "template", "-f", file("web.yaml", web)], { env: { SHA: "abc123" } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(kinds(r.stdout)).toEqual(expect.arrayContaining(["ConfigMap/web", "Service/web", "Deployment/web"]));
    expect(r.stdout).toContain("image: ghcr.io/acme/web:abc123");
  });

  test("lets --vars win over the environment", async () => {
    const vars = file("ci.env", "SHA=fromfile\n");
    const r = await gimlet(["manifest", "template", "-f", join(work, "web.yaml"), "--vars", vars], {
      env: { SHA: "fromenv" },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ghcr.io/acme/web:fromfile");
  });

  test("reads the manifest from stdin with -f -", async () => {
    const r = await gimlet(["manifest", "template", "-f", "-"], { stdin: web, env: { SHA: "s" } });
    expect(r.code).toBe(0);
    expect(kinds(r.stdout)).toContain("Deployment/web");
  });

  test("writes -o atomically and --output-dir as split files per env/app", async () => {
    const out = join(work, "out.yaml");
    const dir = join(work, "gitops");
    const r = await gimlet(["manifest", "template", "-f", join(work, "web.yaml"), "-o", out, "--output-dir", dir], {
      env: { SHA: "s" },
    });
    expect(r.code).toBe(0);
    expect(kinds(readFileSync(out, "utf8"))).toContain("Service/web");
    const files = readdirSync(join(dir, "staging", "web")).sort();
    expect(files).toEqual(["configmap.yaml", "deployment.yaml", "service.yaml"]);
    expect(readFileSync(join(dir, "staging", "web", "service.yaml"), "utf8")).toStartWith(
      "---\napiVersion: v1\nkind: Service\n",
    );
  });

  test("a missing variable fails with file:line, exit 1, and writes nothing", async () => {
    const out = join(work, "never.yaml");
    const r = await gimlet(["manifest", "template", "-f", join(work, "web.yaml"), "-o", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/web\.yaml:11:\d+: .*SHA/);
    expect(existsSync(out)).toBe(false);
  });

  test("values the chart schema rejects name the field and line", async () => {
    const bad = file("bad-values.yaml", "app: web\nenv: staging\nvalues:\n  replicas: many\n");
    const r = await gimlet(["manifest", "template", "-f", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("bad-values.yaml:4:");
    expect(r.stderr).toContain("values.replicas");
  });

  test("a 50 MB file is refused with a clear error", async () => {
    const big = join(work, "big.yaml");
    writeFileSync(big, "# x\n".repeat((50 * 1024 * 1024) / 4));
    const r = await gimlet(["manifest", "template", "-f", big]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the limit is 4 MiB");
  });

  test("renders and lints the user's own file within the local template limits, above a server's", async () => {
    // 1.2 million steps: more than an artifact posted to `gimlet serve` may take (1 million).
    const loops = "{{ range until 1200 }}{{ range until 1000 }}{{ end }}{{ end }}";
    const heavy = file("heavy.yaml", `${web}  gitSha: "${loops}abc"\n`);
    const r = await gimlet(["manifest", "template", "-f", heavy], { env: { SHA: "abc123" } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("gimlet.io/git-sha: abc\n");
    const lint = await gimlet(["manifest", "lint", "-f", heavy], { env: { SHA: "abc123" } });
    expect(lint.code).toBe(0);
  });
});

describe("gimlet manifest lint", () => {
  test("prints every problem as file:line: path: message and exits 1", async () => {
    const bad = file("lint-bad.yaml", "app: web\nenv: staging\nnamspace: x\ndeploy:\n  event: merge\n");
    const r = await gimlet(["manifest", "lint", "-f", bad]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split("\n")).toEqual([
      `${bad}:3: namspace: unknown field (did you mean \`namespace\`?)`,
      `${bad}:5: deploy.event: must be one of push, tag, pr, got string "merge"`,
    ]);
  });

  test("lints a CI manifest without its variables, naming the ones it filled in", async () => {
    const r = await gimlet(["manifest", "lint", "-f", join(work, "web.yaml")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("SHA");
  });
});

describe("gimlet manifest create", () => {
  test("writes a starter manifest that template accepts", async () => {
    const out = join(work, "created.yaml");
    const c = await gimlet(["manifest", "create", "--env", "prod", "--app", "api", "--namespace", "apps", "-o", out]);
    expect(c.code).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text).toStartWith("---\napp: api\nenv: prod\nnamespace: apps\nchart:\n");
    const t = await gimlet(["manifest", "template", "-f", out]);
    expect(t.code).toBe(0);
    expect(kinds(t.stdout)).toContain("Deployment/api");
  });

  test("takes values from stdin and refuses values the schema rejects", async () => {
    const ok = await gimlet(["manifest", "create", "--env", "e", "--app", "a", "-n", "n", "-f", "-"], {
      stdin: "replicas: 3\n",
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("replicas: 3");
    const bad = await gimlet(["manifest", "create", "--env", "e", "--app", "a", "-n", "n", "-f", "-"], {
      stdin: "replicas: lots\n",
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("replicas");
  });

  test("emits a Flux HelmRelease manifest for a chart from another repository", async () => {
    const c = await gimlet(
      [
        "manifest",
        "create",
        "--env",
        "e",
        "--app",
        "redis",
        "-n",
        "data",
        "--chart",
        "https://charts.bitnami.com/bitnami/redis",
        "--chart-version",
        "19.0.1",
        "-f",
        "-",
      ],
      { stdin: "architecture: standalone\n" },
    );
    expect(c.code).toBe(0);
    const t = await gimlet(["manifest", "template", "-f", "-"], { stdin: c.stdout });
    expect(t.code).toBe(0);
    expect(kinds(t.stdout)).toEqual(expect.arrayContaining(["HelmRelease/redis"]));
  });
});
