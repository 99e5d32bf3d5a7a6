/**
 * The dashboard's view models: what a page shows, computed from the release status (git), the
 * agent's live state and the store's records. Pure functions, so the pages' logic (health, search,
 * filters, paging) is tested without a server.
 */
import type { AppState, FluxObjectState, PodState } from "../../core/agent/state.ts";
import type { EnvStateView } from "../../core/agent/view.ts";
import { fluxLabelOf } from "../../core/flux/verdict.ts";
import type { Release } from "../../core/gitops/release.ts";

export type Health = "healthy" | "progressing" | "failing" | "unknown";

/** Pod statuses that need a person: the original's alert thresholds and their relatives. */
const badPod = /BackOff|ErrImage|OOMKilled|Error|Failed|CreateContainerConfigError|InvalidImageName|Evicted/;

export function podHealth(p: PodState): Health {
  if (badPod.test(p.status)) return "failing";
  if (p.status === "Running") {
    const [ready, all] = p.ready.split("/").map(Number);
    return ready === all ? "healthy" : "progressing";
  }
  if (p.status === "Succeeded" || p.status === "Completed") return "healthy";
  return "progressing";
}

export function appHealth(a: AppState | undefined): Health {
  if (!a) return "unknown";
  const pods = a.pods.map(podHealth);
  if (a.workload?.rollout.status === "failed" || pods.includes("failing")) return "failing";
  if (a.workload?.rollout.status === "progressing" || pods.includes("progressing")) return "progressing";
  if (a.workload && a.workload.replicas.desired > 0 && a.workload.replicas.ready < a.workload.replicas.desired) {
    return "progressing";
  }
  return "healthy";
}

export interface HealthCounts {
  healthy: number;
  progressing: number;
  failing: number;
}

export function healthCounts(apps: AppState[]): HealthCounts {
  const c: HealthCounts = { healthy: 0, progressing: 0, failing: 0 };
  for (const a of apps) {
    const h = appHealth(a);
    if (h !== "unknown") c[h]++;
  }
  return c;
}

/** Pods ready over pods, counting ready containers as `kubectl get pods` does per pod. */
export function podsReady(a: AppState | undefined): { ready: number; total: number } | undefined {
  if (!a) return undefined;
  if (a.workload) return { ready: a.workload.replicas.ready, total: a.workload.replicas.desired };
  return { ready: a.pods.filter((p) => podHealth(p) === "healthy").length, total: a.pods.length };
}

/** The Kustomization that applies the env's apps: the first one, or the one named after the env. */
export function envKustomization(flux: FluxObjectState[], env: string): FluxObjectState | undefined {
  const ks = flux.filter((f) => f.kind === "Kustomization");
  return ks.find((k) => k.name.includes(env)) ?? ks[0];
}

/** The commit sha in a Flux revision (`main@sha1:abc…`, `main/abc…`, or a bare sha). */
export function revisionSha(rev: string | undefined): string | undefined {
  const m = rev ? /([0-9a-f]{7,64})$/.exec(rev) : null;
  return m?.[1];
}

/** One row of the env page's apps table. */
export interface AppRow {
  name: string;
  /** Source repository `owner/name`. */
  repo?: string;
  release?: Release;
  live?: AppState;
  health: Health;
  /** Flux's word on the release's gitops commit: "applied", "failed: …", "pending", or "" unknown. */
  flux: string;
}

/** Joins the release status and the live state by app name; apps only one of them knows are kept. */
export function appRows(status: Record<string, Release | null>, live: EnvStateView | undefined): AppRow[] {
  const byName = new Map<string, AppState>();
  for (const a of live?.state.apps ?? []) if (!byName.has(a.name)) byName.set(a.name, a);
  const names = new Set<string>([...Object.keys(status), ...byName.keys()]);
  const rows: AppRow[] = [];
  for (const name of names) {
    const release = status[name] ?? undefined;
    const a = byName.get(name);
    rows.push({
      name,
      repo: release?.version?.repositoryName || a?.repo,
      ...(release ? { release } : {}),
      ...(a ? { live: a } : {}),
      health: appHealth(a),
      flux: "",
    });
  }
  return rows.sort((x, y) => x.name.localeCompare(y.name));
}

export interface AppQuery {
  /** Matched against app name, repo, sha and commit message. */
  q?: string;
  failing?: boolean;
  repo?: string;
  page: number;
  size: number;
}

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pages: number;
}

export function filterApps(rows: AppRow[], f: AppQuery): Paged<AppRow> {
  const q = f.q?.trim().toLowerCase();
  const hits = rows.filter((r) => {
    if (f.failing && r.health !== "failing") return false;
    if (f.repo && r.repo !== f.repo) return false;
    if (!q) return true;
    const v = r.release?.version;
    return [r.name, r.repo, v?.sha, v?.message].some((s) => s?.toLowerCase().includes(q));
  });
  return paged(hits, f.page, f.size);
}

export function paged<T>(all: T[], page: number, size: number): Paged<T> {
  const pages = Math.max(1, Math.ceil(all.length / size));
  const p = Math.min(Math.max(1, page), pages);
  return { items: all.slice((p - 1) * size, p * size), total: all.length, page: p, pages };
}

/** Flux's word on a gitops commit (its last event's reason and message), as a short label (core/flux/verdict). */
export function fluxLabel(status: string | undefined, desc: string | undefined): string {
  return fluxLabelOf(status, desc);
}

/** "3 min ago" for unix seconds, against `now` (unix seconds). */
export function ago(t: number, now: number): string {
  const s = Math.max(0, now - t);
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(s / 3600);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

export const iso = (t: number): string => new Date(t * 1000).toISOString().replace(".000Z", "Z");

/** Unix seconds of an RFC 3339 time, or undefined. */
export function seconds(rfc3339: string | undefined): number | undefined {
  const ms = rfc3339 ? Date.parse(rfc3339) : NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}
