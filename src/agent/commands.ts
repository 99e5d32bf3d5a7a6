/**
 * The commands `gimlet serve` sends down the SSE channel. Each ends in one result — ok, or the
 * API server's own message and status — and pod logs stream their lines in batches until the
 * container stops, `stopPodLogs` arrives, or the server says nobody watches any more.
 */
import type { AgentCommand, CommandResult, FluxKind, LogChunk } from "../core/agent/wire.ts";
import { builtinTypes, KubeApiError, lines, objectPath, type KubeClient, type ResourceType } from "../kube/index.ts";

export interface CommandSink {
  sendResult(id: string, result: CommandResult): Promise<void>;
  /** false: stop streaming (nobody watches). */
  sendLogs(id: string, chunk: LogChunk): Promise<boolean>;
}

export interface CommandOptions {
  /** The served Flux resource type for a kind (from discovery), if any. */
  fluxResource: (kind: FluxKind) => ResourceType | undefined;
  log?: (line: string) => void;
  maxLogStreams?: number;
  /** Lines held while a post is in flight; beyond it the oldest are dropped and counted. */
  maxBufferedLines?: number;
  logBatchMs?: number;
}

type DetailsKind = "Deployment" | "StatefulSet" | "Pod";

const failure = (e: unknown): CommandResult =>
  e instanceof KubeApiError
    ? { ok: false, error: e.message, status: e.status }
    : { ok: false, error: (e as Error)?.message ?? String(e) };

export class Commands {
  private readonly streams = new Map<string, AbortController>();

  constructor(
    private readonly client: KubeClient,
    private readonly sink: CommandSink,
    private readonly opts: CommandOptions,
  ) {}

  get activeLogStreams(): number {
    return this.streams.size;
  }

  /** Runs one command; its result goes to the sink. Never throws. */
  async handle(cmd: AgentCommand): Promise<void> {
    if (cmd.action === "refetch") return;
    if (cmd.action === "stopPodLogs") {
      this.streams.get(cmd.id)?.abort();
      return;
    }
    let result: CommandResult;
    try {
      result = await this.run(cmd);
    } catch (e) {
      result = failure(e);
    }
    if (!result.ok) this.opts.log?.(`${cmd.action} failed: ${result.error}`);
    await this.sink.sendResult(cmd.id, result);
  }

  private async run(cmd: Exclude<AgentCommand, { action: "refetch" | "stopPodLogs" }>): Promise<CommandResult> {
    switch (cmd.action) {
      case "restartDeployment":
        return this.restart(cmd.kind ?? "Deployment", cmd.namespace, cmd.name);
      case "reconcile":
        return this.reconcile(cmd.kind, cmd.namespace, cmd.name);
      case "details":
        return { ok: true, data: await this.details(cmd.kind, cmd.namespace, cmd.name) };
      case "podLogs":
        return this.podLogs(cmd);
    }
  }

  /** What `kubectl rollout restart` does: a new pod-template annotation, so the pods roll. */
  async restart(kind: "Deployment" | "StatefulSet", namespace: string, name: string): Promise<CommandResult> {
    const at = new Date().toISOString();
    const r = kind === "Deployment" ? builtinTypes.deployments : builtinTypes.statefulsets;
    await this.client.request("PATCH", objectPath(r, namespace, name), {
      timeoutMs: 30_000,
      contentType: "application/strategic-merge-patch+json",
      body: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": at } } } } },
    });
    return { ok: true, data: { restartedAt: at } };
  }

  /** What `flux reconcile` does: Flux controllers reconcile when this annotation changes. */
  async reconcile(kind: FluxKind, namespace: string, name: string): Promise<CommandResult> {
    const r = this.opts.fluxResource(kind);
    if (!r) {
      return { ok: false, error: `this cluster does not serve Flux ${kind} objects (CRD not installed)`, status: 404 };
    }
    const at = new Date().toISOString();
    await this.client.request("PATCH", objectPath(r, namespace, name), {
      timeoutMs: 30_000,
      contentType: "application/merge-patch+json",
      body: { metadata: { annotations: { "reconcile.fluxcd.io/requestedAt": at } } },
    });
    return { ok: true, data: { requestedAt: at } };
  }

  /** Describe-like: status, conditions, containers, and the object's events, newest first. */
  async details(kind: DetailsKind, namespace: string, name: string): Promise<Record<string, unknown>> {
    const { pods, deployments, statefulsets } = builtinTypes;
    const r = { Pod: pods, Deployment: deployments, StatefulSet: statefulsets }[kind];
    const [obj, events] = await Promise.all([
      this.client.get<Any>(objectPath(r, namespace, name)),
      this.client.get<{ items?: Any[] }>(`/api/v1/namespaces/${namespace}/events`, {
        fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`,
      }),
    ]);
    return describe(kind, obj, events.items ?? []);
  }

  private async podLogs(cmd: Extract<AgentCommand, { action: "podLogs" }>): Promise<CommandResult> {
    if (this.streams.size >= (this.opts.maxLogStreams ?? 20)) {
      return { ok: false, error: `too many log streams (${this.streams.size}); stop one first`, status: 429 };
    }
    const abort = new AbortController();
    const res = await this.client.request("GET", `/api/v1/namespaces/${cmd.namespace}/pods/${cmd.pod}/log`, {
      query: { follow: cmd.follow ?? false, tailLines: cmd.tailLines, container: cmd.container },
      signal: abort.signal,
    });
    this.streams.set(cmd.id, abort);
    void this.pump(cmd.id, res, abort);
    return { ok: true };
  }

  private async pump(id: string, res: Response, abort: AbortController): Promise<void> {
    const max = this.opts.maxBufferedLines ?? 1000;
    let buf: string[] = [];
    let dropped = 0;
    let sending: Promise<boolean> | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let watching = true;
    const send = async (chunk: LogChunk) => {
      try {
        if (!(await this.sink.sendLogs(id, chunk))) {
          watching = false;
          abort.abort();
        }
      } catch (e) {
        this.opts.log?.(`log stream ${id}: ${(e as Error).message}`);
      }
    };
    const flush = async () => {
      timer = undefined;
      if (sending || !buf.length) return;
      const chunk: LogChunk = { lines: buf, ...(dropped ? { dropped } : {}) };
      buf = [];
      dropped = 0;
      sending = send(chunk).then(() => watching);
      await sending;
      sending = undefined;
      if (buf.length) timer ??= setTimeout(flush, 0);
    };
    let error: string | undefined;
    try {
      for await (const line of lines(res.body!)) {
        buf.push(line);
        if (buf.length > max) {
          buf.shift();
          dropped++;
        }
        timer ??= setTimeout(flush, this.opts.logBatchMs ?? 100);
      }
    } catch (e) {
      if (!abort.signal.aborted) error = (e as Error).message;
    } finally {
      clearTimeout(timer);
      this.streams.delete(id);
    }
    await sending;
    if (watching) await send({ lines: buf, done: true, ...(dropped ? { dropped } : {}), ...(error ? { error } : {}) });
  }

  stopAll(): void {
    for (const a of this.streams.values()) a.abort();
  }
}

// ---- describe ------------------------------------------------------------------------------------

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function describe(kind: string, o: Any, events: Any[]): Record<string, unknown> {
  const m = o.metadata ?? {};
  const annotations = { ...(m.annotations ?? {}) };
  delete annotations["kubectl.kubernetes.io/last-applied-configuration"];
  const podSpec = kind === "Pod" ? o.spec : o.spec?.template?.spec;
  const list = (o.status?.containerStatuses as Any[] | undefined) ?? [];
  const statuses = new Map<string, Any>(list.map((s) => [s.name, s]));
  const out: Record<string, unknown> = {
    kind,
    namespace: m.namespace,
    name: m.name,
    createdAt: m.creationTimestamp,
    labels: m.labels ?? {},
    annotations,
    conditions: ((o.status?.conditions as Any[] | undefined) ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
      lastTransition: c.lastTransitionTime,
    })),
    containers: ((podSpec?.containers as Any[] | undefined) ?? []).map((c) => {
      const s = statuses.get(c.name);
      return {
        name: c.name,
        image: c.image,
        ports: (c.ports ?? []).map((p: Any) => `${p.containerPort}/${p.protocol ?? "TCP"}`),
        resources: c.resources ?? {},
        ...(s ? { ready: s.ready, restarts: s.restartCount, state: s.state, lastState: s.lastState } : {}),
      };
    }),
    events: events
      .map((e) => ({
        type: e.type,
        reason: e.reason,
        message: e.message,
        count: e.count ?? 1,
        lastSeen: e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp,
      }))
      .sort((a, b) => String(b.lastSeen ?? "").localeCompare(String(a.lastSeen ?? ""))),
  };
  if (kind === "Pod") {
    const st = o.status ?? {};
    Object.assign(out, { phase: st.phase, node: o.spec?.nodeName, podIP: st.podIP, startTime: st.startTime });
  } else {
    Object.assign(out, {
      selector: o.spec?.selector,
      replicas: {
        desired: o.spec?.replicas ?? 1,
        current: o.status?.replicas ?? 0,
        updated: o.status?.updatedReplicas ?? 0,
        ready: o.status?.readyReplicas ?? 0,
        available: o.status?.availableReplicas ?? 0,
      },
      strategy: o.spec?.strategy?.type ?? o.spec?.updateStrategy?.type,
    });
  }
  return out;
}
