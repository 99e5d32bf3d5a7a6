/**
 * The reference stack on the real test cluster (Flux CRDs installed, nothing else): every object
 * `stack generate` writes passes server-side dry-run, for each embedded version; and Flux applies
 * a generated infra repo, bootstrapped with the dependencies lane, pulled from the env's hosted
 * `<env>-infra.git` of `gimlet serve` (dist/gimlet) with a flux token.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateStack } from "../../../src/stack/generate.ts";
import { freePort, gimlet, gimletBin } from "../../support/bin.ts";
import { eventually, useCluster } from "../../support/cluster.ts";
import { run } from "../../support/git-server.ts";

const cluster = useCluster({ nodes: 1 });
const work = mkdtempSync(join(tmpdir(), "stack-cluster-"));
const procs: ReturnType<typeof Bun.spawn>[] = [];
afterAll(async () => {
  for (const p of procs) {
    p.kill("SIGKILL");
    await p.exited;
  }
  rmSync(work, { recursive: true, force: true });
});

/** `gimlet serve` on a free port, once it listens: its URL and the admin token it printed. */
async function serve(dataDir: string): Promise<{ url: string; token: string }> {
  const port = freePort();
  const args = ["serve", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`];
  const p = Bun.spawn([gimletBin, ...args], { stdout: "ignore", stderr: "pipe" });
  procs.push(p);
  const reader = (p.stderr as ReadableStream<Uint8Array>).getReader();
  let buf = "";
  while (!buf.includes("listening")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`gimlet serve exited: ${buf}`);
    buf += new TextDecoder().decode(value);
  }
  // Keep draining stderr so the server never blocks on a full pipe.
  void (async () => {
    while (!(await reader.read()).done);
  })();
  return { url: `http://127.0.0.1:${port}`, token: /Admin token: (\S+)/.exec(buf)![1]! };
}

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
    e.isDirectory()
      ? e.name.startsWith(".")
        ? []
        : yamlFiles(root, join(sub, e.name))
      : e.name.endsWith(".yaml") && e.name !== "stack.yaml"
        ? [join(sub, e.name)]
        : [],
  );
}

async function generated(dir: string, tag: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "stack.yaml"), config(tag));
  await generateStack({ config: join(dir, "stack.yaml") });
  return yamlFiles(dir);
}

describe("reference stack on the cluster", () => {
  test.each(["v1", "v2"])(
    "every object of %s passes server-side dry-run",
    async (tag) => {
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
    },
    120_000,
  );

  test("Flux pulls the infra repo from gimlet serve's <env>-infra.git: dependencies, then HelmReleases", async () => {
    const { url, token } = await serve(join(work, "data"));
    const admin = { GIMLET_SERVER: url, GIMLET_TOKEN: token };
    const created = await gimlet(["env", "create", "staging", "--builtin"], { env: admin });
    expect(created.code, created.stderr).toBe(0);
    const fluxArgs = ["user", "create", "flux-staging", "--role", "flux", "--env", "staging"];
    const fluxUser = await gimlet(fluxArgs, { env: admin });
    expect(fluxUser.code, fluxUser.stderr).toBe(0);
    const repoUrl = `${url}/git/staging-infra.git`;

    // As an admin would: clone, bootstrap + generate with the binary, push with the token as basic-auth password.
    const wc = join(work, "infra");
    await run(["git", "clone", "-q", repoUrl.replace("://", `://gimlet:${token}@`), wc]);
    const boot = await gimlet([
      "stack",
      "bootstrap",
      "--env",
      "staging",
      "--gitops-repo-url",
      repoUrl,
      "--gitops-repo-path",
      wc,
      "--interval",
      "10s",
      "--no-controller",
    ]);
    expect(boot.code, boot.stderr).toBe(0);
    writeFileSync(join(wc, "staging", "stack.yaml"), config("v2"));
    const gen = await gimlet(["stack", "generate", "-c", join("staging", "stack.yaml")], { cwd: wc });
    expect(gen.code, gen.stderr).toBe(0);
    await run(["git", "add", "-A"], wc);
    await run(["git", "commit", "-q", "-m", "infra"], wc);
    await run(["git", "push", "-q", "origin", "HEAD"], wc);
    const pushed = (await run(["git", "rev-parse", "HEAD"], wc)).trim();
    const hosted = join(work, "data", "repos", "staging-infra.git");
    expect((await run(["git", "--git-dir", hosted, "rev-parse", "main"])).trim()).toBe(pushed);

    // The committed Secret holds a placeholder (Flux ignores that file): the cluster gets the flux token.
    const secretFile = join(wc, "staging", "flux", "deploy-key-staging.yaml");
    const secret = readFileSync(secretFile, "utf8");
    expect(secret).toContain("REPLACE_WITH_A_READ_TOKEN");
    await cluster.kubectl(["apply", "-f", "-"], secret.replace("REPLACE_WITH_A_READ_TOKEN", fluxUser.stdout.trim()));
    await cluster.kubectl(["apply", "-f", join(wc, "staging", "flux", "gitops-repo-staging.yaml")]);
    const get = (kind: string, name: string, path: string) =>
      cluster.kubectl(["-n", "flux-system", "get", kind, name, "-o", `jsonpath={${path}}`]).catch(() => "");
    const ready = async (kind: string, name: string) =>
      (await get(kind, name, '.status.conditions[?(@.type=="Ready")].status')) === "True";
    const g = await eventually(
      "GitRepository Ready",
      () => ready("gitrepository", "gitops-repo-staging-infra"),
      90_000,
    ).catch(async (e: Error) => {
      // Say why Flux could not fetch (auth, protocol, missing branch): the timeout alone does not.
      throw new Error(`${e.message}: ${await get("gitrepository", "gitops-repo-staging-infra", ".status.conditions")}`);
    });
    expect(await get("gitrepository", "gitops-repo-staging-infra", ".status.artifact.revision")).toBe(
      `main@sha1:${pushed}`,
    );
    const deps = "gitops-repo-staging-infra-dependencies";
    const s = await eventually("dependencies lane Ready", () => ready("kustomization", deps), 120_000);
    const m = await eventually("main lane Ready", () => ready("kustomization", "gitops-repo-staging-infra"), 180_000);
    const secs = (x: number) => `${x.toFixed(1)} s`;
    console.log(
      `Flux from gimlet serve: source Ready in ${secs(g)}, dependencies lane in ${secs(s)}, main in ${secs(m)}`,
    );
    const releases = JSON.parse(await cluster.kubectl(["-n", "infrastructure", "get", "helmreleases", "-o", "json"]));
    const names = releases.items.map((r: { metadata: { name: string } }) => r.metadata.name).sort();
    // Created, not installed: the chart repositories are on the internet, which the test cluster cannot reach.
    expect(names).toEqual([
      "cert-manager",
      "cert-manager-issuer",
      "ingress-nginx",
      "kube-prometheus-stack",
      "loki",
      "promtail",
      "sealed-secrets",
    ]);
    const agent = JSON.parse(
      await cluster.kubectl(["-n", "infrastructure", "get", "deployment", "gimlet-agent-staging", "-o", "json"]),
    );
    expect(agent.spec.template.spec.serviceAccountName).toBe("gimlet-agent-staging");
  }, 400_000);
});
