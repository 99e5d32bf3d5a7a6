/** Test fixtures shared by the dashboard's page tests: a viewer, a clock, pods, apps and an env's live state. */
import type { AppState } from "../../core/agent/state.ts";
import type { EnvStateView } from "../../core/agent/view.ts";
import type { Viewer } from "./index.ts";

export const viewer: Viewer = { login: "ann", role: "admin", csrf: "CSRF123" };
export const now = 1_700_000_000;

export const pod = (name: string, status: string, ready = "1/1", statusDescription?: string) => ({
  name,
  status,
  ready,
  restarts: status === "CrashLoopBackOff" ? 7 : 0,
  node: "n1",
  createdAt: "2023-11-14T22:00:00Z",
  ...(statusDescription ? { statusDescription } : {}),
});

export type Rollout = "complete" | "progressing" | "failed";
export const app = (name: string, pods: ReturnType<typeof pod>[], rollout: Rollout = "complete"): AppState => ({
  key: `default/${name}`,
  name,
  namespace: "default",
  service: name,
  repo: "acme/web",
  sha: "abc1234",
  workload: {
    kind: "Deployment",
    name,
    image: `nginx:${name}`,
    replicas: {
      desired: pods.length,
      updated: pods.length,
      ready: pods.filter((p) => p.status === "Running").length,
      available: 0,
    },
    rollout: { status: rollout },
  },
  pods,
  ingresses: [{ name, url: `https://${name}.example.com` }],
  events: [],
});

export const view = (apps: AppState[], o: Partial<EnvStateView> = {}): EnvStateView => ({
  env: "staging",
  agent: { connected: true, lastSeen: now },
  stale: false,
  updated: now - 30,
  state: {
    env: "staging",
    apps,
    flux: [
      {
        kind: "Kustomization",
        namespace: "flux-system",
        name: "gitops-staging",
        ready: "True",
        appliedRevision: "main@sha1:0123456789abcdef",
      },
    ],
  },
  ...o,
});
