/**
 * The live-app use cases: an env's state as the agent reports it, and the commands a person sends
 * to an app through the env's agent (restart, details, Flux reconcile, logs). Each finds its target
 * in the reported state, asks the agent through the AgentHub, and turns the agent's answer into a
 * result or a typed error (the agent's own message kept).
 */
import type { AppState, FluxObjectState } from "../core/agent/state.ts";
import type { EnvStateView } from "../core/agent/view.ts";
import type { CommandResult, FluxKind } from "../core/agent/wire.ts";
import { NotFoundError, UpstreamError, UserError } from "../core/errors.ts";
import { notConnected } from "./agent-commands.ts";
import type { AgentHub, LogSink } from "./agent-hub.ts";
import type { OpsDeps } from "./deps.ts";

export type LiveDeps = Pick<OpsDeps, "store"> & { agents: AgentHub };

async function knownEnv(d: LiveDeps, env: string): Promise<void> {
  if (!(await d.store.env(env))) {
    throw new NotFoundError(`environment ${JSON.stringify(env)} does not exist`, { hint: "gimlet env list" });
  }
}

export async function envState(d: LiveDeps, env: string): Promise<EnvStateView> {
  await knownEnv(d, env);
  return d.agents.view(env);
}

/** An app of the reported state by its name (or Service name), in `namespace` when given. */
export function findApp(v: EnvStateView, name: string, namespace?: string): AppState {
  const hits = v.state.apps.filter(
    (a) => (a.name === name || a.service === name || a.key === name) && (!namespace || a.namespace === namespace),
  );
  if (hits.length === 1) return hits[0]!;
  if (hits.length > 1) {
    throw new UserError(
      `app ${name} exists in several namespaces of env ${v.env}: ${hits.map((a) => a.namespace).join(", ")}`,
      {
        hint: "name one with ?namespace=",
      },
    );
  }
  const known = v.state.apps.map((a) => a.name);
  const why = v.agent.connected ? "" : " (no agent connected: this is the last known state)";
  throw new NotFoundError(
    `env ${v.env} has no app ${JSON.stringify(name)}${namespace ? ` in namespace ${namespace}` : ""}${why}`,
    {
      hint: known.length ? `apps: ${[...new Set(known)].slice(0, 20).join(", ")}` : "the agent reports no apps yet",
    },
  );
}

function upstream(what: string, r: Extract<CommandResult, { ok: false }>): UpstreamError {
  return new UpstreamError(
    `the agent could not ${what}: ${r.error}${r.status ? ` (API server status ${r.status})` : ""}`,
  );
}

function workloadOf(v: EnvStateView, a: AppState) {
  if (!a.workload) throw new NotFoundError(`app ${a.name} in env ${v.env} has no Deployment or StatefulSet`);
  return a.workload;
}

export interface AppTarget {
  env: string;
  app: string;
  namespace?: string;
}

export async function restartApp(d: LiveDeps, t: AppTarget) {
  const v = await envState(d, t.env);
  const a = findApp(v, t.app, t.namespace);
  const w = workloadOf(v, a);
  const r = await d.agents.command(t.env, {
    action: "restartDeployment",
    namespace: a.namespace,
    name: w.name,
    kind: w.kind,
  });
  if (!r.ok) throw upstream(`restart ${w.kind} ${a.namespace}/${w.name}`, r);
  const at = (r.data as { restartedAt?: string } | undefined)?.restartedAt;
  return {
    env: t.env,
    app: a.name,
    namespace: a.namespace,
    kind: w.kind,
    name: w.name,
    ...(at ? { restartedAt: at } : {}),
  };
}

/** Describe-like details of the app's workload, or of one of its pods. */
export async function appDetails(d: LiveDeps, t: AppTarget & { pod?: string }): Promise<unknown> {
  const v = await envState(d, t.env);
  const a = findApp(v, t.app, t.namespace);
  let kind: "Deployment" | "StatefulSet" | "Pod";
  let name: string;
  if (t.pod) {
    if (!a.pods.some((p) => p.name === t.pod)) {
      throw new NotFoundError(`app ${a.name} in env ${t.env} has no pod ${t.pod}`, {
        hint: `pods: ${a.pods.map((p) => p.name).join(", ") || "none"}`,
      });
    }
    kind = "Pod";
    name = t.pod;
  } else {
    const w = workloadOf(v, a);
    kind = w.kind;
    name = w.name;
  }
  const r = await d.agents.command(t.env, { action: "details", kind, namespace: a.namespace, name });
  if (!r.ok) throw upstream(`describe ${kind} ${a.namespace}/${name}`, r);
  return r.data;
}

export interface ReconcileTarget {
  kind: FluxKind;
  namespace: string;
  name: string;
}

/**
 * Asks Flux to reconcile now: the object named, or else every GitRepository and Kustomization the
 * agent reports for the env (the source is fetched and the apps applied at once).
 */
export async function reconcileEnv(d: LiveDeps, env: string, target?: ReconcileTarget) {
  const v = await envState(d, env);
  const targets: Pick<FluxObjectState, "kind" | "namespace" | "name">[] = target
    ? [target]
    : v.state.flux.filter((f) => f.kind === "GitRepository" || f.kind === "Kustomization");
  if (!targets.length) {
    throw new NotFoundError(`the agent of env ${env} reports no Flux GitRepository or Kustomization`, {
      hint: "is Flux installed and bootstrapped (gimlet env bootstrap)? or name the object: {kind, namespace, name}",
    });
  }
  const results = await Promise.all(
    targets.map(async (f) => ({ f, r: await d.agents.command(env, { action: "reconcile", ...f }) })),
  );
  const failed = results.filter((x) => !x.r.ok);
  if (failed.length) {
    const f = failed[0]!;
    throw upstream(`reconcile ${f.f.kind} ${f.f.namespace}/${f.f.name}`, f.r as Extract<CommandResult, { ok: false }>);
  }
  return {
    env,
    reconciled: results.map(({ f, r }) => ({
      kind: f.kind,
      namespace: f.namespace,
      name: f.name,
      requestedAt: (r as { data?: { requestedAt?: string } }).data?.requestedAt,
    })),
  };
}

export interface LogOptions {
  follow?: boolean;
  tailLines?: number;
  container?: string;
}

/**
 * Relays the logs of every pod of an app into `sink`: `start` asks the agent for each pod's stream
 * (call it once ready to receive lines), `stop` ends them at the agent (the viewer left).
 */
export async function streamAppLogs(
  d: LiveDeps,
  t: AppTarget,
  o: LogOptions,
  sink: LogSink,
): Promise<{ pods: string[]; start: () => Promise<void>; stop: () => void }> {
  const v = await envState(d, t.env);
  const a = findApp(v, t.app, t.namespace);
  if (!v.agent.connected) throw notConnected(t.env);
  const pods = a.pods.filter((p) => p.status !== "Pending").map((p) => p.name);
  if (!pods.length) throw new NotFoundError(`app ${a.name} in env ${t.env} has no pods with logs`);
  const stops: (() => void)[] = [];
  let stopped = false;
  return {
    pods,
    async start() {
      await Promise.all(
        pods.map(async (pod) => {
          const s = await d.agents.streamPodLogs(t.env, { namespace: a.namespace, name: pod }, o, sink);
          if (stopped) s();
          else stops.push(s);
        }),
      );
    },
    stop() {
      stopped = true;
      for (const s of stops.splice(0)) s();
    },
  };
}
