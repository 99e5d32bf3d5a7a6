/**
 * Replicas and agents: an agent's downlink lands on one replica, the owner of that env's live state;
 * every other replica keeps a mirror of it, so each replica's API and dashboard show the same apps.
 * Messages go over Postgres NOTIFY on one channel (agent-bridge-wire.ts packs the large ones):
 *   hb      every heartbeatMs, the owner's envs: (gen, n) = its downlink and the last change's number
 *   d       a change, numbered n within gen; a mirror applies n + 1 only, anything else is a gap
 *   sync    a mirror's gap (or a new gen): the owner writes its state to the store, then sends
 *   stored  "re-read the store, it holds n"; deltas after n follow it on the same ordered chain
 *   disc    the downlink closed; cmd / res  a command for the owner's agent, and its result
 *   hello   a replica (re)started listening: owners answer with a heartbeat at once
 * An owner silent for expireMs is taken as dead: its envs show disconnected with the mirrored state
 * (stale). Two replicas holding one env's agent (it reconnected before the old socket died): the
 * older downlink yields to the newer, as on one server. App logs: agent-bridge-logs.ts.
 */
import type { StateChanges } from "../core/agent/state.ts";
import type { AgentCommand, CommandResult } from "../core/agent/wire.ts";
import { ConflictError } from "../core/errors.ts";
import type { HubEvent } from "../core/events.ts";
import type { AgentHub, AgentPeers, RemoteAgent } from "../ops/index.ts";
import type { Store } from "../store/index.ts";
import { LogRelays } from "./agent-bridge-logs.ts";
import { pack, Unpacker, type WireMessage } from "./agent-bridge-wire.ts";
import type { Bus } from "./event-bridge.ts";

export const AGENT_CHANNEL = "gimlet_agents";

export interface AgentBridgeOptions {
  /** This replica's name, shown in messages that send a user to the replica holding an agent. */
  name: string;
  store: Pick<Store, "agentState">;
  /** Delivers an event to this replica's viewers only (each replica announces a dead owner itself). */
  deliver?: (e: HubEvent) => void;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  heartbeatMs?: number;
  /** An owner unheard for this long is dead (5 s). */
  expireMs?: number;
  maxBytes?: number;
  clock?: () => number;
}

export interface AgentBridge {
  readonly origin: string;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

interface Owned {
  gen: string;
  n: number;
  at: number;
}

interface Mirror {
  origin: string;
  replica: string;
  gen: string;
  /** The last change applied; meaningful once synced. */
  n: number;
  synced: boolean;
  askedAt: number;
  live: boolean;
  namespace?: string;
  at: number;
  heard: number;
  /** Messages of one env are handled one after another (a store read sits between them). */
  queue: Promise<void>;
}

type HbEnv = { env: string; gen: string; n: number; at: number; live: boolean; ns?: string };

export async function bridgeAgents(hub: AgentHub, bus: Bus, o: AgentBridgeOptions): Promise<AgentBridge> {
  const origin = crypto.randomUUID();
  const clock = o.clock ?? Date.now;
  const heartbeatMs = o.heartbeatMs ?? 1000;
  const expireMs = o.expireMs ?? 5000;
  const maxBytes = o.maxBytes ?? 7900;
  const owned = new Map<string, Owned>();
  const mirrors = new Map<string, Mirror>();
  const lastSeen = new Map<string, number>();
  /** Unix ms each other replica was last heard from (log relays to a silent viewer stop). */
  const heardFrom = new Map<string, number>();
  /** Envs whose holder went silent: if it speaks again, viewers here learn the agent is back. */
  const silent = new Set<string>();
  const unpacker = new Unpacker(clock);
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;

  /** Sends in call order; false when the message is too large even in parts. */
  const send = (msg: WireMessage & Record<string, unknown>, maxParts = 64): boolean => {
    const payloads = pack(msg, maxBytes, maxParts);
    if (!payloads) return false;
    chain = chain.then(async () => {
      for (const p of payloads) {
        await bus.notify(AGENT_CHANNEL, p).catch((err: Error) => {
          o.log?.("agent bridge: notify failed", { kind: msg.k, error: err.message });
        });
      }
    });
    return true;
  };
  /** Sends once `before` resolved, keeping its place in the order. */
  const sendAfter = (before: Promise<void>, msg: WireMessage & Record<string, unknown>) => {
    const payloads = pack(msg, maxBytes, 64)!;
    chain = chain.then(async () => {
      await before.catch(() => undefined);
      for (const p of payloads) await bus.notify(AGENT_CHANNEL, p).catch(() => undefined);
    });
  };

  const heartbeat = (envs = hub.held()) => {
    const list: HbEnv[] = [];
    for (const h of envs) {
      const own = owned.get(h.env);
      if (own) list.push({ env: h.env, gen: own.gen, n: own.n, at: own.at, live: h.live, ns: h.namespace });
    }
    if (list.length || logs.watching) send({ o: origin, k: "hb", r: o.name, envs: list }, 1024);
  };
  const logs = new LogRelays(hub, (m, parts) => send({ o: origin, ...m }, parts));

  const stored = (env: string, own: Owned) => {
    const live = hub.held().find((h) => h.env === env)?.live ?? false;
    const msg = { o: origin, k: "stored", env, gen: own.gen, n: own.n, upd: hub.updatedAt(env), live };
    sendAfter(hub.persistNow(env), msg);
  };

  const peers: AgentPeers = {
    localConnected(env, at) {
      const own = { gen: crypto.randomUUID(), n: 0, at };
      owned.set(env, own);
      mirrors.delete(env);
      silent.delete(env);
      heartbeat(hub.held().filter((h) => h.env === env));
    },
    localDisconnected(env, at) {
      const own = owned.get(env);
      if (!own) return;
      owned.delete(env);
      send({ o: origin, k: "disc", env, gen: own.gen, seen: at });
    },
    localChanged(env, c, live) {
      const own = owned.get(env);
      if (!own) return;
      own.n++;
      const changes: StateChanges = { upserts: c.upserts, removed: c.removed, ...(c.flux ? { flux: c.flux } : {}) };
      const d = { o: origin, k: "d", env, gen: own.gen, n: own.n, c: changes, upd: hub.updatedAt(env), live };
      // Too large for a few notifications: the mirrors re-read the store instead.
      if (!send(d, 16)) stored(env, own);
    },
    remote(env) {
      const m = mirrors.get(env);
      if (!m || clock() - m.heard > expireMs) return undefined;
      const r: RemoteAgent = { replica: m.replica, live: m.live && m.synced };
      if (m.namespace) r.namespace = m.namespace;
      return r;
    },
    lastSeen(env) {
      const m = mirrors.get(env);
      return m ? m.heard : lastSeen.get(env);
    },
    forward(env, cmd, timeoutMs) {
      const m = mirrors.get(env);
      const id = (cmd as { id: string }).id;
      if (!m) return queueMicrotask(() => hub.gone(env, id));
      send({ o: origin, k: "cmd", t: m.origin, env, cmd, ms: timeoutMs });
    },
    async forwardLogs(env, cmd, sink, timeoutMs) {
      const m = mirrors.get(env);
      if (m) return logs.open(m.origin, m.replica, env, cmd, sink, timeoutMs);
      sink.podEnd(cmd.pod, `no agent of env ${env} is connected`);
      return () => {};
    },
  };

  const askSync = (env: string, m: Mirror) => {
    m.synced = false;
    m.askedAt = clock();
    send({ o: origin, k: "sync", t: m.origin, env });
  };

  /** The mirror of env as `from` announces it, made anew when the owner or its downlink changed. */
  const mirrorOf = (from: string, replica: string | undefined, e: { env: string; gen: string; at: number }) => {
    let m = mirrors.get(e.env);
    if (!m || m.origin !== from || m.gen !== e.gen) {
      // An older downlink's late message (its replica yields once it hears of the newer one).
      if (m && m.at > e.at && clock() - m.heard <= expireMs) return undefined;
      m = {
        origin: from,
        replica: replica ?? m?.replica ?? from,
        gen: e.gen,
        n: 0,
        synced: false,
        askedAt: 0,
        live: false,
        at: e.at,
        heard: clock(),
        queue: m?.queue ?? Promise.resolve(),
      };
      mirrors.set(e.env, m);
      lastSeen.delete(e.env);
      if (silent.delete(e.env)) o.deliver?.({ type: "agent.connected", env: e.env });
    }
    if (replica) m.replica = replica;
    m.heard = clock();
    return m;
  };

  const onHeartbeat = (from: string, replica: string, envs: HbEnv[]) => {
    for (const e of envs) {
      const own = owned.get(e.env);
      if (own) {
        // Both hold a downlink of this env's agent: the newer one stays (ties: the larger origin).
        if (own.at > e.at || (own.at === e.at && origin > from)) continue;
        owned.delete(e.env);
        hub.yieldTo(e.env, replica);
      }
      const m = mirrorOf(from, replica, e);
      if (!m) continue;
      m.live = e.live;
      m.namespace = e.ns;
      const behind = m.synced && e.n !== m.n;
      const unanswered = !m.synced && clock() - m.askedAt > 2 * heartbeatMs;
      // A change went missing (or a sync request or its answer did): re-read.
      if (behind || unanswered) m.queue = m.queue.then(() => (m.synced && e.n <= m.n ? undefined : askSync(e.env, m)));
    }
  };

  const onDelta = (
    from: string,
    msg: { env: string; gen: string; n: number; c: StateChanges; upd: number; live: boolean },
  ) => {
    if (owned.has(msg.env)) return;
    const m = mirrors.get(msg.env);
    if (!m || m.origin !== from || m.gen !== msg.gen) return; // its heartbeat introduces the owner
    m.heard = clock();
    m.live = msg.live;
    m.queue = m.queue.then(() => {
      if (!m.synced || msg.n <= m.n) return; // a sync is under way: the store has this change
      if (msg.n !== m.n + 1) return askSync(msg.env, m);
      hub.mirror(msg.env, { changes: msg.c }, msg.upd);
      m.n = msg.n;
    });
  };

  const onStored = (from: string, msg: { env: string; gen: string; n: number; upd: number; live: boolean }) => {
    if (owned.has(msg.env)) return;
    const m = mirrors.get(msg.env);
    if (!m || m.origin !== from || m.gen !== msg.gen) return;
    m.heard = clock();
    m.queue = m.queue.then(async () => {
      if (m.synced && msg.n <= m.n) return; // the answer to another replica's request
      try {
        const row = await o.store.agentState(msg.env);
        if (row) hub.mirror(msg.env, { state: JSON.parse(row.state) }, msg.upd || row.updated * 1000);
        m.n = msg.n;
        m.synced = true;
        m.live = msg.live;
      } catch (err) {
        o.log?.("agent bridge: could not read the stored state", { env: msg.env, error: (err as Error).message });
      }
    });
  };

  const onCommand = async (from: string, msg: { env: string; cmd: AgentCommand; ms: number }) => {
    const id = (msg.cmd as { id: string }).id;
    const reply = (r: Record<string, unknown>) => {
      if (!send({ o: origin, k: "res", t: from, env: msg.env, id, ...r }, 512)) {
        send({
          o: origin,
          k: "res",
          t: from,
          env: msg.env,
          id,
          r: { ok: false, error: `the agent's answer is too large to relay from replica ${o.name}; ask it directly` },
        });
      }
    };
    if (!owned.has(msg.env)) return reply({ gone: true });
    const { id: _, ...body } = msg.cmd as AgentCommand & { id: string };
    try {
      // A little longer than the asker waits: a late answer there is a timeout, never a lost one.
      reply({ r: await hub.command(msg.env, body as Parameters<AgentHub["command"]>[1], msg.ms + 1000) });
    } catch (err) {
      if (err instanceof ConflictError) reply({ gone: true });
    }
  };

  const onMessage = (msg: WireMessage & Record<string, unknown>) => {
    if (msg.o === origin) return;
    heardFrom.set(msg.o, clock());
    if (msg.t !== undefined && msg.t !== origin) return;
    const m = msg as never;
    switch (msg.k) {
      case "hb":
        return onHeartbeat(msg.o, msg.r as string, msg.envs as HbEnv[]);
      case "d":
        return onDelta(msg.o, m);
      case "stored":
        return onStored(msg.o, m);
      case "sync": {
        const own = owned.get(msg.env as string);
        if (own) stored(msg.env as string, own);
        return;
      }
      case "disc": {
        const mirror = mirrors.get(msg.env as string);
        if (!mirror || mirror.origin !== msg.o || mirror.gen !== msg.gen) return;
        mirrors.delete(msg.env as string);
        lastSeen.set(msg.env as string, msg.seen as number);
        if (msg.ev) o.deliver?.({ type: "agent.disconnected", env: msg.env as string });
        return;
      }
      case "cmd":
        return void onCommand(msg.o, m);
      case "res":
        if (msg.gone) hub.gone(msg.env as string, msg.id as string);
        else hub.result(msg.env as string, msg.id as string, msg.r as CommandResult);
        return;
      case "hello":
        return heartbeat();
      case "logs": {
        const cmd = msg.cmd as Extract<AgentCommand, { action: "podLogs" }>;
        if (owned.has(msg.env as string)) return void logs.serve(msg.o, msg.env as string, cmd);
        const error = `no agent of env ${msg.env} is connected to replica ${o.name} any more`;
        send({ o: origin, k: "logEnd", t: msg.o, id: cmd.id, error });
        return void send({ o: origin, k: "logStarted", t: msg.o, id: cmd.id });
      }
      case "logStarted":
        return logs.started(msg.id as string);
      case "logLines":
        return logs.lines(msg.id as string, msg.pod as string, msg.lines as string[], msg.dropped as number);
      case "logEnd":
        return logs.end(msg.id as string, msg.error as string | undefined);
      case "logStop":
        return logs.stop(msg.id as string);
    }
  };

  const sub = await bus.listen(
    AGENT_CHANNEL,
    (payload) => {
      try {
        const msg = unpacker.push(payload);
        if (msg) onMessage(msg as WireMessage & Record<string, unknown>);
      } catch (err) {
        o.log?.("agent bridge: unreadable notification dropped", { error: (err as Error).message });
      }
    },
    // First listen and every re-listen after a lost connection: ask the owners where things stand.
    () => void send({ o: origin, k: "hello" }),
  );
  hub.attachPeers(peers);

  const tick = setInterval(() => {
    heartbeat();
    const now = clock();
    for (const [env, m] of mirrors) {
      if (now - m.heard <= expireMs) continue;
      mirrors.delete(env);
      lastSeen.set(env, m.heard);
      silent.add(env);
      o.log?.("agent bridge: the replica holding the env's agent went silent", { env, replica: m.replica });
      o.deliver?.({ type: "agent.disconnected", env });
      logs.endFrom(m.origin, `replica ${m.replica}, which held the agent, went silent`);
    }
    logs.stopSilent((replica) => now - (heardFrom.get(replica) ?? 0) > expireMs);
  }, heartbeatMs);

  return {
    origin,
    flush: () => chain,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(tick);
      hub.attachPeers(undefined);
      logs.stopAll("the server is shutting down");
      // The hub closed its downlinks without a word; the mirrors must not wait for the silence.
      for (const [env, own] of owned) send({ o: origin, k: "disc", env, gen: own.gen, seen: clock(), ev: 1 });
      owned.clear();
      await chain;
      await sub.unlisten().catch(() => undefined);
    },
  };
}
