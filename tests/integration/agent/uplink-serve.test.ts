/**
 * The real agent's Uplink (src/agent/uplink.ts) against the real server app (createApp on
 * Bun.serve): the two halves of the wire format agree. Snapshot, coalesced updates, a command
 * answered through the uplink, log lines relayed to a viewer, and a server restart on the same port
 * after which the persisted state shows stale until the agent's new snapshot arrives.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Uplink } from "../../../src/agent/uplink.ts";
import type { StateSource } from "../../../src/agent/state-keeper.ts";
import { diffState } from "../../../src/core/agent/changes.ts";
import type { AppState, EnvState } from "../../../src/core/agent/state.ts";
import type { EnvStateView } from "../../../src/core/agent/view.ts";
import { Backoff } from "../../../src/core/backoff.ts";
import { SseParser } from "../../../src/core/sse.ts";
import { AgentHub } from "../../../src/ops/index.ts";
import { createApp } from "../../../src/server/app.ts";
import { Repos } from "../../../src/server/repos.ts";
import { builtinEnv } from "../../../src/server/test-kit.ts";
import { SqliteStore } from "../../../src/store/index.ts";
import { app as appState } from "../../support/fake-agent.ts";

class MemorySource implements StateSource {
  state: EnvState = { env: "staging", apps: [], flux: [] };
  private sent: EnvState = this.state;
  private cb: (() => void) | undefined;
  set(apps: AppState[]): void {
    this.state = { ...this.state, apps: [...apps].sort((a, b) => a.key.localeCompare(b.key)) };
    this.cb?.();
  }
  snapshot(): EnvState {
    return (this.sent = this.state);
  }
  takeChanges() {
    const d = diffState(this.sent, this.state);
    this.sent = this.state;
    return d;
  }
  onDirty(cb: () => void): void {
    this.cb = cb;
  }
  whenSynced(): Promise<void> {
    return Promise.resolve();
  }
}

const dir = mkdtempSync(join(tmpdir(), "uplink-serve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(port = 0) {
  const store = new SqliteStore(join(dir, "gimlet.db"));
  const agents = new AgentHub({ store, persistMs: 50 });
  let server: ReturnType<typeof Bun.serve> | undefined;
  const app = createApp({ store, repos: new Repos(dir), agents, requestTimeout: (r, s) => server!.timeout(r, s) });
  server = Bun.serve({ hostname: "127.0.0.1", port, fetch: app.fetch });
  return {
    store,
    port: server.port!,
    async stop() {
      server!.stop(true);
      await agents.stop();
      store.close();
    },
  };
}

const until = async (ok: () => Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await Bun.sleep(20);
  }
};

test("the agent's uplink and gimlet serve agree on the wire format, across a server restart", async () => {
  let s = await start();
  await s.store.createEnv(builtinEnv("staging"));
  await s.store.createUser("root", "admin");
  await s.store.createUser("agent-staging", "agent", "staging");
  const admin = await s.store.issueToken("root");
  const token = await s.store.issueToken("agent-staging");
  const base = `http://127.0.0.1:${s.port}`;
  const view = async () =>
    (await (
      await fetch(`${base}/api/envs/staging/state`, { headers: { Authorization: `Bearer ${admin}` } })
    ).json()) as EnvStateView;

  const source = new MemorySource();
  source.set([appState("web")]);
  const uplink: Uplink = new Uplink({
    server: base,
    token,
    env: "staging",
    source,
    coalesceMs: 20,
    backoff: new Backoff({ baseMs: 50, capMs: 200 }),
    onCommand: (cmd) => {
      if (cmd.action === "restartDeployment")
        void uplink.sendResult(cmd.id, { ok: true, data: { restartedAt: "now" } });
      if (cmd.action === "podLogs") {
        void uplink.sendResult(cmd.id, { ok: true });
        void uplink.sendLogs(cmd.id, { lines: [`${cmd.pod} says hi`], done: true });
      }
    },
  });
  uplink.start();
  try {
    await until(async () => !(await view()).stale);
    expect((await view()).state.apps.map((a) => a.name)).toEqual(["web"]);

    source.set([appState("web", { sha: "new" }), appState("api")]);
    await until(async () => (await view()).state.apps.length === 2);
    expect((await view()).state.apps.map((a) => `${a.name}@${a.sha}`)).toEqual(["api@abc1234", "web@new"]);
    expect(uplink.stats.updates).toBeGreaterThanOrEqual(1);

    const r = await fetch(`${base}/api/envs/staging/apps/web/restart`, {
      method: "POST",
      headers: { Authorization: `Bearer ${admin}` },
    });
    expect([r.status, ((await r.json()) as { restartedAt: string }).restartedAt]).toEqual([200, "now"]);

    const logs = await fetch(`${base}/api/envs/staging/apps/api/logs`, {
      headers: { Authorization: `Bearer ${admin}` },
    });
    const parser = new SseParser();
    const msgs = parser.push(await logs.text());
    // Two pods stream side by side: their events interleave; start comes first and end last.
    expect([msgs[0]!.event, msgs.at(-1)!.event, msgs.length]).toEqual(["start", "end", 6]);
    const lines = msgs
      .filter((m) => m.event === "log")
      .flatMap((m) => (JSON.parse(m.data) as { lines: string[] }).lines);
    expect(lines.sort()).toEqual(["api-7d9f-a1 says hi", "api-7d9f-b2 says hi"]);

    // Restart the server on the same port: the agent reconnects and sends a snapshot.
    const port = s.port;
    await s.stop();
    source.set([appState("web", { sha: "newer" })]);
    s = await start(port);
    await until(async () => {
      try {
        const v = await view();
        return !v.stale && v.state.apps.length === 1;
      } catch {
        return false;
      }
    });
    expect((await view()).state.apps.map((a) => `${a.name}@${a.sha}`)).toEqual(["web@newer"]);
    expect(uplink.stats.connects).toBeGreaterThanOrEqual(2);
  } finally {
    await uplink.stop();
    await s.stop();
  }
});
