/** What the AgentHub keeps per env: the agent's downlink, its sequenced state, timers of pending work. */
import type { EnvState } from "../core/agent/state.ts";
import type { AgentCommand } from "../core/agent/wire.ts";

/** One open register stream; the route writes `data:` lines for what `send` gets. */
export interface Downlink {
  send(cmd: AgentCommand): void;
  /** Ends the stream (another agent of the env registered). */
  close(): void;
}

export interface EnvLive {
  env: string;
  state?: EnvState;
  /** Unix ms the state last changed. */
  updated?: number;
  epoch?: string;
  seq: number;
  /** A snapshot came since the current downlink connected. */
  live: boolean;
  link?: Downlink;
  /** Unix ms the current downlink connected (which of two replicas' downlinks is newer). */
  connectedAt?: number;
  namespace?: string;
  lastSeen?: number;
  loaded?: Promise<void>;
  dirtyApps: Set<string>;
  eventTimer?: ReturnType<typeof setTimeout>;
  persistTimer?: ReturnType<typeof setTimeout>;
  /** The last write to the store; writes of one env are chained so the newest lands last. */
  writing: Promise<void>;
  persistDirty: boolean;
}

export function newEnvLive(env: string): EnvLive {
  return { env, seq: 0, live: false, dirtyApps: new Set(), writing: Promise.resolve(), persistDirty: false };
}
