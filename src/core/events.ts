/**
 * What the server's event hub publishes and `GET /api/events` streams. Shared by the server, the CLI
 * (`track --wait`) and, next, the dashboard and the agent, so one union describes every event.
 */
import type { AppState } from "./agent/state.ts";

/** The kinds of queued requests (the queue's own union lives with the queue; this is its name set). */
export type RequestKind = "artifact" | "release" | "rollback" | "delete" | "branchDeleted";

/** An env and, when known, the app a request is about. */
export interface Target {
  env: string;
  app?: string;
}

export interface RequestResult {
  app: string;
  env: string;
  hash: string;
  status: string;
  statusDesc: string;
}

export interface ReleaseQueued {
  type: "release.queued";
  /** The queued request's id (what `release track` takes). */
  eventId: string;
  kind: RequestKind;
  /** Set for artifacts: what `artifact track` takes. */
  artifactId?: string;
  targets: Target[];
  triggeredBy?: string;
}

export interface ReleaseFinished {
  type: "release.processed" | "release.failed";
  eventId: string;
  kind: RequestKind;
  artifactId?: string;
  targets: Target[];
  status: "processed" | "error";
  statusDesc: string;
  gitopsHashes: string[];
  results: RequestResult[];
}

/** Flux's latest word on a gitops commit (from POST /api/flux-events). */
export interface GitopsCommitStatus {
  type: "gitops.commit-status";
  sha: string;
  env: string;
  status: string;
  desc: string;
}

export interface EnvCreated {
  type: "env.created";
  env: string;
  builtin: boolean;
}

/** An env's agent opened its downlink (`namespace` when it watches one namespace only). */
export interface AgentConnected {
  type: "agent.connected";
  env: string;
  namespace?: string;
}

export interface AgentDisconnected {
  type: "agent.disconnected";
  env: string;
}

/**
 * One app of an env changed in the agent's live state (coalesced per app over a short window).
 * `app` is the app's key (`namespace/service`); `state` is its new state, absent when it is gone.
 */
export interface AppStateChanged {
  type: "app.state";
  env: string;
  app: string;
  removed?: boolean;
  state?: AppState;
}

/**
 * A step of a release's timeline was recorded (pushed, Flux applied, rollout complete or failed):
 * `release track --timeline` prints it.
 */
export interface ReleaseStepRecorded {
  type: "release.step";
  /** The queued request that wrote the release (what `release track` takes). */
  eventId: string;
  env: string;
  app: string;
  step: string;
  /** Unix seconds. */
  at: number;
}

/**
 * CI pushed an artifact (stored and queued): the repository pages refetch their lists. `envs` are the
 * envs its manifests deploy to, which decide who may see the event.
 */
export interface ArtifactReceived {
  type: "artifact.received";
  artifactId: string;
  repo: string;
  branch: string;
  envs: string[];
}

export type HubEvent =
  | ArtifactReceived
  | ReleaseQueued
  | ReleaseFinished
  | ReleaseStepRecorded
  | GitopsCommitStatus
  | EnvCreated
  | AgentConnected
  | AgentDisconnected
  | AppStateChanged;

/**
 * Not an event but a marker: the receiver missed events (it fell behind, or resumed from an id the
 * server no longer holds) and must re-read the state it cares about.
 */
export interface Resync {
  type: "resync";
  reason: string;
}

/** An event as the hub numbered it. `seq` grows by one per publish within one hub. */
export interface Published {
  seq: number;
  /** Unix milliseconds. */
  time: number;
  event: HubEvent;
}

/** The envs an event is about, for `?env=` filtering; an empty list means none in particular. */
export function eventEnvs(e: HubEvent): string[] {
  switch (e.type) {
    case "release.queued":
    case "release.processed":
    case "release.failed":
      return [...new Set(e.targets.map((t) => t.env))];
    case "gitops.commit-status":
      return e.env ? [e.env] : [];
    case "env.created":
    case "agent.connected":
    case "agent.disconnected":
    case "app.state":
    case "release.step":
      return [e.env];
    case "artifact.received":
      return e.envs;
  }
}
