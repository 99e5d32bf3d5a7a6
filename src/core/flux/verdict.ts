/**
 * Flux's word on a gitops commit, decided once for every reader (dashboard, deploy page, timeline,
 * `release track`, DORA stats, notifications). The status is the event's reason, the description
 * its message, as kustomize-controller v1.x sends them:
 *
 * - the apply: reason `Progressing` (the Ready condition's reason while reconciling), the message the
 *   change set, one `Kind/namespace/name created|configured|deleted` line per changed object;
 * - the health check: `Progressing`, "Health check passed in 1.2s" (the original's "applied" signal);
 * - the end of a successful run: `ReconciliationSucceeded`, "Reconciliation finished in …", sent with
 *   metadata `commit_status: update` and the last *applied* revision;
 * - failures: `ReconciliationFailed`, `BuildFailed`, `HealthCheckFailed`, `ArtifactFailed`, and the
 *   original's `ValidationFailed`.
 */

/** "" when Flux said nothing yet; "other" for a reason that is none of these (e.g. DependencyNotReady). */
export type FluxVerdict = "applied" | "applying" | "failed" | "other" | "";

/** A change-set line or a passed health check: the objects of the revision are on the cluster. */
const appliedWords = /(^|\n)\S+\/\S+ (created|configured|unchanged|deleted)\b|Health check passed/;

export function fluxVerdict(status: string | undefined, desc: string | undefined): FluxVerdict {
  if (!status) return "";
  if (status === "ReconciliationSucceeded") return "applied";
  if (/Failed/.test(status)) return "failed";
  if (status === "Progressing") return appliedWords.test(desc ?? "") ? "applied" : "applying";
  return "other";
}

/** The verdict as a short label: the raw reason when it is none of the known ones. */
export function fluxLabelOf(status: string | undefined, desc: string | undefined): string {
  const v = fluxVerdict(status, desc);
  return v === "other" ? status! : v;
}

export interface FluxWord {
  status: string;
  statusDesc: string;
}

/**
 * Whether a new event replaces the recorded word on the same commit. The verdict is monotonic: once
 * applied, only a failure (or Flux's definitive ReconciliationSucceeded) replaces it, so a later
 * Progressing of a re-run (drift repair, a re-check) never shows an applied commit as applying again.
 * The ReconciliationSucceeded of every later interval says nothing new: it is not recorded again.
 */
export function replacesWord(prev: FluxWord | undefined, next: FluxWord): boolean {
  if (!prev || fluxVerdict(prev.status, prev.statusDesc) !== "applied") return true;
  if (next.status === "ReconciliationSucceeded") return prev.status !== "ReconciliationSucceeded";
  return fluxVerdict(next.status, next.statusDesc) === "failed";
}
