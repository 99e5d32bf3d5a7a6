/**
 * How the server shows an env's live state to its API clients (the CLI, the dashboard): the agent's
 * presence, whether the state is live or the last known one, and the log stream's SSE events.
 */
import type { EnvState } from "./state.ts";

export interface AgentPresence {
  /** An agent of this env holds its downlink open now. */
  connected: boolean;
  /** Unix seconds of the last request from the env's agent (now, while connected). */
  lastSeen?: number;
  /** The namespace the agent watches, when it watches one only. */
  namespace?: string;
}

/** GET /api/envs/ENV/state. */
export interface EnvStateView {
  env: string;
  agent: AgentPresence;
  /**
   * The state is the last one known, not live: no agent is connected, or it has not sent its first
   * snapshot since it connected (after a server restart the persisted state shows until then).
   */
  stale: boolean;
  /** Unix seconds the state last changed; absent when no agent ever reported. */
  updated?: number;
  state: EnvState;
}

/**
 * The SSE events of GET /api/envs/ENV/apps/APP/logs, by `event:` name; `data:` is the JSON shown.
 *   start    {pods: string[]}                     the pods whose logs follow
 *   log      {pod, lines: string[], dropped?}     lines, in order per pod; dropped = lines lost
 *                                                 because the viewer or the server fell behind
 *   pod-end  {pod, error?}                        that pod's stream ended (container gone, error)
 *   end      {}                                   every pod's stream ended; the server closes
 */
export type LogStreamEvent =
  | { event: "start"; data: { pods: string[] } }
  | { event: "log"; data: { pod: string; lines: string[]; dropped?: number } }
  | { event: "pod-end"; data: { pod: string; error?: string } }
  | { event: "end"; data: Record<string, never> };

export const emptyEnvState = (env: string): EnvState => ({ env, apps: [], flux: [] });
