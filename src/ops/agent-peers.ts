/**
 * The AgentHub's window onto other replicas (several `gimlet serve` on one PostgreSQL). The replica
 * an agent's downlink landed on owns that env's live state; the others mirror it. The hub tells its
 * peers what its own agents do (`local*`) and asks them about agents held elsewhere (`remote`,
 * `forward*`). The server implements it over LISTEN/NOTIFY (server/agent-bridge.ts); a single server
 * has no peers and the hub behaves as it always did.
 */
import type { StateChanges } from "../core/agent/state.ts";
import type { AgentCommand } from "../core/agent/wire.ts";

/** Where a relayed log stream goes (the route's SSE body). */
export interface LogSink {
  lines(pod: string, lines: string[], dropped?: number): void;
  podEnd(pod: string, error?: string): void;
}

/** An env's agent as another replica holds it, seen from here. */
export interface RemoteAgent {
  /** The holding replica's name (its `--listen` address or node name), for messages. */
  replica: string;
  /** A snapshot came since that agent connected: the mirrored state is live. */
  live: boolean;
  namespace?: string;
}

export interface AgentPeers {
  /** A local downlink opened (unix ms); other replicas holding the env's agent drop theirs. */
  localConnected(env: string, at: number): void;
  /** The local downlink closed (not replaced by another replica's). */
  localDisconnected(env: string, at: number): void;
  /** A local snapshot or update changed the state (called synchronously, in order). */
  localChanged(env: string, changes: StateChanges, live: boolean): void;
  /** The env's agent on another live replica, or undefined when none holds it. */
  remote(env: string): RemoteAgent | undefined;
  /** Unix ms another replica last heard from the env's agent (its mirror keeps it after it left). */
  lastSeen(env: string): number | undefined;
  /** Hands a command (its id set) to the replica holding the env's agent; its result comes back
   * through `AgentHub.result`, or `AgentHub.gone` when that replica no longer holds it. */
  forward(env: string, cmd: AgentCommand, timeoutMs: number): void;
  /**
   * Asks the replica holding the env's agent for a pod's log stream, relayed into `sink`; resolves
   * once it started (or failed to: then `podEnd` carries the error). Returns the stop function.
   */
  forwardLogs(
    env: string,
    cmd: Extract<AgentCommand, { action: "podLogs" }>,
    sink: LogSink,
    timeoutMs: number,
  ): Promise<() => void>;
}
