import { describe, expect, test } from "bun:test";
import { type FluxVerdict, fluxLabelOf, fluxVerdict, replacesWord } from "./verdict.ts";

// The events kustomize-controller v1.9 sends (internal/controller/kustomization_controller.go): the
// reason is the Ready condition's reason at the time, the message as written there.
const v19: [string, string, string, FluxVerdict][] = [
  [
    "the apply's change set",
    "Progressing",
    "Deployment/default/web configured\nService/default/web unchanged",
    "applied",
  ],
  ["a first apply", "Progressing", "Namespace/team-a created\nDeployment/team-a/web created", "applied"],
  ["garbage collection", "Progressing", "ConfigMap/default/old deleted", "applied"],
  ["the health check after a failure", "Progressing", "Health check passed in 2.01s", "applied"],
  [
    "the end of a run (commit_status: update)",
    "ReconciliationSucceeded",
    "Reconciliation finished in 1.2s, next run in 1m0s",
    "applied",
  ],
  [
    "a bad manifest",
    "ReconciliationFailed",
    "Deployment/default/web dry-run failed: field not declared in schema",
    "failed",
  ],
  ["kustomize build", "BuildFailed", "kustomize build failed: accumulating resources", "failed"],
  [
    "health check",
    "HealthCheckFailed",
    "health check failed after 5m0s: timeout waiting for: [Deployment/default/web status: 'InProgress']",
    "failed",
  ],
  ["the source", "ArtifactFailed", "Source artifact not found, retrying in 30s", "failed"],
  ["the original's validation", "ValidationFailed", "invalid", "failed"],
  [
    "a partial apply (the error lists what was applied)",
    "ReconciliationFailed",
    "x is invalid\nDeployment/default/web configured",
    "failed",
  ],
  [
    "a canceled health check",
    "HealthCheckCanceled",
    "Health checks canceled due to new reconciliation triggered by GitRepository/flux-system/x",
    "other",
  ],
  ["dependencies", "DependencyNotReady", "Dependencies do not meet ready condition, retrying in 30s", "other"],
  ["in progress, nothing applied yet", "Progressing", "Reconciliation in progress", "applying"],
  [
    "running health checks",
    "Progressing",
    "Running health checks for revision main@sha1:abc with a timeout of 5m0s",
    "applying",
  ],
  ["nothing reported", "", "", ""],
];

describe("fluxVerdict on kustomize-controller v1.9's events", () => {
  for (const [name, status, desc, want] of v19)
    test(`${name}: ${status || "(none)"} → ${want || "(none)"}`, () => expect(fluxVerdict(status, desc)).toBe(want));

  test("a change-set word must start a line: a message only mentioning one is not an apply", () => {
    expect(fluxVerdict("Progressing", "waiting for Deployment/default/web configured")).toBe("applying");
  });

  test("the label is the verdict, or the raw reason for one it does not know", () => {
    expect(fluxLabelOf("Progressing", "Deployment/default/web configured")).toBe("applied");
    expect(fluxLabelOf("DependencyNotReady", "")).toBe("DependencyNotReady");
    expect(fluxLabelOf(undefined, undefined)).toBe("");
  });
});

describe("replacesWord keeps an applied commit applied", () => {
  const change = { status: "Progressing", statusDesc: "Deployment/default/web configured" };
  const done = { status: "ReconciliationSucceeded", statusDesc: "Reconciliation finished in 1s, next run in 1m0s" };
  const again = { status: "Progressing", statusDesc: "Reconciliation in progress" };
  const failed = { status: "HealthCheckFailed", statusDesc: "timeout" };

  test("the first word and any word after a non-applied one are recorded", () => {
    expect(replacesWord(undefined, again)).toBe(true);
    expect(replacesWord(again, change)).toBe(true);
    expect(replacesWord(failed, again)).toBe(true);
  });

  test("after applied: a Progressing is kept out, ReconciliationSucceeded once, a failure always", () => {
    expect(replacesWord(change, again)).toBe(false);
    expect(replacesWord(change, done)).toBe(true);
    expect(replacesWord(done, again)).toBe(false);
    expect(replacesWord(done, change)).toBe(false);
    expect(replacesWord(done, { ...done, statusDesc: "Reconciliation finished in 2s, next run in 1m0s" })).toBe(false);
    expect(replacesWord(done, failed)).toBe(true);
    expect(replacesWord(change, failed)).toBe(true);
  });
});
