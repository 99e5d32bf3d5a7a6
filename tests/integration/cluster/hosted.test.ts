/**
 * End to end on the real cluster: `gimlet serve` hosts a builtin env's gitops repo, real Flux pulls
 * it from gimlet itself, an artifact with a deploy policy ends as Running pods, `artifact track
 * --wait` exits 0 on Flux's own report, and a rollback brings the old version back.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gimlet, startServe } from "../../support/bin.ts";
import { eventually, useCluster } from "../../support/cluster.ts";
import { webArtifactFile } from "../../support/artifacts.ts";
import { receiverServed } from "../../support/cluster-stack.ts";
import { bootstrapBuiltinStaging } from "../../support/flux-bootstrap.ts";

const cluster = useCluster();
const data = mkdtempSync(join(tmpdir(), "hosted-e2e-"));
let server: ReturnType<typeof Bun.spawn>;
let url = "";
let token = "";
let serverLog = "";
const cli = (args: string[]) =>
  gimlet(args, { env: { GIMLET_SERVER: url, GIMLET_TOKEN: token, GIMLET_TRACK_INTERVAL_MS: "500" } });

beforeAll(async () => {
  const started = await startServe(data, { onOutput: (chunk) => (serverLog += chunk) });
  server = started.proc;
  url = started.url;
  token = started.token;
  serverLog = started.output + serverLog;
});
afterAll(() => {
  server?.kill("SIGKILL");
  rmSync(data, { recursive: true, force: true });
});

async function deployedImage(): Promise<string | undefined> {
  const out = await cluster
    .kubectl(["-n", "default", "get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"])
    .catch(() => "");
  return out || undefined;
}

function artifact(sha: string): string {
  return webArtifactFile(data, sha, { replicas: 2, image: { repository: "nginx", tag: "{{ .SHA }}" } });
}

describe("gimlet serve + real Flux", () => {
  test("Flux pulls the builtin env from gimlet, applies releases, and track --wait follows Flux", async () => {
    await bootstrapBuiltinStaging(cluster, data, url);
    await eventually(
      "GitRepository Ready",
      async () =>
        (await cluster.kubectl([
          "-n",
          "flux-system",
          "get",
          "gitrepository",
          "gitops-repo-staging",
          "-o",
          'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
        ])) === "True",
      90_000,
    );

    const { run } = await import("../../support/git-server.ts");
    const head = (await run(["git", "--git-dir", join(data, "repos", "staging-apps.git"), "rev-parse", "main"])).trim();
    expect(
      await cluster.kubectl([
        "-n",
        "flux-system",
        "get",
        "gitrepository",
        "gitops-repo-staging",
        "-o",
        "jsonpath={.status.artifact.revision}",
      ]),
    ).toBe(`main@sha1:${head}`);
    // The Receiver comes from the repo itself (flux/notifications-staging.yaml): wait until Flux serves it.
    await receiverServed(cluster, "Receiver ready");
    const first = JSON.parse((await cli(["artifact", "push", "-f", artifact("v1"), "-o", "json"])).stdout) as {
      id: string;
    };
    const t0 = performance.now();
    const tracked = await cli(["artifact", "track", first.id, "--wait", "--timeout", "60s"]);
    if (tracked.code !== 0) {
      const { readFileSync } = await import("node:fs");
      console.log(
        await cluster
          .kubectl(["-n", "flux-system", "get", "kustomizations,providers,alerts,gitrepositories", "-o", "yaml"])
          .catch((e) => String(e)),
      );
      console.log(
        readFileSync(join(cluster.dir, "notification-controller.log"), "utf8").split("\n").slice(-20).join("\n"),
      );
      console.log("--- gimlet serve log\n" + serverLog);
    }
    expect(tracked.code, tracked.stderr).toBe(0);
    console.log(`artifact push → Flux reports the release applied: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await eventually(
      "2 pods Running with nginx:v1",
      async () => {
        const pods = JSON.parse(
          await cluster.kubectl(["-n", "default", "get", "pods", "-l", "app.kubernetes.io/instance=web", "-o", "json"]),
        ).items;
        return (
          pods.filter((p: any) => p.status.phase === "Running" && p.spec.containers[0].image === "nginx:v1").length ===
          2
        );
      },
      60_000,
    );

    const second = JSON.parse((await cli(["artifact", "push", "-f", artifact("v2"), "-o", "json"])).stdout) as {
      id: string;
    };
    expect((await cli(["artifact", "track", second.id, "--wait", "--timeout", "120s"])).code).toBe(0);
    expect(await deployedImage()).toBe("nginx:v2");

    const releases = JSON.parse(
      (await cli(["release", "list", "--env", "staging", "--app", "web", "-o", "json"])).stdout,
    ) as { gitopsRef: string }[];
    const rb = JSON.parse(
      (
        await cli([
          "release",
          "rollback",
          "--env",
          "staging",
          "--app",
          "web",
          "--to",
          releases[1]!.gitopsRef,
          "-o",
          "json",
        ])
      ).stdout,
    ) as { id: string };
    const back = await cli(["release", "track", rb.id, "--wait", "--timeout", "120s"]);
    expect(back.code, back.stderr).toBe(0);
    await eventually("the Deployment back on nginx:v1", async () => (await deployedImage()) === "nginx:v1", 60_000);
  }, 400_000);
});
