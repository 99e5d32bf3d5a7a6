import { expect, test } from "bun:test";
import { deriveState } from "./derive.ts";
import { deploy, objects, pod, running, svc } from "./derive.fixture.ts";
import { projectDeployment, projectPod, projectService } from "./objects.ts";

test("Flux objects: Ready condition, applied and fetched revisions, suspension; sorted by kind", () => {
  const cond = (status: string, reason: string, message: string) => ({
    conditions: [
      { type: "Ready", status, reason, message },
      { type: "Reconciling", status: "True" },
    ],
  });
  const s = deriveState(
    "e",
    objects({
      flux: [
        [
          "Kustomization",
          {
            metadata: { name: "apps", namespace: "flux-system" },
            spec: { suspend: true },
            status: {
              ...cond("False", "BuildFailed", "kustomize build failed"),
              lastAppliedRevision: "main@sha1:a",
              lastAttemptedRevision: "main@sha1:b",
            },
          },
        ],
        [
          "GitRepository",
          {
            metadata: { name: "apps", namespace: "flux-system" },
            status: { ...cond("True", "Succeeded", "stored artifact"), artifact: { revision: "main@sha1:b" } },
          },
        ],
        [
          "HelmRelease",
          {
            metadata: { name: "redis", namespace: "default" },
            status: {
              ...cond("True", "InstallSucceeded", "ok"),
              history: [{ chartVersion: "18.1.0" }],
              lastAttemptedRevision: "18.1.0",
            },
          },
        ],
        ["GitRepository", { metadata: { name: "new", namespace: "flux-system" } }],
      ],
    }),
  );
  expect(s.flux).toEqual([
    {
      kind: "GitRepository",
      namespace: "flux-system",
      name: "apps",
      ready: "True",
      reason: "Succeeded",
      message: "stored artifact",
      fetchedRevision: "main@sha1:b",
    },
    { kind: "GitRepository", namespace: "flux-system", name: "new", ready: "Unknown" },
    {
      kind: "Kustomization",
      namespace: "flux-system",
      name: "apps",
      ready: "False",
      reason: "BuildFailed",
      message: "kustomize build failed",
      appliedRevision: "main@sha1:a",
      fetchedRevision: "main@sha1:b",
      suspended: true,
    },
    {
      kind: "HelmRelease",
      namespace: "default",
      name: "redis",
      ready: "True",
      reason: "InstallSucceeded",
      message: "ok",
      appliedRevision: "18.1.0",
      fetchedRevision: "18.1.0",
    },
  ]);
});

test("projections drop managedFields, pod specs and unrelated annotations", () => {
  const p = projectPod(pod("p", { app: "web" }, running));
  expect(JSON.stringify(p)).not.toContain("env");
  const d = projectDeployment(deploy("web"));
  expect(JSON.stringify(d)).not.toContain("managedFields");
  const s = projectService(svc("web", { "gimlet.io/app": "w" }));
  expect(s.annotations).toEqual({ "gimlet.io/app": "w" });
});
