/**
 * The pure derivation from watched objects to the env's live state. An app is a Service
 * annotated `gimlet.io/git-repository` or `gimlet.io/app`; its workload is the Deployment or
 * StatefulSet whose selector equals the Service's; its pods match the Service selector; its
 * ingresses route to the Service.
 */
import type {
  AppState,
  EnvState,
  FluxObjectState,
  IngressState,
  PodState,
  WarningEvent as EventState,
  WorkloadState,
} from "../core/agent/state.ts";
import type {
  ClusterObjects,
  FluxObject,
  Ingress,
  Pod,
  ReplicaSet,
  Service,
  WarningEvent,
  Workload,
} from "./objects.ts";

export const maxEventsPerApp = 10;

export function isApp(s: Service): boolean {
  return s.annotations["gimlet.io/git-repository"] !== undefined || s.annotations["gimlet.io/app"] !== undefined;
}

export function appKey(s: { namespace: string; name: string }): string {
  return `${s.namespace}/${s.name}`;
}

export function selectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

export function sameSelector(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (!a || !b) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

const group = <T extends { namespace: string }>(items: Iterable<T>): Map<string, T[]> => {
  const m = new Map<string, T[]>();
  for (const i of items) {
    const l = m.get(i.namespace);
    if (l) l.push(i);
    else m.set(i.namespace, [i]);
  }
  return m;
};

/** The objects grouped by namespace, built once per derivation pass. */
export class ObjectIndex {
  readonly services: Map<string, Service[]>;
  readonly workloads: Map<string, Workload[]>;
  readonly pods: Map<string, Pod[]>;
  readonly ingresses: Map<string, Ingress[]>;
  readonly events: Map<string, WarningEvent[]>;
  readonly rsOwner = new Map<string, string>();
  readonly flux: FluxObject[];

  constructor(o: ClusterObjects) {
    this.services = group(o.services);
    this.workloads = group([...o.deployments, ...o.statefulsets]);
    this.pods = group(o.pods);
    this.ingresses = group(o.ingresses);
    this.events = group(o.events);
    for (const rs of o.replicasets as Iterable<ReplicaSet>) if (rs.owner) this.rsOwner.set(appKey(rs), rs.owner);
    this.flux = [...o.flux];
  }

  service(key: string): Service | undefined {
    const ns = key.slice(0, key.indexOf("/"));
    return this.services.get(ns)?.find((s) => appKey(s) === key);
  }
}

export function deriveState(env: string, objects: ClusterObjects, namespace?: string): EnvState {
  const index = new ObjectIndex(objects);
  const apps: AppState[] = [];
  for (const list of index.services.values()) for (const s of list) if (isApp(s)) apps.push(deriveApp(s, index));
  apps.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { env, ...(namespace ? { namespace } : {}), apps, flux: deriveFlux(index.flux) };
}

export function deriveApp(s: Service, index: ObjectIndex): AppState {
  const ns = s.namespace;
  const w = s.selector ? index.workloads.get(ns)?.find((x) => sameSelector(x.selector, s.selector)) : undefined;
  const pods = s.selector ? (index.pods.get(ns) ?? []).filter((p) => selectorMatches(s.selector!, p.labels)) : [];
  pods.sort((a, b) => (a.name < b.name ? -1 : 1));
  const ingresses: IngressState[] = [];
  for (const ing of index.ingresses.get(ns) ?? []) {
    for (const url of ingressUrls(ing, s.name)) ingresses.push({ name: ing.name, url });
  }
  const app: AppState = {
    key: appKey(s),
    name: s.annotations["gimlet.io/app"] || s.name,
    namespace: ns,
    service: s.name,
    pods: pods.map(podState),
    ingresses,
    events: appEvents(s, w, pods, index),
  };
  const repo = s.annotations["gimlet.io/git-repository"];
  if (repo) app.repo = repo;
  const branch = s.annotations["gimlet.io/git-branch"];
  if (branch) app.branch = branch;
  const sha = w?.sha ?? s.annotations["gimlet.io/git-sha"];
  if (sha) app.sha = sha;
  if (w) app.workload = workloadState(w, s);
  return app;
}

export function workloadState(w: Workload, s?: Service): WorkloadState {
  const out: WorkloadState = {
    kind: w.kind,
    name: w.name,
    replicas: { desired: w.desired, updated: w.updated, ready: w.ready, available: w.available },
    rollout: rollout(w),
  };
  const sha = w.sha ?? s?.annotations["gimlet.io/git-sha"];
  if (sha) out.sha = sha;
  if (w.image) out.image = w.image;
  return out;
}

/** As `kubectl rollout status` decides it, plus the Progressing condition's words. */
export function rollout(w: Workload): WorkloadState["rollout"] {
  const prog = w.conditions.find((c) => c.type === "Progressing");
  const words = (c: typeof prog) => ({
    ...(c?.reason ? { reason: c.reason } : {}),
    ...(c?.message ? { message: c.message } : {}),
  });
  if (w.kind === "Deployment") {
    if (prog?.status === "False" && prog.reason === "ProgressDeadlineExceeded") {
      return { status: "failed", ...words(prog) };
    }
    const failure = w.conditions.find((c) => c.type === "ReplicaFailure" && c.status === "True");
    if (failure) return { status: "failed", ...words(failure) };
  }
  const stale = w.generation !== undefined && (w.observedGeneration ?? 0) < w.generation;
  let done: boolean;
  if (w.kind === "Deployment") {
    done = !stale && w.updated >= w.desired && w.current <= w.updated && w.available >= w.updated;
  } else {
    const revisions = w.onDelete || !w.updateRevision || w.currentRevision === w.updateRevision;
    done = !stale && w.ready >= w.desired && w.updated >= w.desired && revisions;
  }
  return { status: done ? "complete" : "progressing", ...words(prog) };
}

/** The one status word a person needs first, and why. */
export function podStatus(p: Pod): { status: string; description?: string } {
  if (p.deleting) return { status: "Terminating" };
  for (const c of p.init) {
    if (c.waiting?.reason && c.waiting.reason !== "PodInitializing") {
      return withDesc(`Init:${c.waiting.reason}`, c.waiting.message);
    }
  }
  if (p.phase === "Pending" || p.phase === "Running" || p.phase === undefined) {
    for (const c of p.containers) if (c.waiting?.reason) return withDesc(c.waiting.reason, waitingWhy(c));
  }
  for (const c of p.containers) {
    if (c.terminated?.reason === "OOMKilled") return withDesc("OOMKilled", c.terminated.message);
  }
  for (const c of p.containers) {
    if (!c.terminated && c.lastTerminated?.reason === "OOMKilled" && !c.ready) {
      return withDesc("OOMKilled", c.lastTerminated.message);
    }
  }
  if (p.phase === "Pending" && p.unschedulable) {
    return withDesc("Pending", [p.unschedulable.reason, p.unschedulable.message].filter(Boolean).join(": "));
  }
  return { status: p.phase ?? "Unknown" };
}

/** A crash loop's own message is only the back-off; the last exit says why it crashed. */
function waitingWhy(c: Pod["containers"][number]): string | undefined {
  const last = c.lastTerminated;
  const code = last?.exitCode !== undefined ? ` (code ${last.exitCode})` : "";
  const exit = last ? `last exit: ${last.reason ?? "unknown"}${code}` : "";
  return [c.waiting?.message, exit].filter(Boolean).join("; ") || undefined;
}

const withDesc = (status: string, d?: string) => (d ? { status, description: d } : { status });

export function podState(p: Pod): PodState {
  const { status, description } = podStatus(p);
  const total = Math.max(p.containerCount, p.containers.length);
  const out: PodState = {
    name: p.name,
    status,
    ready: `${p.containers.filter((c) => c.ready).length}/${total}`,
    restarts: p.containers.reduce((n, c) => n + c.restarts, 0),
  };
  if (description) out.statusDescription = description;
  if (p.node) out.node = p.node;
  if (p.createdAt) out.createdAt = p.createdAt;
  if (p.containerNames) out.containers = p.containerNames;
  return out;
}

export function ingressUrls(ing: Ingress, service: string): string[] {
  const urls: string[] = [];
  for (const r of ing.rules) {
    if (r.service !== service || !r.host) continue;
    const scheme = ing.tlsHosts.some((h) => hostMatches(h, r.host!)) ? "https" : "http";
    const path = r.path && r.path !== "/" ? r.path : "";
    const url = `${scheme}://${r.host}${path}`;
    if (!urls.includes(url)) urls.push(url);
  }
  return urls;
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  // A wildcard covers exactly one label: *.example.com matches a.example.com, not a.b.example.com.
  if (!pattern.startsWith("*.") || !host.endsWith(pattern.slice(1))) return false;
  return !host.slice(0, -pattern.length + 1).includes(".");
}

function appEvents(s: Service, w: Workload | undefined, pods: Pod[], index: ObjectIndex): EventState[] {
  const events = index.events.get(s.namespace);
  if (!events?.length) return [];
  const podNames = new Set(pods.map((p) => p.name));
  const mine = events.filter((e) => {
    switch (e.kind) {
      case "Pod":
        return podNames.has(e.object);
      case "Service":
        return e.object === s.name;
      case "Deployment":
      case "StatefulSet":
        return w !== undefined && e.kind === w.kind && e.object === w.name;
      case "ReplicaSet":
        return w?.kind === "Deployment" && index.rsOwner.get(`${e.namespace}/${e.object}`) === w.name;
      default:
        return false;
    }
  });
  mine.sort((a, b) => ((b.lastSeen ?? "") < (a.lastSeen ?? "") ? -1 : (b.lastSeen ?? "") > (a.lastSeen ?? "") ? 1 : 0));
  return mine.slice(0, maxEventsPerApp).map((e) => ({
    object: `${e.kind}/${e.object}`,
    reason: e.reason,
    message: e.message,
    count: e.count,
    ...(e.lastSeen ? { lastSeen: e.lastSeen } : {}),
  }));
}

const kindOrder = { GitRepository: 0, Kustomization: 1, HelmRelease: 2 } as const;

export function deriveFlux(objects: Iterable<FluxObject>): FluxObjectState[] {
  const out: FluxObjectState[] = [];
  for (const f of objects) {
    const ready = f.ready?.status ?? "Unknown";
    const s: FluxObjectState = { kind: f.kind, namespace: f.namespace, name: f.name, ready };
    if (f.ready?.reason) s.reason = f.ready.reason;
    if (f.ready?.message) s.message = f.ready.message;
    if (f.lastAppliedRevision) s.appliedRevision = f.lastAppliedRevision;
    const fetched = f.kind === "GitRepository" ? f.artifactRevision : f.lastAttemptedRevision;
    if (fetched) s.fetchedRevision = fetched;
    if (f.suspended) s.suspended = true;
    out.push(s);
  }
  return out.sort(
    (a, b) => kindOrder[a.kind] - kindOrder[b.kind] || cmp(a.namespace, b.namespace) || cmp(a.name, b.name),
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
