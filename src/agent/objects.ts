/**
 * The trimmed projections the agent keeps of each watched object: only the fields the state
 * derivation reads (no managedFields, no pod specs, no unrelated annotations), so memory per pod
 * stays small and flat. `project*` turn a raw API object into its projection.
 */
import type { RawObject } from "../kube/index.ts";

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface ContainerStatus {
  name: string;
  ready: boolean;
  restarts: number;
  waiting?: { reason?: string; message?: string };
  terminated?: { reason?: string; message?: string; exitCode?: number };
  lastTerminated?: { reason?: string; message?: string; exitCode?: number };
}

export interface Pod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  createdAt?: string;
  deleting?: boolean;
  node?: string;
  phase?: string;
  /** The PodScheduled condition when it is False (the scheduler's reason and message). */
  unschedulable?: { reason?: string; message?: string };
  /** Declared containers: the denominator of "ready" before statuses exist. */
  containerCount: number;
  /** The declared containers' names, only when there are several (what the logs panel offers). */
  containerNames?: string[];
  containers: ContainerStatus[];
  init: ContainerStatus[];
}

export interface Workload {
  kind: "Deployment" | "StatefulSet";
  namespace: string;
  name: string;
  /** matchLabels; undefined when the selector uses matchExpressions (never equal to a Service's). */
  selector?: Record<string, string>;
  sha?: string;
  image?: string;
  generation?: number;
  observedGeneration?: number;
  desired: number;
  current: number;
  updated: number;
  ready: number;
  available: number;
  conditions: Condition[];
  /** StatefulSet only. */
  currentRevision?: string;
  updateRevision?: string;
  onDelete?: boolean;
}

export interface ReplicaSet {
  namespace: string;
  name: string;
  /** The owning Deployment's name. */
  owner?: string;
}

export interface Service {
  namespace: string;
  name: string;
  selector?: Record<string, string>;
  /** Only `gimlet.io/*` annotations. */
  annotations: Record<string, string>;
}

export interface IngressRule {
  host?: string;
  path?: string;
  service: string;
}

export interface Ingress {
  namespace: string;
  name: string;
  tlsHosts: string[];
  rules: IngressRule[];
}

export interface WarningEvent {
  namespace: string;
  name: string;
  kind: string;
  object: string;
  reason: string;
  message: string;
  count: number;
  lastSeen?: string;
}

export interface FluxObject {
  kind: "GitRepository" | "Kustomization" | "HelmRelease";
  namespace: string;
  name: string;
  ready?: Condition;
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  artifactRevision?: string;
  suspended?: boolean;
}

/** What the derivation reads: the agent's stores, or plain arrays in tests. */
export interface ClusterObjects {
  services: Iterable<Service>;
  deployments: Iterable<Workload>;
  statefulsets: Iterable<Workload>;
  replicasets: Iterable<ReplicaSet>;
  pods: Iterable<Pod>;
  ingresses: Iterable<Ingress>;
  events: Iterable<WarningEvent>;
  flux: Iterable<FluxObject>;
}

// ---- projections -------------------------------------------------------------------------------

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const maxMessage = 1024;
const clip = (s: unknown): string | undefined => (typeof s === "string" && s ? s.slice(0, maxMessage) : undefined);
const num = (v: unknown): number => (typeof v === "number" ? v : 0);

function meta(raw: RawObject): { namespace: string; name: string; m: Any } {
  const m = (raw.metadata ?? {}) as Any;
  return { namespace: m.namespace ?? "", name: m.name ?? "", m };
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!v || typeof v !== "object") return undefined;
  return { ...(v as Record<string, string>) };
}

function containerStatus(c: Any): ContainerStatus {
  const out: ContainerStatus = { name: c.name, ready: !!c.ready, restarts: num(c.restartCount) };
  const w = c.state?.waiting;
  if (w) out.waiting = { reason: w.reason, message: clip(w.message) };
  const t = c.state?.terminated;
  if (t) out.terminated = { reason: t.reason, message: clip(t.message), exitCode: t.exitCode };
  const lt = c.lastState?.terminated;
  if (lt) out.lastTerminated = { reason: lt.reason, message: clip(lt.message), exitCode: lt.exitCode };
  return out;
}

export function projectPod(raw: RawObject): Pod {
  const { namespace, name, m } = meta(raw);
  const spec = (raw.spec ?? {}) as Any;
  const st = (raw.status ?? {}) as Any;
  const sched = (st.conditions as Any[] | undefined)?.find((c) => c.type === "PodScheduled" && c.status === "False");
  const p: Pod = {
    namespace,
    name,
    labels: stringMap(m.labels) ?? {},
    containerCount: (spec.containers as unknown[] | undefined)?.length ?? 0,
    containers: ((st.containerStatuses as Any[] | undefined) ?? []).map(containerStatus),
    init: ((st.initContainerStatuses as Any[] | undefined) ?? []).map(containerStatus),
  };
  const names = ((spec.containers as Any[] | undefined) ?? []).map((c) => c?.name).filter((n) => typeof n === "string");
  if (names.length > 1) p.containerNames = names;
  if (m.creationTimestamp) p.createdAt = m.creationTimestamp;
  if (m.deletionTimestamp) p.deleting = true;
  if (spec.nodeName) p.node = spec.nodeName;
  if (st.phase) p.phase = st.phase;
  if (sched) p.unschedulable = { reason: sched.reason, message: clip(sched.message) };
  return p;
}

function conditions(st: Any, keep: string[]): Condition[] {
  return ((st.conditions as Any[] | undefined) ?? [])
    .filter((c) => keep.includes(c.type))
    .map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: clip(c.message) }));
}

function workload(kind: Workload["kind"], raw: RawObject): Workload {
  const { namespace, name, m } = meta(raw);
  const spec = (raw.spec ?? {}) as Any;
  const st = (raw.status ?? {}) as Any;
  const sel = spec.selector as Any | undefined;
  const w: Workload = {
    kind,
    namespace,
    name,
    desired: typeof spec.replicas === "number" ? spec.replicas : 1,
    current: num(st.replicas),
    updated: num(st.updatedReplicas),
    ready: num(st.readyReplicas),
    available: num(st.availableReplicas),
    conditions: conditions(st, ["Progressing", "Available", "ReplicaFailure"]),
  };
  if (sel?.matchLabels && !(sel.matchExpressions as unknown[] | undefined)?.length) {
    w.selector = stringMap(sel.matchLabels);
  }
  const sha = m.annotations?.["gimlet.io/git-sha"] ?? spec.template?.metadata?.annotations?.["gimlet.io/git-sha"];
  if (sha) w.sha = sha;
  const image = spec.template?.spec?.containers?.[0]?.image;
  if (image) w.image = image;
  if (m.generation !== undefined) w.generation = m.generation;
  if (st.observedGeneration !== undefined) w.observedGeneration = st.observedGeneration;
  if (kind === "StatefulSet") {
    if (st.currentRevision) w.currentRevision = st.currentRevision;
    if (st.updateRevision) w.updateRevision = st.updateRevision;
    if (spec.updateStrategy?.type === "OnDelete") w.onDelete = true;
  }
  return w;
}

export const projectDeployment = (raw: RawObject): Workload => workload("Deployment", raw);
export const projectStatefulSet = (raw: RawObject): Workload => workload("StatefulSet", raw);

export function projectReplicaSet(raw: RawObject): ReplicaSet {
  const { namespace, name, m } = meta(raw);
  const owner = (m.ownerReferences as Any[] | undefined)?.find((o) => o.kind === "Deployment")?.name;
  return owner ? { namespace, name, owner } : { namespace, name };
}

export function projectService(raw: RawObject): Service {
  const { namespace, name, m } = meta(raw);
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries((m.annotations ?? {}) as Record<string, string>)) {
    if (k.startsWith("gimlet.io/")) annotations[k] = v;
  }
  const s: Service = { namespace, name, annotations };
  const sel = stringMap((raw.spec as Any | undefined)?.selector);
  if (sel && Object.keys(sel).length) s.selector = sel;
  return s;
}

export function projectIngress(raw: RawObject): Ingress {
  const { namespace, name } = meta(raw);
  const spec = (raw.spec ?? {}) as Any;
  const rules: IngressRule[] = [];
  const def = spec.defaultBackend?.service?.name;
  if (def) rules.push({ service: def });
  for (const r of (spec.rules as Any[] | undefined) ?? []) {
    for (const p of (r.http?.paths as Any[] | undefined) ?? []) {
      const svc = p.backend?.service?.name;
      if (svc) rules.push({ ...(r.host ? { host: r.host } : {}), ...(p.path ? { path: p.path } : {}), service: svc });
    }
  }
  const tlsHosts = ((spec.tls as Any[] | undefined) ?? []).flatMap((t) => (t.hosts as string[] | undefined) ?? []);
  return { namespace, name, tlsHosts, rules };
}

export function projectEvent(raw: RawObject): WarningEvent {
  const { namespace, name } = meta(raw);
  const r = raw as Any;
  const io = (r.involvedObject ?? r.regarding ?? {}) as Any;
  const e: WarningEvent = {
    namespace,
    name,
    kind: io.kind ?? "",
    object: io.name ?? "",
    reason: r.reason ?? "",
    message: clip(r.message ?? r.note) ?? "",
    count: num(r.count ?? r.series?.count) || 1,
  };
  const last = r.lastTimestamp ?? r.series?.lastObservedTime ?? r.eventTime ?? r.metadata?.creationTimestamp;
  if (last) e.lastSeen = last;
  return e;
}

export function projectFlux(kind: FluxObject["kind"]): (raw: RawObject) => FluxObject {
  return (raw) => {
    const { namespace, name } = meta(raw);
    const st = (raw.status ?? {}) as Any;
    const f: FluxObject = { kind, namespace, name };
    const ready = conditions(st, ["Ready"])[0];
    if (ready) f.ready = ready;
    if (st.lastAppliedRevision) f.lastAppliedRevision = st.lastAppliedRevision;
    // HelmRelease v2 dropped lastAppliedRevision; its release history names the chart version.
    else if (st.history?.[0]?.chartVersion) f.lastAppliedRevision = st.history[0].chartVersion;
    if (st.lastAttemptedRevision) f.lastAttemptedRevision = st.lastAttemptedRevision;
    if (st.artifact?.revision) f.artifactRevision = st.artifact.revision;
    if ((raw.spec as Any | undefined)?.suspend === true) f.suspended = true;
    return f;
  };
}
