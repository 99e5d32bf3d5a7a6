/**
 * Gitops engine speed on a synthetic repo (default 10,000 commits, 1,000 apps, made with git
 * fast-import), each operation against the equivalent git CLI sequence on the same repo:
 *   - write + commit + push one release (both push over smart HTTP to the same bare remote)
 *   - history of one app, last 10 (warm: index built; git: log -- path + show release.json)
 *   - rollback of one app by 3 releases (git: log -- path, then git revert each)
 *   - cold build of the history index (git: log --name-only over the same history)
 *   bun bench/gitops.ts [--commits N] [--apps N] [--runs N]
 * Targets (issues 3, 18): release write ≤ 2× git CLI; warm app history ≤ 50 ms; cold index ≤ 2 s
 * on 10,000 commits; rollback ≤ 1× git revert.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cloneBare, GitopsRepo, HistoryIndex, openRepo } from "../src/git/index.ts";
import { run, startGitServer } from "../tests/support/git-server.ts";
import { makeSyntheticRepo } from "../tests/support/synthetic-repo.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    commits: { type: "string", default: "10000" },
    apps: { type: "string", default: "1000" },
    runs: { type: "string", default: "7" },
  },
});
const commits = Number(values.commits);
const apps = Number(values.apps);
const runs = Number(values.runs);
const work = mkdtempSync(join(tmpdir(), "bench-gitops-"));
const server = await startGitServer();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const ratio = (ours: number, theirs: number) => `${(ours / theirs).toFixed(2)}× git`;

try {
  const t = performance.now();
  const bare = join(server.root, "apps.git");
  await makeSyntheticRepo(bare, { commits, apps });
  console.log(`synthetic repo: ${commits} commits, ${apps} apps, made in ${fmt(performance.now() - t)}`);

  // --- write + commit + push one release
  const oursDir = join(work, "ours.git");
  const ours = await GitopsRepo.open(await cloneBare({ url: server.url("apps.git") }, oursDir), {
    branch: "main",
    push: true,
  });
  const gitDir = join(work, "git-wc");
  await run(["git", "clone", "-q", server.url("apps.git"), gitDir]);
  const release = (i: number) => ({
    app: "bench-app",
    env: "staging",
    version: { repositoryName: "acme/bench", sha: String(i) },
    gitopsRef: "",
    gitopsRepo: "",
  });
  const manifest = (i: number) =>
    `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bench-app\nspec:\n  replicas: ${i}\n`;
  const oursWrite: number[] = [];
  const gitWrite: number[] = [];
  for (let i = 0; i < runs; i++) {
    await run(["git", "pull", "-q", "--rebase"], gitDir);
    gitWrite.push(
      await time(async () => {
        rmSync(join(gitDir, "staging/bench-app"), { recursive: true, force: true });
        mkdirSync(join(gitDir, "staging/bench-app"), { recursive: true });
        writeFileSync(join(gitDir, "staging/bench-app/deployment.yaml"), manifest(i * 2));
        writeFileSync(join(gitDir, "staging/bench-app/release.json"), JSON.stringify(release(i * 2)) + "\n");
        writeFileSync(join(gitDir, "staging/release.json"), JSON.stringify(release(i * 2)) + "\n");
        await run(["git", "add", "-A", "staging/bench-app", "staging/release.json"], gitDir);
        await run(["git", "commit", "-q", "-m", "[Gimlet] staging/bench-app automated deploy"], gitDir);
        await run(["git", "push", "-q", "origin", "main"], gitDir);
      }),
    );
    await ours.sync();
    oursWrite.push(
      await time(() =>
        ours.writeRelease(
          { env: "staging" },
          "bench-app",
          [{ path: "deployment.yaml", content: manifest(i * 2 + 1) }],
          release(i * 2 + 1),
        ),
      ),
    );
  }
  const [ow, gw] = [median(oursWrite), median(gitWrite)];
  console.log(
    `release write+commit+push: gimlet ${fmt(ow)}, git CLI ${fmt(gw)} → ${ratio(ow, gw)} (target ≤ 2×) ${ow <= 2 * gw ? "OK" : "OVER"}`,
  );

  // --- cold index build, then warm history of one app
  const local = join(work, "local");
  await run(["git", "clone", "-q", bare, local]);
  const repo = openRepo(local);
  const index = await HistoryIndex.open(repo);
  const head = (await run(["git", "rev-parse", "HEAD"], local)).trim();
  const cold = await time(() => index.update(head));
  const gitLog = await time(() => run(["git", "log", "--name-only", "--format=%H"], local));
  const coldTarget = (2000 * commits) / 10_000;
  console.log(
    `history index cold build: ${fmt(cold)} for ${commits} commits (${((cold / commits) * 1000).toFixed(0)} µs/commit), ` +
      `git log --name-only ${fmt(gitLog)} → ${ratio(cold, gitLog)} (target ≤ ${fmt(coldTarget)}) ${cold <= coldTarget ? "OK" : "OVER"}`,
  );
  const g = await GitopsRepo.open(openRepo(local));
  const app = "app-0007";
  await g.history({ env: "staging", app, limit: 10 });
  const oursHist: number[] = [];
  const gitHist: number[] = [];
  for (let i = 0; i < runs; i++) {
    oursHist.push(await time(() => g.history({ env: "staging", app, limit: 10 })));
    gitHist.push(
      await time(async () => {
        const shas = (await run(["git", "log", "-n", "10", "--format=%H", "--", `staging/${app}`], local))
          .trim()
          .split("\n");
        await Promise.all(shas.map((s) => run(["git", "show", `${s}:staging/${app}/release.json`], local)));
      }),
    );
  }
  const [oh, gh] = [median(oursHist), median(gitHist)];
  console.log(
    `app history (last 10), warm: gimlet ${fmt(oh)}, git CLI ${fmt(gh)} → ${ratio(oh, gh)} (target ≤ 50 ms) ${oh <= 50 ? "OK" : "OVER"}`,
  );

  // --- rollback of one app by three releases
  const gitRb = join(work, "git-rb");
  await run(["git", "clone", "-q", bare, gitRb]);
  const target = (await run(["git", "log", "-n", "4", "--format=%H", "--", `staging/${app}`], gitRb))
    .trim()
    .split("\n")[3]!;
  const gitRollback = await time(async () => {
    const shas = (await run(["git", "log", "--format=%H", `${target}..HEAD`, "--", `staging/${app}`], gitRb))
      .trim()
      .split("\n");
    // -X ours: the env-level release.json changed since (other apps); keep it, as gimlet does.
    for (const s of shas) await run(["git", "revert", "--no-edit", "-X", "ours", s], gitRb);
  });
  const oursRollback = await time(() => g.rollback({ env: "staging", app, to: target }));
  console.log(
    `rollback (3 reverts): gimlet ${fmt(oursRollback)}, git CLI ${fmt(gitRollback)} → ${ratio(oursRollback, gitRollback)} (target ≤ 1×) ${oursRollback <= gitRollback ? "OK" : "OVER"}`,
  );
} finally {
  server.stop();
  rmSync(work, { recursive: true, force: true });
}
