/**
 * `release track --timeline` on the compiled binary: the original lines stay as they were, the
 * timeline's steps follow, each printed as it is recorded — the gitops commit, Flux's report (a real
 * POST /api/flux-events), and the rollout a (fake) agent reports over the real agent wire format;
 * a remote env's push time comes from a real push to `git http-backend`.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gimlet, gimletBin, startServe } from "../support/bin.ts";
import { app, envState, FakeAgent } from "../support/fake-agent.ts";
import { run, startGitServer, type GitServer } from "../support/git-server.ts";

const SHA = "1234567890abcdef1234567890abcdef12345678";
const OLD = "0000000000000000000000000000000000000000";
const dataDir = mkdtempSync(join(tmpdir(), "gimlet-timeline-"));
const work = mkdtempSync(join(tmpdir(), "gimlet-timeline-work-"));
const procs: ReturnType<typeof Bun.spawn>[] = [];
let git: GitServer;
let url = "";
let token = "";
let agent: FakeAgent;
let artifactId = "";

afterAll(async () => {
  agent?.disconnect();
  for (const p of procs) {
    p.kill("SIGKILL");
    await p.exited;
  }
  git?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const cliEnv = () => ({ GIMLET_SERVER: url, GIMLET_TOKEN: token, GIMLET_TRACK_INTERVAL_MS: "200" });
const cli = (args: string[]) => gimlet(args, { env: cliEnv() });

/** web at `sha` the way the agent reports it: the chart's gimlet.io/git-sha on the workload. */
const web = (sha: string, rollout: "progressing" | "complete" | "failed" = "complete") =>
  app("web", {
    sha,
    workload: {
      kind: "Deployment",
      name: "web",
      sha,
      image: `nginx:${sha}`,
      replicas: { desired: 2, updated: rollout === "complete" ? 2 : 1, ready: 2, available: 2 },
      rollout: { status: rollout },
    },
  });

beforeAll(async () => {
  const serve = await startServe(dataDir);
  procs.push(serve.proc);
  ({ url, token } = serve);
  git = await startGitServer();
  await git.createRepo("prod-gitops.git");
  expect((await cli(["env", "create", "staging", "--builtin"])).code).toBe(0);
  const prod = await cli(["env", "create", "prod", "--gitops-repo", git.url("prod-gitops.git")]);
  expect(prod.code, prod.stderr).toBe(0);
  const made = await cli(["user", "create", "agent-staging", "--role", "agent", "--env", "staging", "-o", "json"]);
  expect(made.code, made.stderr).toBe(0);
  agent = new FakeAgent(url, (JSON.parse(made.stdout) as { token: string }).token, "staging");
  await agent.register();
  expect((await agent.snapshot(envState("staging", [web(OLD)]))).status).toBe(200);

  const manifest = (env: string) => ({
    app: "web",
    env,
    namespace: "default",
    values: { image: { repository: "nginx", tag: "{{ .SHA }}" }, gitSha: "{{ .SHA }}", gitRepository: "acme/web" },
  });
  const f = join(work, "artifact.json");
  const version = { repositoryName: "acme/web", sha: SHA, branch: "main", event: "push", created: 1700000000 };
  writeFileSync(f, JSON.stringify({ version, environments: [manifest("staging"), manifest("prod")] }));
  const r = await cli(["artifact", "push", "-f", f, "-o", "json"]);
  expect(r.code, r.stderr).toBe(0);
  artifactId = JSON.parse(r.stdout).id;
});

interface Timeline {
  results: { env: string; hash: string; steps: { step: string; at?: number; recorded: boolean; note?: string }[] }[];
}

async function timeline(id: string): Promise<Timeline> {
  const res = await fetch(`${url}/api/releases/${id}/timeline`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Timeline;
}

async function committed(id: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const hash = (await timeline(id)).results[0]?.hash;
    if (hash) return hash;
    await Bun.sleep(100);
  }
  throw new Error(`request ${id} made no commit`);
}

/** One flux user per env, made on first use. */
const fluxTokens = new Map<string, string>();

async function fluxApplied(env: string, hash: string): Promise<void> {
  if (!fluxTokens.has(env)) {
    const flux = await cli(["user", "create", `flux-${env}`, "--role", "flux", "-o", "json"]);
    fluxTokens.set(env, JSON.parse(flux.stdout).token);
  }
  const ev = { reason: "ReconciliationSucceeded", message: "applied", metadata: { revision: `main@sha1:${hash}` } };
  const res = await fetch(`${url}/api/flux-events?env=${env}&access_token=${fluxTokens.get(env)}`, {
    method: "POST",
    body: JSON.stringify(ev),
  });
  expect(res.status).toBe(200);
}

/** What a process printed so far, read on demand. */
class Output {
  text = "";
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }
  /** Reads until `pattern` shows up, or to the end when none is given (or the process ends). */
  async until(pattern?: RegExp): Promise<string> {
    while (!pattern?.test(this.text)) {
      const { value, done } = await this.reader.read();
      if (done) break;
      this.text += this.decoder.decode(value, { stream: true });
    }
    return this.text;
  }
}

test("--wait --timeline --until rollout prints each step as it is recorded, the rollout from the agent's state", async () => {
  const made = await cli(["release", "make", "--env", "staging", "--artifact", artifactId, "-o", "json"]);
  expect(made.code, made.stderr).toBe(0);
  const id = JSON.parse(made.stdout).id as string;
  const track = Bun.spawn(
    [gimletBin, "release", "track", id, "--wait", "--timeline", "--until", "rollout", "--timeout", "60s"],
    { env: { PATH: process.env.PATH ?? "", ...cliEnv() }, stdout: "pipe", stderr: "pipe" },
  );
  procs.push(track);
  const out = new Output(track.stdout as ReadableStream<Uint8Array>);
  await out.until(/gitops commit made at/);
  expect(out.text).toMatch(/^web -> staging: artifact created at 2023-11-14T22:13:20Z\n/);
  expect(out.text).not.toContain("Flux applied");
  const hash = await committed(id);

  await fluxApplied("staging", hash);
  await out.until(/Flux applied at/);
  expect(out.text).not.toContain("rollout complete");
  // The agent sees the new version rolling out, then done: only "done" is the rollout.
  expect((await agent.update([web(SHA, "progressing")])).status).toBe(200);
  await Bun.sleep(600);
  expect((await timeline(id)).results[0]!.steps[6]!.recorded).toBe(false);
  expect((await agent.update([web(SHA)])).status).toBe(200);

  const [code, , stderr] = await Promise.all([track.exited, out.until(), new Response(track.stderr).text()]);
  expect(code, stderr).toBe(0);
  // The original lines, unchanged, on stderr as before.
  expect(stderr).toContain(`Request is processed\n  web -> staging ${hash.slice(0, 12)} ReconciliationSucceeded\n`);
  const lines = out.text.trimEnd().split("\n");
  expect(lines.map((l) => l.replace(/ at .*/, ""))).toEqual([
    "web -> staging: artifact created",
    "web -> staging: artifact received",
    "web -> staging: release requested",
    "web -> staging: gitops commit made",
    "web -> staging: pushed",
    "web -> staging: Flux applied",
    "web -> staging: rollout complete",
  ]);
  for (const l of lines.slice(1)) expect(l).toMatch(/ at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(\+\d+(s|m\d\ds|h\d\dm)\)$/);
  const t = await timeline(id);
  const rolled = t.results[0]!.steps[6]!;
  expect(rolled).toMatchObject({ step: "rollout complete", recorded: true });
  expect(rolled.at!).toBeGreaterThanOrEqual(t.results[0]!.steps[5]!.at!);

  // Once, without --wait: the original line first, then every step; -o json is the timeline object.
  const once = await cli(["release", "track", id, "--timeline"]);
  expect(once.code, once.stderr).toBe(0);
  expect(once.stdout.split("\n").slice(0, 2)).toEqual([
    "Request is processed",
    `  web -> staging ${hash.slice(0, 12)} ReconciliationSucceeded`,
  ]);
  expect(once.stdout).toContain("web -> staging: rollout complete at ");
  const json = await cli(["release", "track", id, "--timeline", "-o", "json"]);
  expect(JSON.parse(json.stdout)).toEqual(t);
  // Without --timeline nothing changed for scripts.
  const plain = await cli(["release", "track", id]);
  expect(plain.stdout).toBe(`Request is processed\n  web -> staging ${hash.slice(0, 12)} ReconciliationSucceeded\n`);
}, 90_000);

test("a remote env's push is timed when the push to the remote succeeded", async () => {
  const made = await cli(["release", "make", "--env", "prod", "--artifact", artifactId, "-o", "json"]);
  expect(made.code, made.stderr).toBe(0);
  const id = JSON.parse(made.stdout).id as string;
  const hash = await committed(id);
  const remote = (await run(["git", "--git-dir", join(git.root, "prod-gitops.git"), "rev-parse", "main"])).trim();
  expect(remote).toBe(hash);
  const steps = (await timeline(id)).results[0]!.steps;
  const [commit, pushed] = [steps[3]!, steps[4]!];
  expect(pushed).toMatchObject({ step: "pushed", recorded: true, note: "pushed to the env's gitops remote" });
  expect(pushed.at!).toBeGreaterThanOrEqual(commit.at!);
  expect(pushed.at! - commit.at!).toBeLessThan(30);
  const r = await cli(["release", "track", id, "--timeline"]);
  expect(r.stdout).toContain("web -> prod: pushed at ");
  expect(r.stdout).toContain("web -> prod: rollout complete not recorded (the agent has not reported it)");
}, 30_000);

test("bad flags: an unknown --until, or --until rollout without --timeline, exit 1 naming the flag", async () => {
  const a = await cli(["release", "track", "x", "--wait", "--timeline", "--until", "soon"]);
  expect([a.code, a.stderr]).toEqual([1, expect.stringContaining('invalid --until "soon"')]);
  const b = await cli(["release", "track", "x", "--wait", "--until", "rollout"]);
  expect([b.code, b.stderr]).toEqual([1, expect.stringContaining("--until rollout needs --timeline")]);
  const c = await cli(["release", "track", "nope", "--timeline"]);
  expect(c.code).toBe(1);
  expect(c.stderr).toContain("nope");
});

test("artifact track --timeline: the id artifact push printed names its policy deploy's timeline", async () => {
  const f = join(work, "policy.json");
  const sha = "abcdefabcdefabcdefabcdefabcdefabcdef0001";
  const version = { repositoryName: "acme/web", sha, branch: "main", event: "push", created: 1700000100 };
  const manifest = {
    app: "web",
    env: "staging",
    namespace: "default",
    deploy: { branch: "main", event: "push" },
    values: { image: { repository: "nginx", tag: "{{ .SHA }}" }, gitSha: "{{ .SHA }}" },
  };
  writeFileSync(f, JSON.stringify({ version, environments: [manifest] }));
  const pushed = await cli(["artifact", "push", "-f", f, "-o", "json"]);
  expect(pushed.code, pushed.stderr).toBe(0);
  const id = JSON.parse(pushed.stdout).id as string;
  let out = "";
  for (let i = 0; i < 100 && !out.includes("gitops commit made at"); i++) {
    const r = await cli(["artifact", "track", id, "--timeline"]);
    expect(r.code === 0 || r.stdout.includes("not processed"), r.stderr).toBe(true);
    out = r.stdout;
    await Bun.sleep(100);
  }
  expect(out).toContain("web -> staging: artifact created at 2023-11-14T22:15:00Z");
  expect(out).toContain("web -> staging: deploy policy matched at ");
  expect(out).toContain("web -> staging: gitops commit made at ");
  const json = await cli(["artifact", "track", id, "--timeline", "-o", "json"]);
  expect(JSON.parse(json.stdout)).toMatchObject({ type: "artifact", results: [{ env: "staging", app: "web" }] });
}, 30_000);

test("a rollout the agent reports failed ends --until rollout with exit 1 naming it; the timeline says when", async () => {
  const sha = "feedfacefeedfacefeedfacefeedfacefeedface";
  const f = join(work, "failing.json");
  const version = { repositoryName: "acme/web", sha, branch: "main", event: "push", created: 1700000200 };
  const manifest = { app: "web", env: "staging", namespace: "default", values: { gitSha: "{{ .SHA }}" } };
  writeFileSync(f, JSON.stringify({ version, environments: [manifest] }));
  const pushed = await cli(["artifact", "push", "-f", f, "-o", "json"]);
  expect(pushed.code, pushed.stderr).toBe(0);
  const made = await cli([
    "release",
    "make",
    "--env",
    "staging",
    "--artifact",
    JSON.parse(pushed.stdout).id,
    "-o",
    "json",
  ]);
  expect(made.code, made.stderr).toBe(0);
  const id = JSON.parse(made.stdout).id as string;
  await fluxApplied("staging", await committed(id));
  const track = Bun.spawn(
    [gimletBin, "release", "track", id, "--wait", "--timeline", "--until", "rollout", "--timeout", "60s"],
    { env: { PATH: process.env.PATH ?? "", ...cliEnv() }, stdout: "pipe", stderr: "pipe" },
  );
  procs.push(track);
  const out = new Output(track.stdout as ReadableStream<Uint8Array>);
  await out.until(/Flux applied at/);
  expect((await agent.update([web(sha, "failed")])).status).toBe(200);
  const [code, , stderr] = await Promise.all([track.exited, out.until(), new Response(track.stderr).text()]);
  expect(code).toBe(1);
  expect(stderr).toMatch(/the release's rollout failed: web -> staging: the rollout failed at \d{4}-\d\d-\d\dT/);
  const rollout = (await timeline(id)).results[0]!.steps[6]!;
  expect(rollout).toMatchObject({ step: "rollout complete", recorded: false });
  expect(rollout.note).toStartWith("the rollout failed at ");
  const once = await cli(["release", "track", id, "--timeline"]);
  expect(once.stdout).toContain("web -> staging: rollout complete not recorded (the rollout failed at ");
}, 60_000);

const stepOf = (r: Timeline["results"][number], name: string) => r.steps.find((s) => s.step === name)!;

test("a rollback's timeline gets the rollout of the version it restored; the original's stays as it was", async () => {
  const res = await fetch(`${url}/api/releases?env=staging&app=web&limit=20`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  const history = (await res.json()) as { eventId: string; gitopsRef: string; version: { sha: string } }[];
  // The first test's release of SHA, rolled out then; releases of other versions came after it.
  const original = history.find((r) => r.version.sha === SHA)!;
  expect(history[0]!.version.sha).not.toBe(SHA);
  const before = (await timeline(original.eventId)).results[0]!.steps[6]!;
  expect(before).toMatchObject({ step: "rollout complete", recorded: true });

  const rb = await cli([
    "release",
    "rollback",
    "--env",
    "staging",
    "--app",
    "web",
    "--to",
    original.gitopsRef,
    "-o",
    "json",
  ]);
  expect(rb.code, rb.stderr).toBe(0);
  const id = JSON.parse(rb.stdout).id as string;
  const track = Bun.spawn(
    [gimletBin, "release", "track", id, "--wait", "--timeline", "--until", "rollout", "--timeout", "60s"],
    { env: { PATH: process.env.PATH ?? "", ...cliEnv() }, stdout: "pipe", stderr: "pipe" },
  );
  procs.push(track);
  const out = new Output(track.stdout as ReadableStream<Uint8Array>);
  await committed(id);
  for (const r of (await timeline(id)).results) await fluxApplied("staging", r.hash);
  await out.until(/Flux applied at/);
  expect(out.text).toContain("web -> staging: rollback requested at ");
  expect(out.text).not.toContain("rollout complete");
  // The restored version on its way, then done: only done is the rollback's rollout.
  expect((await agent.update([web(SHA, "progressing")])).status).toBe(200);
  await Bun.sleep(600);
  expect(stepOf((await timeline(id)).results[0]!, "rollout complete").recorded).toBe(false);
  expect((await agent.update([web(SHA)])).status).toBe(200);

  const [code, , stderr] = await Promise.all([track.exited, out.until(), new Response(track.stderr).text()]);
  expect(code, stderr).toBe(0);
  expect(out.text).toMatch(/web -> staging: rollout complete at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
  const t = await timeline(id);
  expect(t.results.length).toBeGreaterThan(0);
  for (const r of t.results) {
    expect(stepOf(r, "rollout complete")).toMatchObject({ recorded: true });
    expect(stepOf(r, "rollout complete").at!).toBeGreaterThanOrEqual(stepOf(r, "gitops commit made").at!);
  }
  // The release it restored keeps its own rollout time: the rollback did not stamp it again.
  expect((await timeline(original.eventId)).results[0]!.steps[6]).toEqual(before);
}, 90_000);
