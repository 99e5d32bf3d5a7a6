/**
 * Watches the cluster and keeps the env's derived state. Every watch event marks the apps it can
 * affect as dirty; `takeChanges()` re-derives only those (pure functions in derive.ts) and returns
 * what differs from the last state handed out. Nothing queues per event, so a burst of events or
 * an unreachable server costs at most one dirty mark per app.
 */
import type { AppState, EnvState, FluxObjectState, StateChanges } from "../core/agent/state.ts";
import { sameJson } from "../core/agent/changes.ts";
import {
  builtinTypes,
  discover,
  fluxTypes,
  type KubeClient,
  Reflector,
  type ChangeType,
  type RawObject,
  type ResourceType,
} from "../kube/index.ts";
import { appKey, deriveApp, deriveFlux, isApp, ObjectIndex, sameSelector, selectorMatches } from "./derive.ts";
import {
  projectDeployment,
  projectEvent,
  projectFlux,
  projectIngress,
  projectPod,
  projectReplicaSet,
  projectService,
  projectStatefulSet,
  type FluxObject,
  type Ingress,
  type Pod,
  type ReplicaSet,
  type Service,
  type WarningEvent,
  type Workload,
} from "./objects.ts";

export interface StateSource {
  /** The whole current state; what was dirty is now accounted for. */
  snapshot(): EnvState;
  /** What changed since the last snapshot or changes handed out. */
  takeChanges(): StateChanges;
  /** Called (once per batch) when something became dirty. */
  onDirty(cb: () => void): void;
  /** Resolves once the first lists are in, so the first snapshot is not an empty cluster. */
  whenSynced(): Promise<void>;
}

export interface KeeperOptions {
  env: string;
  /** Watch one namespace only. */
  namespace?: string;
  /** How often to look for Flux's CRDs until all are found. */
  fluxDiscoveryMs?: number;
  log?: (line: string) => void;
}

export class StateKeeper implements StateSource {
  readonly services: Reflector<Service>;
  readonly deployments: Reflector<Workload>;
  readonly statefulsets: Reflector<Workload>;
  readonly replicasets: Reflector<ReplicaSet>;
  readonly pods: Reflector<Pod>;
  readonly ingresses: Reflector<Ingress>;
  readonly events: Reflector<WarningEvent>;
  readonly flux = new Map<string, Reflector<FluxObject>>();
  private apps = new Map<string, AppState>();
  private fluxState: FluxObjectState[] = [];
  private dirty = new Set<string>();
  private fluxDirty = false;
  private dirtyCb: (() => void) | undefined;
  private discoveryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** Services by namespace, for mapping a pod or workload to the apps it belongs to. */
  private servicesByNs = new Map<string, Map<string, Service>>();

  constructor(
    readonly client: KubeClient,
    private readonly opts: KeeperOptions,
  ) {
    type OnChange<T> = (t: ChangeType, k: string, o: T | undefined, p: T | undefined) => void;
    const make = <T>(r: ResourceType, project: (raw: RawObject) => T, onChange: OnChange<T>, fieldSelector?: string) =>
      new Reflector<T>(client, r, {
        namespace: opts.namespace,
        fieldSelector,
        project,
        onChange,
        onError: (e) => this.logError(r.kind, e),
      });
    this.services = make(builtinTypes.services, projectService, (_t, key, o, p) => this.serviceChanged(key, o, p));
    this.deployments = make(builtinTypes.deployments, projectDeployment, (_t, _k, o, p) => this.workloadChanged(o, p));
    const workloadChanged = (_t: ChangeType, _k: string, o?: Workload, p?: Workload) => this.workloadChanged(o, p);
    this.statefulsets = make(builtinTypes.statefulsets, projectStatefulSet, workloadChanged);
    this.replicasets = make(builtinTypes.replicasets, projectReplicaSet, () => {});
    this.pods = make(builtinTypes.pods, projectPod, (_t, _k, o, p) => this.podChanged(o, p));
    this.ingresses = make(builtinTypes.ingresses, projectIngress, (_t, _k, o, p) => this.ingressChanged(o, p));
    this.events = make(builtinTypes.events, projectEvent, (_t, _k, o, p) => this.eventChanged(o ?? p), "type=Warning");
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  get builtin(): Reflector<any>[] {
    const { services, deployments, statefulsets, replicasets, pods, ingresses, events } = this;
    return [services, deployments, statefulsets, replicasets, pods, ingresses, events];
  }

  start(): void {
    for (const r of this.builtin) r.start();
    void this.discoverFlux();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.discoveryTimer);
    await Promise.all([...this.builtin, ...this.flux.values()].map((r) => r.stop()));
  }

  /** Every built-in watch has listed once and is answering now. */
  get ready(): boolean {
    return this.builtin.every((r) => r.synced && r.connected);
  }

  get synced(): boolean {
    return this.builtin.every((r) => r.synced);
  }

  onDirty(cb: () => void): void {
    this.dirtyCb = cb;
  }

  async whenSynced(): Promise<void> {
    while (!this.synced && !this.stopped) await Bun.sleep(50);
  }

  private async discoverFlux(): Promise<void> {
    if (this.stopped) return;
    try {
      for (const r of await discover(
        this.client,
        fluxTypes.filter((t) => !this.flux.has(t.kind)),
      )) {
        const kind = r.kind as FluxObject["kind"];
        const reflector = new Reflector<FluxObject>(this.client, r, {
          namespace: this.opts.namespace,
          project: projectFlux(kind),
          onChange: () => this.markFlux(),
          onError: (e) => this.logError(kind, e),
        });
        this.flux.set(kind, reflector);
        this.opts.log?.(`watching Flux ${kind} (${r.group}/${r.version})`);
        reflector.start();
      }
    } catch (e) {
      this.logError("discovery", e);
    }
    if (this.flux.size < fluxTypes.length && !this.stopped) {
      this.discoveryTimer = setTimeout(() => void this.discoverFlux(), this.opts.fluxDiscoveryMs ?? 30_000);
    }
  }

  private lastErrors = new Map<string, string>();
  private logError(what: string, e: unknown): void {
    // A watch that keeps failing the same way logs once, not every backoff.
    const msg = (e as Error)?.message ?? String(e);
    if (this.lastErrors.get(what) === msg) return;
    this.lastErrors.set(what, msg);
    this.opts.log?.(`watch ${what}: ${msg}`);
  }

  // ---- dirty marking -------------------------------------------------------------------------

  private mark(key: string): void {
    const first = this.dirty.size === 0 && !this.fluxDirty;
    this.dirty.add(key);
    if (first) this.dirtyCb?.();
  }

  private markFlux(): void {
    const first = this.dirty.size === 0 && !this.fluxDirty;
    this.fluxDirty = true;
    if (first) this.dirtyCb?.();
  }

  private appServices(ns: string): Iterable<Service> {
    return this.servicesByNs.get(ns)?.values() ?? [];
  }

  private serviceChanged(key: string, s: Service | undefined, prev: Service | undefined): void {
    const ns = (s ?? prev)!.namespace;
    let m = this.servicesByNs.get(ns);
    if (s && isApp(s)) {
      if (!m) this.servicesByNs.set(ns, (m = new Map()));
      m.set(key, s);
    } else {
      m?.delete(key);
    }
    if ((s && isApp(s)) || (prev && isApp(prev)) || this.apps.has(key)) this.mark(key);
  }

  private podChanged(p: Pod | undefined, prev: Pod | undefined): void {
    for (const x of [p, prev]) {
      if (!x) continue;
      for (const s of this.appServices(x.namespace)) {
        if (s.selector && selectorMatches(s.selector, x.labels)) this.mark(appKey(s));
      }
    }
  }

  private workloadChanged(w: Workload | undefined, prev: Workload | undefined): void {
    for (const x of [w, prev]) {
      if (!x) continue;
      for (const s of this.appServices(x.namespace)) if (sameSelector(s.selector, x.selector)) this.mark(appKey(s));
    }
  }

  private ingressChanged(i: Ingress | undefined, prev: Ingress | undefined): void {
    for (const x of [i, prev]) for (const r of x?.rules ?? []) this.mark(`${x!.namespace}/${r.service}`);
  }

  private eventChanged(e: WarningEvent | undefined): void {
    if (!e) return;
    const ns = e.namespace;
    if (e.kind === "Pod") this.podChanged(this.pods.store.get(`${ns}/${e.object}`), undefined);
    else if (e.kind === "Deployment") this.workloadChanged(this.deployments.store.get(`${ns}/${e.object}`), undefined);
    else if (e.kind === "StatefulSet") {
      this.workloadChanged(this.statefulsets.store.get(`${ns}/${e.object}`), undefined);
    } else if (e.kind === "ReplicaSet") {
      const owner = this.replicasets.store.get(`${ns}/${e.object}`)?.owner;
      if (owner) this.workloadChanged(this.deployments.store.get(`${ns}/${owner}`), undefined);
    } else if (e.kind === "Service") this.mark(`${ns}/${e.object}`);
  }

  // ---- derivation ----------------------------------------------------------------------------

  private index(): ObjectIndex {
    const fluxObjects: FluxObject[] = [];
    for (const r of this.flux.values()) fluxObjects.push(...r.store.values());
    return new ObjectIndex({
      services: this.services.store.values(),
      deployments: this.deployments.store.values(),
      statefulsets: this.statefulsets.store.values(),
      replicasets: this.replicasets.store.values(),
      pods: this.pods.store.values(),
      ingresses: this.ingresses.store.values(),
      events: this.events.store.values(),
      flux: fluxObjects,
    });
  }

  snapshot(): EnvState {
    const index = this.index();
    this.apps = new Map();
    for (const list of index.services.values()) {
      for (const s of list) if (isApp(s)) this.apps.set(appKey(s), deriveApp(s, index));
    }
    this.fluxState = deriveFlux(index.flux);
    this.dirty.clear();
    this.fluxDirty = false;
    const apps = [...this.apps.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const ns = this.opts.namespace ? { namespace: this.opts.namespace } : {};
    return { env: this.opts.env, ...ns, apps, flux: this.fluxState };
  }

  takeChanges(): StateChanges {
    const changes: StateChanges = { upserts: [], removed: [] };
    if (this.dirty.size === 0 && !this.fluxDirty) return changes;
    const index = this.index();
    for (const key of this.dirty) {
      const s = index.service(key);
      const before = this.apps.get(key);
      if (s && isApp(s)) {
        const app = deriveApp(s, index);
        if (!before || !sameJson(before, app)) {
          this.apps.set(key, app);
          changes.upserts.push(app);
        }
      } else if (before) {
        this.apps.delete(key);
        changes.removed.push(key);
      }
    }
    this.dirty.clear();
    if (this.fluxDirty) {
      const flux = deriveFlux(index.flux);
      if (!sameJson(flux, this.fluxState)) changes.flux = this.fluxState = flux;
      this.fluxDirty = false;
    }
    return changes;
  }
}
