/**
 * The live state of one environment as the agent derives it from the cluster and `gimlet serve`
 * keeps and shows it. Shared by the agent (producer), the server and the dashboard (consumers).
 * Values are plain JSON; times are RFC 3339 strings so consumers compute ages themselves and the
 * state does not change merely because time passes.
 */

export type RolloutStatus = "progressing" | "complete" | "failed";

export interface WorkloadState {
  kind: "Deployment" | "StatefulSet";
  name: string;
  /** `gimlet.io/git-sha` of the workload (falls back to the Service's). */
  sha?: string;
  /** Image of the first container. */
  image?: string;
  replicas: { desired: number; updated: number; ready: number; available: number };
  rollout: { status: RolloutStatus; reason?: string; message?: string };
}

export interface PodState {
  name: string;
  /**
   * `Terminating`, a container's waiting reason (`CrashLoopBackOff`, `Init:ImagePullBackOff`…),
   * `OOMKilled`, `Pending`, or the phase.
   */
  status: string;
  /** Why: the waiting/termination message, or the scheduler's reason for a Pending pod. */
  statusDescription?: string;
  /** Ready containers over all containers, as `kubectl get pods` shows it: "1/2". */
  ready: string;
  restarts: number;
  node?: string;
  createdAt?: string;
  /** The last log lines of a crashing container, when someone asked for them. */
  logs?: string;
  /** Container names, when the pod has several (the logs panel's picker); absent for one. */
  containers?: string[];
}

export interface IngressState {
  name: string;
  url: string;
}

export interface WarningEvent {
  /** `Pod/web-7d…`, `Deployment/web`. */
  object: string;
  reason: string;
  message: string;
  count: number;
  lastSeen?: string;
}

export interface AppState {
  /** `namespace/service`: the identity the deltas are keyed by. */
  key: string;
  /** `gimlet.io/app` of the Service, else the Service name. */
  name: string;
  namespace: string;
  service: string;
  /** `owner/repo` from `gimlet.io/git-repository`. */
  repo?: string;
  branch?: string;
  sha?: string;
  workload?: WorkloadState;
  pods: PodState[];
  ingresses: IngressState[];
  events: WarningEvent[];
}

export interface FluxObjectState {
  kind: "GitRepository" | "Kustomization" | "HelmRelease";
  namespace: string;
  name: string;
  /** The Ready condition's status: "True", "False" or "Unknown". */
  ready: string;
  reason?: string;
  message?: string;
  /** Kustomization/HelmRelease: the last applied revision. */
  appliedRevision?: string;
  /** GitRepository: the artifact's revision; Kustomization/HelmRelease: the last attempted one. */
  fetchedRevision?: string;
  suspended?: boolean;
}

export interface EnvState {
  env: string;
  /** Set when the agent watches one namespace only. */
  namespace?: string;
  /** Sorted by key. */
  apps: AppState[];
  /** Sorted by kind, namespace, name. */
  flux: FluxObjectState[];
}

/** What changed between two states: apps replaced whole (newest wins), apps gone, the Flux list if it changed. */
export interface StateChanges {
  upserts: AppState[];
  removed: string[];
  flux?: FluxObjectState[];
}

export function isEmptyChange(c: StateChanges): boolean {
  return c.upserts.length === 0 && c.removed.length === 0 && c.flux === undefined;
}
