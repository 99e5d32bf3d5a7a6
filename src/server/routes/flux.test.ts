/**
 * POST /api/flux-events with the event sequences kustomize-controller v1.9 really sends, through
 * app.request with a real store, hosted repo, worker and a webhook notifier on a local receiver.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../../store/index.ts";
import { createApp } from "../app.ts";
import { Notifier } from "../notify.ts";
import { Repos } from "../repos.ts";
import { Worker } from "../worker.ts";
import { stagingWebArtifact } from "../../../tests/support/artifacts.ts";

const dirs: string[] = [];
const servers: { stop: (force: boolean) => void }[] = [];
afterAll(() => {
  for (const s of servers) s.stop(true);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), "flux-events-"));
  dirs.push(dir);
  const sent: { kind: string; text: string }[] = [];
  const receiver = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      sent.push((await req.json()) as { kind: string; text: string });
      return Response.json({ ok: true });
    },
  });
  servers.push(receiver);
  const notifier = new Notifier({ provider: "webhook", url: `http://127.0.0.1:${receiver.port}/hook` });
  const store = new SqliteStore(join(dir, "gimlet.db"));
  const repos = new Repos(dir);
  const env = await store.createEnv({
    name: "staging",
    repoUrl: "",
    repoToken: "",
    builtin: true,
    repoPerEnv: false,
    branch: "main",
  });
  await repos.createBuiltin(env);
  const clock = { t: 1_800_000_000 };
  const now = () => clock.t;
  const worker = new Worker({ store, repos });
  const app = createApp({ store, repos, worker, notifier, now });
  await store.createUser("admin", "admin");
  const admin = await store.issueToken("admin");
  await store.createUser("flux", "flux");
  const flux = await store.issueToken("flux");
  const call = async (method: string, path: string, body?: unknown, tok = admin) => {
    const res = await app.request(path, {
      method,
      headers: { Authorization: `Bearer ${tok}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  const art = stagingWebArtifact(
    "abc123",
    { image: { repository: "nginx", tag: "{{ .SHA }}" } },
    { message: "m", url: "u", created: 1_700_000_000 },
  );
  const { json } = await call("POST", "/api/artifact", art);
  while (await worker.runOnce());
  const tracked = await call("GET", `/api/eventArtifactTrack?id=${encodeURIComponent(json.id)}`);
  const hash = tracked.json.results[0].hash as string;
  /** One event as the notification-controller's generic provider posts it. */
  const post = (reason: string, message: string, extra: Record<string, string> = {}) =>
    call(
      "POST",
      "/api/flux-events?env=staging",
      {
        involvedObject: { kind: "Kustomization", namespace: "flux-system", name: "gitops-repo-staging" },
        severity: "info",
        reason,
        message,
        reportingController: "kustomize-controller",
        metadata: { "kustomize.toolkit.fluxcd.io/revision": `main@sha1:${hash}`, ...extra },
      },
      flux,
    );
  const waitSent = async (n: number) => {
    for (let i = 0; i < 100 && sent.length < n; i++) await Bun.sleep(20);
    return sent.map((m) => m.kind);
  };
  return { store, call, post, hash, clock, sent, waitSent, artifactId: json.id as string };
}

const update = { "kustomize.toolkit.fluxcd.io/commit_status": "update" };
const changeSet = "Deployment/default/web configured\nService/default/web created";

describe("POST /api/flux-events with Flux 2's real sequence", () => {
  test("change set → update ReconciliationSucceeded → a duplicate Progressing: applied stays, one notification", async () => {
    const s = await setup();
    const track = async () =>
      (await s.call("GET", `/api/eventArtifactTrack?id=${encodeURIComponent(s.artifactId)}`)).json;
    const word = async () => (await s.store.gitopsCommit(s.hash))!;

    expect((await s.post("Progressing", "Reconciliation in progress")).status).toBe(200);
    expect((await word()).status).toBe("Progressing");

    s.clock.t += 5;
    const appliedAt = s.clock.t;
    await s.post("Progressing", changeSet);
    expect(await word()).toMatchObject({ status: "Progressing", statusDesc: changeSet });
    expect(await s.waitSent(1)).toEqual(["fluxApplied"]);

    s.clock.t += 5;
    const finished = "Reconciliation finished in 1.5s, next run in 1m0s";
    expect((await s.post("ReconciliationSucceeded", finished, update)).status).toBe(200);
    expect(await word()).toMatchObject({ status: "ReconciliationSucceeded", statusDesc: finished });
    expect((await track()).results[0]).toMatchObject({
      gitopsCommitStatus: "ReconciliationSucceeded",
      gitopsCommitStatusDesc: finished,
    });

    s.clock.t += 60;
    await s.post("Progressing", "Reconciliation in progress");
    await s.post("Progressing", changeSet);
    expect((await word()).status).toBe("ReconciliationSucceeded");

    // The original's field shapes are kept.
    const commits = (await s.call("GET", "/api/gitopsCommits")).json as Record<string, unknown>[];
    expect(Object.keys(commits[0]!).sort()).toEqual(["created", "env", "sha", "status", "statusDesc"]);
    expect(commits[0]).toMatchObject({ sha: s.hash, status: "ReconciliationSucceeded", env: "staging" });

    // The timeline's "Flux applied" is the change set's time, not the first report's nor the later ones.
    // (The timeline API takes the id `artifact push` prints.)
    const timeline = async () =>
      (await s.call("GET", `/api/releases/${encodeURIComponent(s.artifactId)}/timeline`)).json;
    const tl = await timeline();
    const step = tl.results[0].steps.find((x: { step: string }) => x.step === "Flux applied");
    expect(step).toMatchObject({ at: appliedAt, recorded: true });

    // DORA's lead time runs to the first applied word, not to the first report.
    const stats = (await s.call("GET", "/api/stats?env=staging&since=2020-01-01T00:00:00Z&until=2033-01-01T00:00:00Z"))
      .json;
    expect(stats.leadTime).toEqual({ count: 1, p50: appliedAt - 1_700_000_000, p90: appliedAt - 1_700_000_000 });

    // A failure after success still shows failed, and is notified.
    await s.post("HealthCheckFailed", "health check failed after 30s: timeout waiting for: [Deployment/default/web]");
    expect((await word()).status).toBe("HealthCheckFailed");
    expect(await s.waitSent(2)).toEqual(["fluxApplied", "fluxFailed"]);
    expect((await track()).results[0].gitopsCommitStatus).toBe("HealthCheckFailed");
    // Recovered: applied again, notified again; the first applied time stands.
    await s.post("Progressing", "Health check passed in 2s");
    expect(await s.waitSent(3)).toEqual(["fluxApplied", "fluxFailed", "fluxApplied"]);
    const again = await timeline();
    expect(again.results[0].steps.find((x: { step: string }) => x.step === "Flux applied").at).toBe(appliedAt);
  });

  test("only the update event that says ReconciliationSucceeded is recorded; other update events are ignored", async () => {
    const s = await setup();
    await s.post("Progressing", changeSet);
    await s.post("HealthCheckFailed", "late", update);
    expect((await s.store.gitopsCommit(s.hash))!.status).toBe("Progressing");
  });

  test("ReconciliationSucceeded alone (the change-set event rate-limited away) makes it applied, notified once", async () => {
    const s = await setup();
    await s.post("ReconciliationSucceeded", "Reconciliation finished in 1s, next run in 1m0s", update);
    await s.post("ReconciliationSucceeded", "Reconciliation finished in 2s, next run in 1m0s", update);
    expect((await s.store.gitopsCommit(s.hash))!.statusDesc).toBe("Reconciliation finished in 1s, next run in 1m0s");
    expect(await s.waitSent(1)).toEqual(["fluxApplied"]);
    await Bun.sleep(100);
    expect(s.sent).toHaveLength(1);
  });
});
