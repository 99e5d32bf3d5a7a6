/**
 * The delivery timeline on the real path: an artifact pushed with the CLI, the deploy policy commits it
 * to a builtin env `gimlet serve` hosts, Flux (woken by its Receiver) applies it to the kwok cluster,
 * kwok makes the pods ready, and the real `gimlet agent` reports the rollout. `release track <id>
 * --timeline --wait --until rollout` must print every step, its times in order, and exit 0 only once
 * "rollout complete" is recorded — never before the last pod of the release is Ready. A second
 * artifact gets its own rollout time (held back by cordoned nodes: nothing recorded until its pods
 * run); the first release's times stay as they were. A complete state of the old version reported
 * while Flux holds the new commit is no rollout; without gitSha the image tells the release.
 * KEEP_LOGS=1 prints what serve and the agent said.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gimletBin } from "../../support/bin.ts";
import { eventually, useCluster } from "../../support/cluster.ts";
import { webArtifactFile } from "../../support/artifacts.ts";
import { HostedStaging, webPods } from "../../support/cluster-stack.ts";

const cluster = useCluster();
const data = mkdtempSync(join(tmpdir(), "timeline-cluster-"));
const logFile = join(data, "procs.log");
const stack = new HostedStaging(cluster, data, logFile);
const { cli } = stack;
/** The `release track` processes a test started. */
const procs: ReturnType<typeof Bun.spawn>[] = [];
const env = () => ({ GIMLET_SERVER: stack.url, GIMLET_TOKEN: stack.admin, GIMLET_TRACK_INTERVAL_MS: "500" });

beforeAll(() => stack.start(), 240_000);

afterAll(async () => {
  for (const p of procs.reverse()) {
    p.kill("SIGKILL");
    await p.exited;
  }
  await stack.stop();
  if (process.env.KEEP_LOGS && existsSync(logFile)) console.log(readFileSync(logFile, "utf8"));
  rmSync(data, { recursive: true, force: true });
});

interface Step {
  step: string;
  at?: number;
  took?: number;
  recorded: boolean;
  note?: string;
}
interface Timeline {
  id: string;
  type: string;
  results: { env: string; app: string; hash: string; steps: Step[] }[];
}

const STEPS = [
  "artifact created",
  "artifact received",
  "deploy policy matched",
  "gitops commit made",
  "pushed",
  "Flux applied",
  "rollout complete",
];

async function timeline(id: string): Promise<Timeline> {
  const r = await fetch(`${stack.url}/api/releases/${id}/timeline`, {
    headers: { Authorization: `Bearer ${stack.admin}` },
  });
  if (!r.ok) throw new Error(`GET timeline ${id}: ${r.status} ${await r.text()}`);
  return (await r.json()) as Timeline;
}

/**
 * Pushes an artifact of acme/web at `sha` (the chart gets the sha and repo the way gimlet's UI writes a
 * manifest: `{{ .SHA }}`, `{{ .REPO }}`), created in CI a few seconds ago. Returns the artifact id.
 */
async function pushArtifact(sha: string, replicas: number, o: DeliverOptions): Promise<string> {
  const values = {
    replicas,
    gitRepository: "{{ .REPO }}",
    ...(o.gitSha === false ? {} : { gitSha: "{{ .SHA }}" }),
    image: { repository: "nginx", tag: "{{ .SHA }}" },
  };
  const created = Math.floor(Date.now() / 1000) - 2;
  return stack.push(webArtifactFile(data, sha, values, { message: `commit ${sha.slice(0, 7)}`, created }));
}

/**
 * The request the policy deploy made, as a user finds it with the CLI: `artifact push` answers with
 * the artifact, so the request id is the release's eventId in `release list`.
 */
async function policyRequest(sha: string): Promise<string> {
  let id = "";
  await eventually(
    `the policy deploy of ${sha.slice(0, 7)} in release list`,
    async () => {
      const r = await cli(["release", "list", "--env", "staging", "--app", "web", "--limit", "1", "-o", "json"]);
      const [rel] = JSON.parse(r.stdout) as { version?: { sha: string }; eventId?: string }[];
      id = rel?.version?.sha === sha ? (rel.eventId ?? "") : "";
      return !!id;
    },
    30_000,
  );
  return id;
}

/** The latest Ready time (unix seconds) of the pods running `sha` (their image tag), and how many there are. */
async function podsReady(sha: string): Promise<{ count: number; last: number }> {
  type Pod = {
    metadata: { deletionTimestamp?: string };
    spec: { containers: { image: string }[] };
    status: { conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
  };
  const pods = (await webPods<Pod>(cluster)).filter(
    (p) => !p.metadata.deletionTimestamp && p.spec.containers[0]?.image === `nginx:${sha}`,
  );
  const ready = pods.map((p) => p.status.conditions?.find((c) => c.type === "Ready" && c.status === "True"));
  if (ready.some((c) => !c?.lastTransitionTime)) throw new Error(`a pod of ${sha.slice(0, 7)} is not Ready`);
  return { count: pods.length, last: Math.max(...ready.map((c) => Date.parse(c!.lastTransitionTime!) / 1000)) };
}

/** What a process prints, with when each line arrived (ms since `t0`): the steps' sub-second timing. */
class Output {
  text = "";
  readonly arrived: number[] = [];
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  constructor(
    stream: ReadableStream<Uint8Array>,
    private readonly t0: number,
  ) {
    this.reader = stream.getReader();
  }
  async all(): Promise<string> {
    for (;;) {
      const { value, done } = await this.reader.read();
      if (done) return this.text;
      this.text += new TextDecoder().decode(value, { stream: true });
      const n = this.text.split("\n").length - 1;
      while (this.arrived.length < n) this.arrived.push(performance.now() - this.t0);
    }
  }
}

interface DeliverOptions {
  gitSha?: boolean;
  /** Runs while `release track` follows the request, before it is awaited. */
  meanwhile?: (id: string, out: Output, track: ReturnType<typeof Bun.spawn>) => Promise<void>;
}

/**
 * Pushes a release and follows it with `release track --timeline --wait --until rollout` to the end;
 * checks the printed steps, their order and the recorded rollout. Returns the request id and timeline.
 */
async function deliver(sha: string, replicas: number, o: DeliverOptions = {}): Promise<Timeline> {
  const t0 = performance.now();
  await pushArtifact(sha, replicas, o);
  const id = await policyRequest(sha);
  const committed = (performance.now() - t0) / 1000;
  const args = ["release", "track", id, "--wait", "--timeline", "--until", "rollout", "--timeout", "150s"];
  const track = Bun.spawn([gimletBin, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env() },
    stdout: "pipe",
    stderr: "pipe",
  });
  procs.push(track);
  const out = new Output(track.stdout as ReadableStream<Uint8Array>, t0);
  const done = Promise.all([track.exited, out.all(), new Response(track.stderr).text()]);
  await o.meanwhile?.(id, out, track);
  const [code, stdout, stderr] = await done;
  const wall = (performance.now() - t0) / 1000;
  expect(code, `${stderr}\n${stdout}`).toBe(0);

  // Every step printed once, in timeline order, each with its time; all but the first with its duration.
  const lines = stdout.trimEnd().split("\n");
  expect(lines.map((l) => l.replace(/ at .*/, ""))).toEqual(STEPS.map((s) => `web -> staging: ${s}`));
  expect(lines[0]).toMatch(/ at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  for (const l of lines.slice(1)) expect(l).toMatch(/ at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(\+\d+(s|m\d\ds)\)$/);

  const t = await timeline(id);
  expect(t).toMatchObject({ id, type: "artifact" });
  const [r] = t.results;
  expect(r).toMatchObject({ env: "staging", app: "web" });
  expect(r!.steps.map((s) => [s.step, s.recorded])).toEqual(STEPS.map((s) => [s, true]));
  const at = r!.steps.map((s) => s.at!);
  for (let i = 1; i < at.length; i++) expect([STEPS[i], at[i]! >= at[i - 1]!]).toEqual([STEPS[i], true]);
  expect(r!.steps[6]!.note).toBe("the agent reported every replica updated and available");
  // The gitops commit the timeline names is the one Flux reported applied.
  expect(stderr).toContain(`  web -> staging ${r!.hash.slice(0, 12)} `);

  // Not recorded early: by then every pod of the release is Ready, and the rollout came after the last.
  const ready = await podsReady(sha);
  expect(ready.count).toBe(replicas);
  expect(at[6]!).toBeGreaterThanOrEqual(Math.floor(ready.last));
  // The server's times are whole seconds; when track printed each step says where the time went.
  const seen = STEPS.map((s, i) => `${s} ${(out.arrived[i]! / 1000).toFixed(2)}`).join(", ");
  const took = r!.steps.slice(1).map((s) => `${s.step} +${s.took}s`);
  console.log(
    `${sha.slice(0, 7)} (${replicas} replicas): artifact push → commit in release list ${committed.toFixed(2)} s, ` +
      `→ track exit ${wall.toFixed(2)} s; ` +
      `track printed (s after the push): ${seen}; recorded: ${took.join(", ")}`,
  );
  return t;
}

const SHA1 = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
const SHA2 = "f0e1d2c3b4a5968778695a4b3c2d1e0f98765432";
let first: Timeline;

test("an artifact push: release track --until rollout prints every step in order and exits 0 at the rollout", async () => {
  first = await deliver(SHA1, 2);
}, 240_000);

const webState = stack.web;

const nodes = async () => (await cluster.kubectl(["get", "nodes", "-o", "name"])).trim().split("\n");

test("a second artifact, its pods held unschedulable: no rollout until they run; the first's times unchanged", async () => {
  // Cordoned nodes keep the new ReplicaSet's pods Pending: Flux applies, the agent reports the new sha
  // progressing, and nothing may record "rollout complete" or end the track until the pods run.
  for (const n of await nodes()) await cluster.kubectl(["cordon", n]);
  let released = 0;
  const second = await deliver(SHA2, 3, {
    meanwhile: async (id, out, track) => {
      await eventually(
        "Flux applied and the agent reporting the new sha progressing",
        async () => {
          const w = (await webState())?.workload;
          return out.text.includes("Flux applied at") && w?.sha === SHA2 && w.rollout.status === "progressing";
        },
        60_000,
      );
      await Bun.sleep(3000);
      expect((await timeline(id)).results[0]!.steps[6]!.recorded).toBe(false);
      expect(out.text).not.toContain("rollout complete");
      expect(track.exitCode).toBeNull();
      released = Date.now() / 1000;
      for (const n of await nodes()) await cluster.kubectl(["uncordon", n]);
    },
  });
  expect(second.results[0]!.steps[6]!.at!).toBeGreaterThanOrEqual(Math.floor(released));
  expect(second.id).not.toBe(first.id);
  expect(second.results[0]!.hash).not.toBe(first.results[0]!.hash);
  // Flux's later words on the first commit may change its note ("now …"); no recorded time may move.
  const times = (t: Timeline) => t.results.map((r) => [r.hash, ...r.steps.map((s) => [s.step, s.at, s.took])]);
  const again = await timeline(first.id);
  expect(times(again)).toEqual(times(first));
  expect(again.results[0]!.steps[6]).toEqual(first.results[0]!.steps[6]!);
}, 240_000);

const kustomizations = async () =>
  (await cluster.kubectl(["-n", "flux-system", "get", "kustomizations", "-o", "name"])).trim().split("\n");
async function suspendFlux(suspend: boolean): Promise<void> {
  const patch = JSON.stringify({ spec: { suspend } });
  for (const k of await kustomizations()) {
    await cluster.kubectl(["-n", "flux-system", "patch", k, "--type=merge", "-p", patch]);
  }
}

test("a complete state of the version before, reported after the commit but before Flux applied, is no rollout", async () => {
  // Flux holds the new commit; the old version's pods change (one deleted, replaced): the agent reports
  // the app complete again, at the old sha. The release's rollout must wait for Flux and the new pods.
  const sha = "5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d";
  await suspendFlux(true);
  try {
    await deliver(sha, 3, {
      meanwhile: async (id, out, track) => {
        const before = (await webState())!.pods.map((p) => p.name);
        await cluster.kubectl(["-n", "default", "delete", "pod", before[0]!, "--wait=false"]);
        await eventually(
          "the old version complete again, its pod replaced",
          async () => {
            const a = await webState();
            const names = a?.pods.map((p) => p.name) ?? [];
            return (
              a?.workload?.sha === SHA2 &&
              a.workload.rollout.status === "complete" &&
              !names.includes(before[0]!) &&
              names.length === 3 &&
              a.pods.every((p) => p.status === "Running")
            );
          },
          30_000,
        );
        await Bun.sleep(1500);
        expect((await timeline(id)).results[0]!.steps[6]!.recorded).toBe(false);
        expect(out.text).not.toContain("rollout complete");
        expect(track.exitCode).toBeNull();
        await suspendFlux(false);
      },
    });
  } finally {
    await suspendFlux(false);
  }
}, 240_000);

test("a chart without gitSha: the rollout is told by the image the release wrote", async () => {
  // No gimlet.io/git-sha on the workload: the recorder compares the image the gitops commit wrote.
  const third = await deliver("0a1b2c3d4e5f60718293a4b5c6d7e8f901234567", 1, { gitSha: false });
  const out = await cluster.kubectl(["-n", "default", "get", "deployment", "web", "-o", "json"]);
  const d = JSON.parse(out) as { metadata: { annotations?: Record<string, string> } };
  expect(d.metadata.annotations?.["gimlet.io/git-sha"]).toBeUndefined();
  expect(third.results[0]!.steps[6]!.recorded).toBe(true);
}, 240_000);
