/**
 * `gimlet serve`: the only place a port is opened. Creates the data dir and the admin user on the
 * first start, runs the worker, and on SIGTERM finishes the event in progress before exiting.
 */
import { hostname } from "node:os";
import { ConflictError } from "../core/errors.ts";
import { checkGivenToken, type PostgresStore, type Store } from "../store/index.ts";
import { createApp } from "./app.ts";
import { acquireServeLock, DataDir, openDataStore, prepareDataDir } from "./data-dir.ts";
import { watchEnvs } from "./env-watch.ts";
import { type AgentBridge, bridgeAgents } from "./agent-bridge.ts";
import { bridgeEvents, type Bridge } from "./event-bridge.ts";
import { EventHub } from "./event-hub.ts";
import { AgentHub, reindexAll, warmCurrentReleases, RolloutWatch } from "../ops/index.ts";
import { finished } from "./hub-events.ts";
import { createMetricsApp } from "./metrics-app.ts";
import { Notifier, type NotifierConfig } from "./notify.ts";
import { LoopLagSampler } from "./process-metrics.ts";
import { Repos } from "./repos.ts";
import { feedRollouts } from "./rollout-feed.ts";
import { Worker } from "./worker.ts";

export interface ServeOptions {
  dataDir: string;
  hostname: string;
  port: number;
  /** A second listener serving only /metrics, without a token: bind it to a private address. */
  metricsListen?: { hostname: string; port: number };
  /** The public URL (`--host`): an https one makes the dashboard's cookies Secure whatever the request says. */
  host?: string;
  /** X-Forwarded-Proto is believed only with this: otherwise any client could claim https. */
  trustProxy?: boolean;
  logFormat: "text" | "json";
  notifications?: NotifierConfig;
  webhookSecret?: string;
  /** Rebuild every env's history index from git before serving. */
  reindex?: boolean;
  /** Hard deadline of rendering one event's manifests, in ms (default GIMLET_RENDER_TIMEOUT_MS or 10 s). */
  renderTimeoutMs?: number;
  log: (line: string) => void;
  /**
   * A PostgreSQL URL: state lives there instead of the data dir's SQLite file, and several replicas
   * may serve at once. They then share the data dir (a shared volume: hosted repos, the key).
   */
  database?: string;
  /** This replica's name in queue leases (default: host name, plus the port with a database). */
  node?: string;
  /**
   * The first admin token, from an operator's Secret (GIMLET_ADMIN_TOKEN), used when the admin user
   * is created; without it a new token is made and logged once.
   */
  adminToken?: string;
}

export async function serve(
  o: ServeOptions,
): Promise<{ stop: () => Promise<void>; port: number; metricsPort?: number }> {
  // Refused before anything is locked or written: a bad token must not leave an admin without one.
  if (o.adminToken) checkGivenToken(o.adminToken);
  const log = (msg: string, fields: Record<string, unknown> = {}) =>
    o.log(
      o.logFormat === "json"
        ? JSON.stringify({ time: new Date().toISOString(), msg, ...fields })
        : `${msg}${
            Object.keys(fields).length
              ? " " +
                Object.entries(fields)
                  .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
                  .join(" ")
              : ""
          }`,
    );
  const warn = (msg: string) => log(`warning: ${msg}`);
  // The lock comes before anything touches the repos (the stale ref lock cleanup below included).
  prepareDataDir(o.dataDir, warn);
  // Replicas on one database share the data dir, so only a SQLite server holds it alone.
  const lock = o.database ? { release() {} } : acquireServeLock(o.dataDir);
  let store: Store;
  let shared: PostgresStore | undefined;
  try {
    store = o.database
      ? (shared = await new DataDir(o.dataDir).openSharedStore(o.database))
      : await openDataStore(o.dataDir, warn);
  } catch (e) {
    lock.release();
    throw e;
  }
  if (!(await store.user("admin"))) {
    try {
      await store.createUser("admin", "admin");
      if (o.adminToken) {
        await store.issueTokenWithId("admin", o.adminToken);
        o.log("Admin token: the one given in GIMLET_ADMIN_TOKEN");
      } else o.log(`Admin token: ${await store.issueToken("admin")}`);
    } catch (e) {
      // Another replica starting at the same time created it.
      if (!(e instanceof ConflictError)) throw e;
    }
  }
  const repos = new Repos(o.dataDir);
  const notifier = new Notifier(o.notifications, log);
  // With replicas, another one may be mid-write now; refs.ts clears a ref lock older than 10 s itself.
  const cleared = shared ? 0 : repos.clearStaleLocks();
  if (cleared) log("removed ref locks left by a killed run", { locks: cleared });
  if (o.reindex) {
    for (const r of await reindexAll({ store, repos })) log("history rebuilt from git", r);
  }
  const events = new EventHub();
  let bridge: Bridge | undefined;
  let agentBridge: AgentBridge | undefined;
  // `gimlet env create` writes the store directly; this is how the server learns of a new env.
  const envWatch = watchEnvs(store, events, { log });
  const renderTimeoutMs = o.renderTimeoutMs ?? (Number(process.env.GIMLET_RENDER_TIMEOUT_MS) || undefined);
  const exclusive = shared && (<T>(key: string, fn: () => Promise<T>) => shared!.exclusive(key, fn));
  const leaseNode = o.node ?? (shared ? `${hostname()}:${o.port || process.pid}` : undefined);
  // Replicas: a 2 s lease (renewed every 0.7 s) and the 1 s idle poll put a dead replica's event
  // in another's hands within 3 s.
  const leaseMs = shared ? 2000 : undefined;
  const worker = new Worker({
    store,
    repos,
    log,
    notifier,
    renderTimeoutMs,
    exclusive,
    leaseNode,
    leaseMs,
    onProcessed: (e) => {
      log("event processed", { id: e.id, type: e.type, status: e.status, commits: e.gitopsHashes.length });
      events.publish(finished(e));
    },
  });
  // The closure reads `server` only when an SSE request arrives, after Bun.serve below returned.
  const requestTimeout = (req: Request, seconds: number) => server.timeout(req, seconds);
  const loopLag = new LoopLagSampler().start();
  // The envs' agents: live state in memory, the last of it persisted so a restart shows it (stale).
  const agents = new AgentHub({ store, publish: (e) => events.publish(e), log });
  // "Rollout complete" on release timelines, from the app states agents report (bridged ones too).
  const rollouts = feedRollouts(events, new RolloutWatch({ store, repos, log }, { publish: (e) => events.publish(e) }));
  const deps = {
    store,
    repos,
    worker,
    notifier,
    webhookSecret: o.webhookSecret,
    publicUrl: o.host,
    trustProxy: o.trustProxy,
    // Shorter behind a proxy that cuts requests sooner; clients then follow the request's events.
    deleteWaitMs: Number(process.env.GIMLET_DELETE_WAIT_MS) || undefined,
    dataDir: o.dataDir,
    sharedDatabase: !!o.database,
    log,
    events,
    loopLag,
    envWatch,
    agents,
  };
  if (shared) {
    // A request queued on another replica wakes this worker too: whichever claims it first runs it.
    bridge = await bridgeEvents(events, shared, {
      log,
      onRemote: (e) => e.type === "release.queued" && worker.notify(),
    });
    // Agents: whichever replica an agent connects to, every replica shows its state and relays commands.
    agentBridge = await bridgeAgents(agents, shared, {
      name: leaseNode ?? `${hostname()}:${o.port}`,
      store,
      deliver: (e) => events.receive(e),
      log,
    });
  }
  const app = createApp({ ...deps, requestTimeout });
  const server = Bun.serve({ hostname: o.hostname, port: o.port, fetch: app.fetch, idleTimeout: 60 });
  let metricsServer: ReturnType<typeof Bun.serve> | undefined;
  if (o.metricsListen) {
    const { hostname, port } = o.metricsListen;
    try {
      metricsServer = Bun.serve({ hostname, port, fetch: createMetricsApp(deps).fetch, idleTimeout: 30 });
    } catch (e) {
      server.stop(true);
      loopLag.stop();
      await store.close();
      lock.release();
      throw e;
    }
    log("metrics listening", { url: `http://${hostname}:${metricsServer.port}/metrics` });
  }
  log("gimlet serve listening", { url: `http://${o.hostname}:${server.port}`, dataDir: o.dataDir });
  // After listening, and off this turn: whatever is queued (a poison event included) never delays startup.
  setTimeout(() => worker.start(), 0);
  // Every hosted env's current releases read once now, so the first env page does not wait for it.
  const warming = warmCurrentReleases({ store, repos }).then(
    (failed) => {
      for (const f of failed) warn(`env ${f.env}: current releases not read at start: ${f.error}`);
    },
    (e: Error) => warn(`current releases not read at start: ${e.message}`),
  );
  return {
    port: server.port!,
    metricsPort: metricsServer?.port,
    async stop() {
      await metricsServer?.stop();
      // Stop listening first, then end the agents' downlinks and log relays the stop waits for.
      const stopping = server.stop();
      await agents.stop();
      await agentBridge?.stop();
      await stopping;
      loopLag.stop();
      envWatch.stop();
      await worker.stop();
      await rollouts.stop();
      await bridge?.stop();
      await warming; // it reads the store
      await store.close();
      lock.release();
    },
  };
}
