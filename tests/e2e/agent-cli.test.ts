/**
 * `gimlet env status`, `gimlet logs` and `gimlet restart` through the compiled binary against a
 * running `gimlet serve`, with a fake agent (tests/support/fake-agent.ts, the wire format over real
 * HTTP) standing in for the cluster; and the agent token made with `gimlet user create --role agent`.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeAgent, app, envState } from "../support/fake-agent.ts";
import { gimlet, gimletBin, startServe } from "../support/bin.ts";

const temps: string[] = [];
const procs: ReturnType<typeof Bun.spawn>[] = [];
afterAll(async () => {
  for (const p of procs) {
    p.kill("SIGKILL");
    await p.exited;
  }
  temps.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function serve(): Promise<{ url: string; token: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), "gimlet-e2e-agent-"));
  temps.push(dataDir);
  const s = await startServe(dataDir);
  procs.push(s.proc);
  return s;
}

function spawnCli(args: string[], env: Record<string, string>) {
  const p = Bun.spawn([gimletBin, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  procs.push(p);
  return p;
}

test("env status, logs and restart through the server and a (fake) agent", async () => {
  const s = await serve();
  const env = { GIMLET_SERVER: s.url, GIMLET_TOKEN: s.token };
  expect((await gimlet(["env", "create", "staging", "--builtin"], { env })).code).toBe(0);

  const unbound = await gimlet(["user", "create", "agent-x", "--role", "agent"], { env });
  expect(unbound.code).toBe(1);
  expect(unbound.stderr).toContain("an agent user must be bound to the env its agent reports for");
  expect(unbound.stderr).toContain("gimlet user create agent-x --role agent --env ENV");
  const made = await gimlet(["user", "create", "agent-staging", "--role", "agent", "--env", "staging", "-o", "json"], {
    env,
  });
  expect(made.code, made.stderr).toBe(0);
  const agentToken = (JSON.parse(made.stdout) as { token: string }).token;

  // Before any agent: the status says so; restart is refused with the reason.
  const empty = await gimlet(["env", "status", "staging"], { env });
  expect([empty.code, empty.stdout]).toEqual([0, "env staging: no agent connected; no state reported yet\nno apps\n"]);

  const agent = new FakeAgent(s.url, agentToken, "staging");
  await agent.register();
  const web = app("web", {
    pods: [
      { name: "web-7d9f-a1", status: "Running", ready: "1/1", restarts: 0, node: "node-1" },
      {
        name: "web-7d9f-b2",
        status: "CrashLoopBackOff",
        statusDescription: "back-off 5m0s restarting",
        ready: "0/1",
        restarts: 7,
        node: "node-2",
      },
    ],
  });
  expect((await agent.snapshot(envState("staging", [web]))).status).toBe(200);

  const status = await gimlet(["env", "status", "staging"], { env });
  expect(status.code, status.stderr).toBe(0);
  expect(status.stdout).toBe(
    [
      "env staging: agent connected",
      "",
      "APP   NAMESPACE   WORKLOAD         READY   SHA       ROLLOUT    URL",
      "web   default     Deployment/web   2/2     abc1234   complete   https://web.example.com",
      "",
      "POD           APP   STATUS             READY   RESTARTS   NODE     AGE",
      "web-7d9f-a1   web   Running            1/1     0          node-1   -",
      "web-7d9f-b2   web   CrashLoopBackOff   0/1     7          node-2   -",
      "  web-7d9f-b2: back-off 5m0s restarting",
      "",
      "FLUX                                       READY   REVISION   MESSAGE",
      "Kustomization/flux-system/gimlet-staging   True    -",
      "",
    ].join("\n"),
  );
  const json = await gimlet(["env", "status", "staging", "-o", "json"], { env });
  expect(JSON.parse(json.stdout)).toMatchObject({
    env: "staging",
    stale: false,
    agent: { connected: true },
    state: { apps: [{ name: "web" }] },
  });

  // restart: the CLI waits while the agent answers
  const restart = spawnCli(["restart", "staging", "web"], env);
  const cmd = await agent.next("restartDeployment");
  await agent.result(cmd.id, { ok: true, data: { restartedAt: "2024-05-01T10:00:00Z" } });
  expect([await restart.exited, await new Response(restart.stdout).text()]).toEqual([
    0,
    "restarted Deployment default/web at 2024-05-01T10:00:00Z\n",
  ]);

  // logs --tail: both pods' lines, prefixed, then the command ends
  const tail = spawnCli(["logs", "staging", "web", "--tail", "2"], env);
  for (let i = 0; i < 2; i++) {
    const c = await agent.next("podLogs");
    expect([c.tailLines, c.follow]).toEqual([2, undefined]);
    await agent.result(c.id, { ok: true });
    await agent.logs(c.id, { lines: [`${c.pod} line 1`, `${c.pod} line 2`], done: true });
  }
  expect(await tail.exited).toBe(0);
  expect((await new Response(tail.stdout).text()).split("\n").sort().filter(Boolean)).toEqual([
    "[web-7d9f-a1] web-7d9f-a1 line 1",
    "[web-7d9f-a1] web-7d9f-a1 line 2",
    "[web-7d9f-b2] web-7d9f-b2 line 1",
    "[web-7d9f-b2] web-7d9f-b2 line 2",
  ]);

  // logs -f: lines stream until the viewer is stopped, then the agent is told to stop
  const follow = spawnCli(["logs", "staging", "web", "-f", "--container", "app"], env);
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const c = await agent.next("podLogs");
    expect([c.follow, c.container]).toEqual([true, "app"]);
    ids.push(c.id);
    await agent.result(c.id, { ok: true });
  }
  await agent.logs(ids[0]!, { lines: ["streaming"] });
  const reader = (follow.stdout as ReadableStream<Uint8Array>).getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  expect(first).toMatch(/^\[web-7d9f-(a1|b2)\] streaming\n$/);
  follow.kill("SIGINT");
  await follow.exited;
  const stopped = [(await agent.next("stopPodLogs")).id, (await agent.next("stopPodLogs")).id].sort();
  expect(stopped).toEqual(ids.sort());

  // The agent goes away: restart says why, status shows the last state as stale.
  agent.disconnect();
  await Bun.sleep(100);
  const refused = await gimlet(["restart", "staging", "web"], { env });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain("HTTP 409: no agent of env staging is connected");
  const stale = await gimlet(["env", "status", "staging"], { env });
  expect(stale.stdout).toMatch(
    /^env staging: no agent connected, last seen \d+ seconds? ago; state as of \d+ seconds? ago \(stale\)\n/,
  );
});
