/**
 * `gimlet stats --failure-window` on the compiled binary: a release rolled back two seconds after its
 * commit is a failure under the default 24 h window and under 1h, not under 1s; bad windows are refused
 * by the CLI (exit 1 naming the flag) and by the API (400 naming the parameter).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { webArtifact } from "../support/artifacts.ts";
import { gimlet, scratch } from "../support/bin.ts";
import { deployedCommit } from "../support/deploys.ts";
import { run } from "../support/git-server.ts";

const box = scratch("gimlet-stats-");
const dataDir = box.temp();
const work = box.temp();
const gitdir = join(dataDir, "repos", "staging-apps.git");
let url = "";
let token = "";

afterAll(() => box.cleanUp());

const cli = (args: string[]) => gimlet(args, { env: { GIMLET_SERVER: url, GIMLET_TOKEN: token } });
const head = () => run(["git", "--git-dir", gitdir, "rev-parse", "main"]).then((s) => s.trim());

/** Pushes an artifact of acme/web at `sha` (deployed by policy) and waits for its commit. */
async function deploy(sha: string): Promise<void> {
  const f = join(work, `${sha}.json`);
  writeFileSync(f, JSON.stringify(webArtifact(sha, "{{ .SHA }}")));
  const r = await cli(["artifact", "push", "-f", f, "-o", "json"]);
  expect(r.code, r.stderr).toBe(0);
  await deployedCommit(dataDir, sha);
}

interface Stats {
  deployments: number;
  failedDeployments: number;
  changeFailureRate: number;
  failureWindow: number;
}

beforeAll(async () => {
  const serve = await box.serve(dataDir);
  url = serve.url;
  token = serve.token;
  const env = await gimlet(["env", "create", "staging", "--builtin", "--data-dir", dataDir]);
  expect(env.code, env.stderr).toBe(0);
  await deploy("aaa111");
  const first = await head();
  await deploy("bbb222");
  // Commit times are whole seconds: 2.1 s later the rollback is at least 2 s after the release.
  await Bun.sleep(2100);
  const rb = await cli(["release", "rollback", "--env", "staging", "--app", "web", "--to", first]);
  expect(rb.code, rb.stderr).toBe(0);
  for (let i = 0; i < 100; i++) {
    const rels = JSON.parse((await cli(["release", "list", "--env", "staging", "--app", "web", "-o", "json"])).stdout);
    if (rels[0]?.rolledBack) return;
    await Bun.sleep(100);
  }
  throw new Error("the rollback never showed in the history");
}, 60_000);

describe("gimlet stats --failure-window", () => {
  const stats = async (...extra: string[]) => {
    const r = await cli(["stats", "--env", "staging", "-o", "json", ...extra]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Stats;
  };

  test("the rollback counts inside the window (default 24h, or 1h) and not outside it (1s)", async () => {
    expect(await stats()).toMatchObject({ deployments: 2, failedDeployments: 1, changeFailureRate: 0.5 });
    expect((await stats()).failureWindow).toBe(86_400);
    expect(await stats("--failure-window", "1h")).toMatchObject({ failedDeployments: 1, failureWindow: 3600 });
    expect(await stats("--failure-window", "1s")).toMatchObject({ failedDeployments: 0, changeFailureRate: 0 });
    const text = await cli(["stats", "--env", "staging", "--failure-window", "90m"]);
    expect(text.stdout).toContain("Change failure rate    50.0% (1 of 2), rollbacks within 90m count");
  });

  test("bad windows exit 1 naming --failure-window and how to write one", async () => {
    for (const bad of ["0", "24x", "1.5h", "-1h", ""]) {
      const r = await cli(["stats", "--env", "staging", `--failure-window=${bad}`]);
      expect(r.code, bad).toBe(1);
      expect(r.stderr, bad).toContain("--failure-window");
      expect(r.stderr, bad).toContain("e.g. 24h");
      expect(r.stdout).toBe("");
    }
  });

  test("the API takes failureWindow as a duration or seconds and refuses a bad one with a 400", async () => {
    const get = (q: string) =>
      fetch(`${url}/api/stats?env=staging&${q}`, { headers: { authorization: `Bearer ${token}` } });
    const secs = await get("failureWindow=1");
    expect(secs.status).toBe(200);
    expect(await secs.json()).toMatchObject({ failedDeployments: 0, failureWindow: 1 });
    expect(await (await get("failureWindow=2d")).json()).toMatchObject({
      failedDeployments: 1,
      failureWindow: 172_800,
    });
    const bad = await get("failureWindow=forever");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("failureWindow");
  });
});
