/**
 * The reference stack on the real test cluster (Flux CRDs installed, nothing else): every object
 * `stack generate` writes passes server-side dry-run, for each embedded version; and Flux applies
 * a generated infra repo, bootstrapped with the dependencies lane, from a git repo over http.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { planStackBootstrap } from "../../../src/core/stack/index.ts";
import { generateStack } from "../../../src/stack/generate.ts";
import { eventually, useCluster } from "../../support/cluster.ts";
import { run, startGitServer, type GitServer } from "../../support/git-server.ts";

const cluster = useCluster({ nodes: 1 });
let git: GitServer;
const work = mkdtempSync(join(tmpdir(), "stack-cluster-"));
beforeAll(async () => {
  git = await startGitServer();
});
afterAll(() => {
  git?.stop();
  rmSync(work, { recursive: true, force: true });
});

const config = (tag: string) => `stack:
  repository: embedded:reference?tag=${tag}
config:
  nginx: {enabled: true, host: example.com}
  certManager: {enabled: true, email: admin@example.com}
  sealedSecrets: {enabled: true}
  prometheus: {enabled: true}
  loki: {enabled: true}
  gimletAgent: {enabled: true, environment: staging, dashboardAddress: "https://gimlet.example.com", agentKey: k}
`;

function yamlFiles(root: string, sub = ""): string[] {
  return readdirSync(join(root, sub), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name.startsWith(".") ? [] : yamlFiles(root, join(sub, e.name))) : e.name.endsWith(".yaml") && e.name !== "stack.yaml" ? [join(sub, e.name)] : [],
  );
}

async function generated(dir: string, tag: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "stack.yaml"), config(tag));
  await generateStack({ config: join(dir, "stack.yaml") });
  return yamlFiles(dir);
}

describe("reference stack on the cluster", () => {
  test.each(["v1", "v2"])("every object of %s passes server-side dry-run", async (tag) => {
    const dir = join(work, `dry-${tag}`);
    const files = await generated(dir, tag);
    expect(files.length).toBeGreaterThan(10);
    // The namespace is the dependencies lane's; namespaced objects need it to exist.
    await cluster.kubectl(["apply", "--server-side", "-f", join(dir, "dependencies")]);
    let objects = 0;
    for (const f of files) {
      const out = await cluster.kubectl(["apply", "--server-side", "--dry-run=server", "-f", join(dir, f)]);
      const lines = out.trim().split("\n");
      for (const l of lines) expect(l).toMatch(/serverside-applied \(server dry run\)$/);
      objects += lines.length;
    }
    console.log(`${tag}: ${objects} objects in ${files.length} files pass server-side dry-run`);
  }, 120_000);

  test("Flux applies the generated infra repo: dependencies first, then the HelmReleases", async () => {
    await git.createRepo("infra.git");
    const wc = join(work, "infra");
    await run(["git", "clone", "-q", git.url("infra.git"), wc]);
    const plan = planStackBootstrap({ env: "staging", repoUrl: git.url("infra.git"), branch: "main", interval: "10s", noController: true });
    for (const f of plan.files) {
      mkdirSync(join(wc, f.path, ".."), { recursive: true });
      writeFileSync(join(wc, f.path), f.content);
    }
    await generated(join(wc, "staging"), "v2");
    await run(["git", "add", "-A"], wc);
    await run(["git", "commit", "-q", "-m", "infra"], wc);
    await run(["git", "push", "-q", "origin", "main"], wc);

    await cluster.kubectl(["apply", "-f", join(wc, plan.secretFile)]);
    await cluster.kubectl(["apply", "-f", join(wc, plan.repoFile)]);
    const ready = async (name: string) => {
      const ks = JSON.parse(await cluster.kubectl(["-n", "flux-system", "get", "kustomization", name, "-o", "json"]));
      return (ks.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Ready" && c.status === "True");
    };
    const s = await eventually("dependencies lane Ready", () => ready("gitops-repo-staging-dependencies"), 120_000);
    const m = await eventually("main lane Ready", () => ready("gitops-repo-staging"), 180_000);
    console.log(`Flux: dependencies lane Ready in ${s.toFixed(1)} s, main lane in ${m.toFixed(1)} s`);
    const releases = JSON.parse(await cluster.kubectl(["-n", "infrastructure", "get", "helmreleases", "-o", "json"]));
    const names = releases.items.map((r: { metadata: { name: string } }) => r.metadata.name).sort();
    // Created; not installed: the chart repositories are on the internet, which the test cluster cannot reach.
    expect(names).toEqual(["cert-manager", "cert-manager-issuer", "ingress-nginx", "kube-prometheus-stack", "loki", "promtail", "sealed-secrets"]);
    const agent = JSON.parse(await cluster.kubectl(["-n", "infrastructure", "get", "deployment", "gimlet-agent-staging", "-o", "json"]));
    expect(agent.spec.template.spec.serviceAccountName).toBe("gimlet-agent-staging");
    expect(relative(wc, join(wc, plan.repoFile))).toBe("staging/flux/gitops-repo-staging.yaml");
  }, 400_000);
});
