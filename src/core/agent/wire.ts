/**
 * The agent ↔ `gimlet serve` wire format. Endpoints keep the original Gimlet's paths; bodies are
 * new (versioned with `v`). Every request carries `Authorization: Bearer <agent token>`; every
 * POST body is JSON, gzip-compressed, with `Content-Type: application/json` and
 * `Content-Encoding: gzip`.
 *
 * Downlink (server → agent), one long-lived request:
 *   GET /agent/register?name=ENV&namespace=NS          (namespace empty when cluster-wide)
 *   → 200 text/event-stream. The server writes `: ping` at once and every 30 s, and one
 *     `data: <AgentCommand JSON>` message per command. The agent treats 75 s without a byte as a
 *     dead connection and reconnects. `&heartbeat=S` (this agent: 10): the agent posts something,
 *     an empty update if nothing else, at least every S seconds, and the server drops a downlink
 *     quiet for 3·S (a frozen agent or a lost node sends no FIN); without it, never.
 *
 * Uplink (agent → server):
 *   POST /agent/state?name=ENV           body AgentSnapshot  → 2xx
 *     Sent after every (re)connect of the downlink, on `refetch`, and whenever the server answers
 *     an update with 409. Replaces the env's state; `epoch` + `seq` start the sequence.
 *   POST /agent/state/ENV/update         body AgentUpdate    → 2xx, or 409 when `epoch` differs
 *     from the last snapshot's or `seq` is not the last seq + 1 (a gap): the agent then sends a
 *     snapshot. Updates carry whole apps (newest state wins), removed app keys, and the full Flux
 *     list when it changed. Coalesced per app over ≤ 100 ms.
 *   POST /agent/commands/ID/result?name=ENV   body CommandResult → 2xx
 *   POST /agent/logs/ID?name=ENV              body LogChunk      → 2xx; 404/410 = nobody is
 *     watching any more: the agent stops that log stream.
 */
import type { AppState, EnvState, FluxObjectState } from "./state.ts";

export const wireVersion = 1;

export interface AgentSnapshot {
  v: 1;
  env: string;
  /** Random per agent process: a restarted agent starts a new sequence. */
  epoch: string;
  /** The sequence number of this snapshot; the next update carries seq + 1. */
  seq: number;
  state: EnvState;
}

export interface AgentUpdate {
  v: 1;
  env: string;
  epoch: string;
  seq: number;
  upserts: AppState[];
  removed: string[];
  flux?: FluxObjectState[];
}

export type FluxKind = "GitRepository" | "Kustomization" | "HelmRelease";

export type AgentCommand =
  | { action: "refetch" }
  | {
      action: "podLogs";
      id: string;
      namespace: string;
      pod: string;
      container?: string;
      tailLines?: number;
      follow?: boolean;
    }
  | { action: "stopPodLogs"; id: string }
  | { action: "restartDeployment"; id: string; namespace: string; name: string; kind?: "Deployment" | "StatefulSet" }
  | { action: "details"; id: string; kind: "Deployment" | "StatefulSet" | "Pod"; namespace: string; name: string }
  | { action: "reconcile"; id: string; kind: FluxKind; namespace: string; name: string };

/** ok with optional data, or the API server's message (and HTTP status when there was one). */
export type CommandResult = { ok: true; data?: unknown } | { ok: false; error: string; status?: number };

export interface LogChunk {
  lines: string[];
  /** The stream ended (the container stopped, the pod went away, or an error, in `error`). */
  done?: boolean;
  error?: string;
  /** Lines dropped because the server was slower than the log. */
  dropped?: number;
}

const str = (o: Record<string, unknown>, k: string, required = true): string | undefined => {
  const v = o[k];
  if (v === undefined && !required) return undefined;
  if (typeof v !== "string" || v === "") throw new Error(`command field ${k} must be a non-empty string`);
  return v;
};

const target = (c: Record<string, unknown>) => ({
  id: str(c, "id")!,
  namespace: str(c, "namespace")!,
  name: str(c, "name")!,
});

/** Reads one downlink message; throws a message naming the bad field. */
export function decodeCommand(data: string): AgentCommand {
  let o: unknown;
  try {
    o = JSON.parse(data);
  } catch {
    throw new Error(`command is not JSON: ${data.slice(0, 80)}`);
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) throw new Error("command must be a JSON object");
  const c = o as Record<string, unknown>;
  switch (c.action) {
    case "refetch":
      return { action: "refetch" };
    case "stopPodLogs":
      return { action: "stopPodLogs", id: str(c, "id")! };
    case "podLogs": {
      const tail = c.tailLines;
      if (tail !== undefined && (!Number.isInteger(tail) || (tail as number) < 0)) {
        throw new Error("command field tailLines must be a non-negative integer");
      }
      if (c.follow !== undefined && typeof c.follow !== "boolean") {
        throw new Error("command field follow must be a boolean");
      }
      return {
        action: "podLogs",
        id: str(c, "id")!,
        namespace: str(c, "namespace")!,
        pod: str(c, "pod")!,
        ...(c.container !== undefined ? { container: str(c, "container")! } : {}),
        ...(tail !== undefined ? { tailLines: tail as number } : {}),
        ...(c.follow !== undefined ? { follow: c.follow as boolean } : {}),
      };
    }
    case "restartDeployment": {
      const kind = c.kind ?? "Deployment";
      if (kind !== "Deployment" && kind !== "StatefulSet") {
        throw new Error("command field kind must be Deployment or StatefulSet");
      }
      return { action: "restartDeployment", ...target(c), kind };
    }
    case "details": {
      if (c.kind !== "Deployment" && c.kind !== "StatefulSet" && c.kind !== "Pod") {
        throw new Error("command field kind must be Deployment, StatefulSet or Pod");
      }
      return { action: "details", ...target(c), kind: c.kind };
    }
    case "reconcile": {
      if (c.kind !== "GitRepository" && c.kind !== "Kustomization" && c.kind !== "HelmRelease") {
        throw new Error("command field kind must be GitRepository, Kustomization or HelmRelease");
      }
      return { action: "reconcile", ...target(c), kind: c.kind };
    }
    default:
      throw new Error(`unknown command action ${JSON.stringify(c.action)}`);
  }
}
