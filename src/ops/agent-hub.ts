/**
 * The live side of every env: which agent holds its downlink, the state it last reported (in memory,
 * persisted to the store at most every `persistMs` so a restarted server shows it, stale:
 * agent-state-persist.ts), the commands waiting for an agent's result (agent-commands.ts), and the log
 * streams relayed to viewers (agent-log-streams.ts). One object per server, owned by whoever serves
 * (no module state), so tests run several side by side.
 *
 * Sequencing (core/agent/wire.ts): a snapshot starts an (epoch, seq) sequence; an update must carry
 * the same epoch and seq + 1, otherwise it is a gap: the update is refused (409) and the agent is
 * asked for a snapshot (`refetch`).
 */
import { diffState } from "../core/agent/changes.ts";
import type { AppState, EnvState, StateChanges } from "../core/agent/state.ts";
import { emptyEnvState, type AgentPresence, type EnvStateView } from "../core/agent/view.ts";
import type { AgentCommand, AgentSnapshot, AgentUpdate, CommandResult, LogChunk } from "../core/agent/wire.ts";
import { applyChanges } from "../core/agent/changes.ts";
import { TimeoutError } from "../core/errors.ts";
import type { HubEvent } from "../core/events.ts";
import type { Store } from "../store/index.ts";
import { notConnected, PendingCommands } from "./agent-commands.ts";
import { type Downlink, type EnvLive, newEnvLive } from "./agent-env-live.ts";
import { PodLogStreams } from "./agent-log-streams.ts";
import type { AgentPeers, LogSink } from "./agent-peers.ts";
import { AgentStatePersistence } from "./agent-state-persist.ts";

export interface AgentHubOptions {
  store: Pick<Store, "putAgentState" | "agentState">;
  publish?: (e: HubEvent) => void;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Unix milliseconds. */
  clock?: () => number;
  /** How long a command waits for the agent's result (30 s). */
  commandTimeoutMs?: number;
  /** The state is written to the store at most this often while updates arrive (2 s). */
  persistMs?: number;
  /** App-state hub events are coalesced per app over this window (250 ms). */
  coalesceMs?: number;
  /** Other replicas on the same database (set once, by the server, before agents connect). */
  peers?: AgentPeers;
}

export type { Downlink, LogSink };

type WithId = Extract<AgentCommand, { id: string }>;
/** A command as the API asks for it; the hub gives it its id. */
export type CommandBody = WithId extends infer C ? (C extends WithId ? Omit<C, "id"> : never) : never;

export type UpdateOutcome = { ok: true } | { ok: false; reason: string };

export class AgentHub {
  private readonly envs = new Map<string, EnvLive>();
  private readonly pending = new PendingCommands();
  private readonly logs = new PodLogStreams();
  private readonly saved: AgentStatePersistence;
  private readonly clock: () => number;

  constructor(private readonly o: AgentHubOptions) {
    this.clock = o.clock ?? Date.now;
    this.saved = new AgentStatePersistence(o);
  }

  /** Set by the server's replica link, which needs the hub to exist first. */
  attachPeers(p: AgentPeers | undefined): void {
    this.o.peers = p;
  }

  private live(env: string): EnvLive {
    let e = this.envs.get(env);
    if (!e) {
      e = newEnvLive(env);
      this.envs.set(env, e);
    }
    return e;
  }

  // ---- the agent's side ----------------------------------------------------------------------

  /** A register stream opened; returns what to call when it closes. A second agent replaces the first. */
  connect(env: string, namespace: string | undefined, link: Downlink): () => void {
    const e = this.live(env);
    const old = e.link;
    e.link = link;
    e.namespace = namespace || undefined;
    e.live = false;
    e.lastSeen = this.clock();
    e.connectedAt = e.lastSeen;
    if (old) {
      this.o.log?.("another agent registered for the env; closing the older downlink", { env });
      old.close();
    } else {
      this.o.publish?.({ type: "agent.connected", env, ...(e.namespace ? { namespace: e.namespace } : {}) });
    }
    this.o.log?.("agent connected", { env, namespace: e.namespace ?? "" });
    this.o.peers?.localConnected(env, e.connectedAt);
    return () => {
      if (e.link !== link) return;
      e.link = undefined;
      e.live = false;
      e.lastSeen = this.clock();
      this.o.log?.("agent disconnected", { env });
      this.o.publish?.({ type: "agent.disconnected", env });
      if (!this.o.peers) return;
      this.o.peers.localDisconnected(env, e.lastSeen);
      // The agent may reconnect to another replica at once: its snapshot must land after this write.
      if (e.persistDirty) void this.saved.write(e);
    };
  }

  /** Any authenticated request of the env's agent. */
  seen(env: string): void {
    this.live(env).lastSeen = this.clock();
  }

  /** Milliseconds since the env's agent last made a request (or connected). */
  quietMs(env: string): number {
    const at = this.envs.get(env)?.lastSeen;
    return at === undefined ? Infinity : this.clock() - at;
  }

  async snapshot(s: AgentSnapshot): Promise<void> {
    const e = this.live(s.env);
    await this.saved.load(e);
    const prev = e.state ?? emptyEnvState(s.env);
    const changes = diffState(prev, s.state);
    e.state = s.state;
    e.epoch = s.epoch;
    e.seq = s.seq;
    if (e.link) e.live = true;
    e.lastSeen = this.clock();
    if (changes.upserts.length || changes.removed.length || changes.flux || e.updated === undefined) {
      e.updated = this.clock();
    }
    this.o.peers?.localChanged(s.env, changes, e.live);
    this.markApps(e, [...changes.upserts.map((a) => a.key), ...changes.removed]);
    // A snapshot is written at once: it is what a restarted server shows.
    await this.saved.write(e);
  }

  /** Applies an update in sequence, or says why not (the caller answers 409 and asks for a snapshot). */
  async update(u: AgentUpdate): Promise<UpdateOutcome> {
    const e = this.live(u.env);
    e.lastSeen = this.clock();
    if (!e.state || e.epoch === undefined) return { ok: false, reason: "no snapshot from this agent yet" };
    if (u.epoch !== e.epoch) return { ok: false, reason: `epoch ${u.epoch} is not the last snapshot's (${e.epoch})` };
    if (u.seq !== e.seq + 1) return { ok: false, reason: `sequence gap: expected ${e.seq + 1}, got ${u.seq}` };
    e.seq = u.seq;
    e.state = applyChanges(e.state, u);
    e.updated = this.clock();
    this.o.peers?.localChanged(u.env, u, e.live);
    this.markApps(e, [...u.upserts.map((a) => a.key), ...u.removed]);
    this.saved.schedule(e);
    return { ok: true };
  }

  /** Sends a command down; false when no agent of the env is connected. */
  send(env: string, cmd: AgentCommand): boolean {
    const link = this.envs.get(env)?.link;
    if (!link) return false;
    link.send(cmd);
    return true;
  }

  /** A command's result from the agent; false when nobody waits for it (late, or another env's id). */
  result(env: string, id: string, r: CommandResult): boolean {
    return this.pending.result(env, id, r);
  }

  /** A forwarded command's replica no longer holds the env's agent: the command fails as "none connected". */
  gone(env: string, id: string): void {
    this.pending.gone(env, id);
  }

  /** Log lines for a relayed stream; false when nobody watches it any more (the agent stops). */
  logChunk(env: string, id: string, c: LogChunk): boolean {
    return this.logs.chunk(env, id, c);
  }

  // ---- the API's side ------------------------------------------------------------------------

  presence(env: string): AgentPresence {
    const e = this.envs.get(env);
    const remote = e?.link ? undefined : this.o.peers?.remote(env);
    if (remote) {
      return {
        connected: true,
        lastSeen: Math.floor(this.clock() / 1000),
        ...(remote.namespace ? { namespace: remote.namespace } : {}),
      };
    }
    const elsewhere = this.o.peers?.lastSeen(env);
    const mine = e?.link ? this.clock() : e?.lastSeen;
    const lastSeen = mine === undefined || (elsewhere ?? 0) > mine ? elsewhere : mine;
    if (!e) return { connected: false, ...(lastSeen !== undefined ? { lastSeen: Math.floor(lastSeen / 1000) } : {}) };
    return {
      connected: !!e.link,
      ...(lastSeen !== undefined ? { lastSeen: Math.floor(lastSeen / 1000) } : {}),
      ...(e.link && e.namespace ? { namespace: e.namespace } : {}),
    };
  }

  async view(env: string): Promise<EnvStateView> {
    const e = this.live(env);
    await this.saved.load(e);
    return {
      env,
      agent: this.presence(env),
      stale: e.link ? !e.live : !this.o.peers?.remote(env)?.live,
      ...(e.updated !== undefined ? { updated: Math.floor(e.updated / 1000) } : {}),
      state: e.state ?? emptyEnvState(env),
    };
  }

  /**
   * Sends a command and waits for its result. @throws ConflictError when no agent is connected,
   * TimeoutError when it does not answer in time.
   */
  async command(env: string, cmd: CommandBody, timeoutMs = this.o.commandTimeoutMs ?? 30_000): Promise<CommandResult> {
    const here = !!this.envs.get(env)?.link;
    if (!here && !this.o.peers?.remote(env)) throw notConnected(env);
    const id = crypto.randomUUID();
    const full = { ...cmd, id } as unknown as AgentCommand;
    const timedOut = () => {
      const s = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
      return new TimeoutError(`the agent of env ${env} did not answer the ${cmd.action} command within ${s}`, {
        hint: "the agent may be overloaded or its uplink to the server broken; see its log",
      });
    };
    return this.pending.wait({ env, id, timeoutMs, failsWhenGone: true }, timedOut, () => {
      if (here) this.send(env, full);
      else this.o.peers!.forward(env, full, timeoutMs);
    });
  }

  /**
   * Streams one pod's log through the agent into `sink`; resolves once the agent started it (or
   * failed to: then `podEnd` carries the error). Returns the stream's stop function.
   */
  async streamPodLogs(
    env: string,
    pod: { namespace: string; name: string },
    o: { follow?: boolean; tailLines?: number; container?: string },
    sink: LogSink,
  ): Promise<() => void> {
    if (!this.envs.get(env)?.link && !this.o.peers?.remote(env)) throw notConnected(env);
    const id = crypto.randomUUID();
    const timeoutMs = this.o.commandTimeoutMs ?? 30_000;
    const cmd: Extract<AgentCommand, { action: "podLogs" }> = {
      action: "podLogs",
      id,
      namespace: pod.namespace,
      pod: pod.name,
      ...(o.container ? { container: o.container } : {}),
      ...(o.tailLines !== undefined ? { tailLines: o.tailLines } : {}),
      ...(o.follow ? { follow: true } : {}),
    };
    // Held by another replica: that replica relays the lines here.
    if (!this.envs.get(env)?.link) return this.o.peers!.forwardLogs(env, cmd, sink, timeoutMs);
    this.logs.open(id, env, pod.name, sink);
    const stop = () => {
      if (this.logs.drop(id)) this.send(env, { action: "stopPodLogs", id });
    };
    const timedOut = () => ({
      ok: false as const,
      error: `the agent did not start the log stream within ${Math.round(timeoutMs / 1000)} s`,
    });
    const r = await this.pending.wait({ env, id, timeoutMs, failsWhenGone: false }, timedOut, () =>
      this.send(env, cmd),
    );
    if (!r.ok) this.logs.end(id, r.error);
    return stop;
  }

  // ---- other replicas (agent-peers.ts) --------------------------------------------------------

  /** The envs whose agent holds a downlink here, for the replica link's heartbeats. */
  held(): { env: string; connectedAt: number; live: boolean; namespace?: string }[] {
    return [...this.envs.values()]
      .filter((e) => e.link)
      .map((e) => ({
        env: e.env,
        connectedAt: e.connectedAt ?? 0,
        live: e.live,
        ...(e.namespace ? { namespace: e.namespace } : {}),
      }));
  }

  /**
   * The state another replica's agent reported, mirrored here (never persisted by this replica,
   * never published: the holder does both). Ignored while an agent of the env is connected here.
   */
  mirror(env: string, m: { state: EnvState } | { changes: StateChanges }, updatedMs: number): void {
    const e = this.live(env);
    if (e.link) return;
    e.loaded ??= Promise.resolve();
    e.state = "state" in m ? m.state : applyChanges(e.state ?? emptyEnvState(env), m.changes);
    e.updated = updatedMs;
  }

  /** Unix ms of the env's last state change here (0 when none), for the mirrors. */
  updatedAt(env: string): number {
    return this.envs.get(env)?.updated ?? 0;
  }

  /** Writes the env's state now (a mirror re-reads it); resolves once written. Nothing to write: no-op. */
  persistNow(env: string): Promise<void> {
    const e = this.envs.get(env);
    return e?.state ? this.saved.write(e) : Promise.resolve();
  }

  /**
   * Another replica holds a newer downlink of the env's agent: the one here is closed without an
   * `agent.disconnected` (the agent is still connected, elsewhere) and its unwritten state dropped
   * (the newer holder's snapshot is the truth now).
   */
  yieldTo(env: string, replica: string): void {
    const e = this.envs.get(env);
    const link = e?.link;
    if (!e || !link) return;
    e.link = undefined;
    e.live = false;
    this.saved.cancel(e);
    this.o.log?.("the env's agent connected to another replica; closing the downlink here", { env, replica });
    link.close();
  }

  // ---- app-state events --------------------------------------------------------------------

  private markApps(e: EnvLive, keys: string[]): void {
    if (!this.o.publish || !keys.length) return;
    for (const k of keys) e.dirtyApps.add(k);
    e.eventTimer ??= setTimeout(() => this.flushApps(e), this.o.coalesceMs ?? 250);
  }

  private flushApps(e: EnvLive): void {
    e.eventTimer = undefined;
    const byKey = new Map<string, AppState>((e.state?.apps ?? []).map((a) => [a.key, a]));
    for (const key of e.dirtyApps) {
      const state = byKey.get(key);
      this.o.publish?.(
        state
          ? { type: "app.state", env: e.env, app: key, state }
          : { type: "app.state", env: e.env, app: key, removed: true },
      );
    }
    e.dirtyApps.clear();
  }

  /**
   * Drops a deleted env: its downlink closed, waiting commands failed, nothing more written for it.
   * An env of the same name made later starts with no state.
   */
  async forget(env: string): Promise<void> {
    const e = this.envs.get(env);
    if (!e) return;
    this.envs.delete(env);
    clearTimeout(e.eventTimer);
    this.saved.cancel(e);
    const link = e.link;
    e.link = undefined;
    link?.close();
    if (link) this.o.peers?.localDisconnected(env, this.clock());
    this.pending.failAll(`environment ${env} was deleted`, env);
    this.logs.endAll(`environment ${env} was deleted`, env);
    await e.writing;
  }

  /**
   * Closes the downlinks (a graceful server stop waits for open streams), writes what is not
   * persisted yet, fails waiting commands, and ends log relays.
   */
  async stop(): Promise<void> {
    this.saved.stopped = true;
    for (const e of this.envs.values()) {
      const link = e.link;
      e.link = undefined;
      e.live = false;
      link?.close();
    }
    for (const e of this.envs.values()) {
      clearTimeout(e.eventTimer);
      e.eventTimer = undefined;
      if (e.persistDirty) await this.saved.write(e);
      await e.writing;
    }
    this.pending.failAll("the server is shutting down");
    this.logs.endAll("the server is shutting down");
  }
}
