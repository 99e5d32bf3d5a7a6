import { describe, expect, test } from "bun:test";
import { rollout } from "./derive.ts";
import { deploy } from "./derive.fixture.ts";
import { projectDeployment } from "./objects.ts";

describe("rollout", () => {
  const cases: { name: string; status: Record<string, unknown>; generation?: number; want: string; reason?: string }[] =
    [
      {
        name: "all updated and available: complete",
        status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2 },
        want: "complete",
      },
      {
        name: "not yet observed: progressing",
        generation: 2,
        status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
        want: "progressing",
      },
      {
        name: "fewer updated than desired: progressing",
        status: { observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 2 },
        want: "progressing",
      },
      {
        name: "old replicas still terminating: progressing",
        status: { observedGeneration: 1, replicas: 3, updatedReplicas: 2, availableReplicas: 2 },
        want: "progressing",
      },
      {
        name: "updated but not available: progressing",
        status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1 },
        want: "progressing",
      },
      {
        name: "ProgressDeadlineExceeded: failed, with the condition's reason",
        status: {
          observedGeneration: 1,
          replicas: 2,
          updatedReplicas: 1,
          availableReplicas: 1,
          conditions: [
            {
              type: "Progressing",
              status: "False",
              reason: "ProgressDeadlineExceeded",
              message: 'ReplicaSet "web-1" has timed out progressing.',
            },
          ],
        },
        want: "failed",
        reason: "ProgressDeadlineExceeded",
      },
      {
        name: "ReplicaFailure (quota): failed",
        status: {
          observedGeneration: 1,
          replicas: 0,
          conditions: [{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: "exceeded quota" }],
        },
        want: "failed",
        reason: "FailedCreate",
      },
    ];
  for (const c of cases) {
    test(c.name, () => {
      const r = rollout(projectDeployment(deploy("web", { status: c.status, generation: c.generation })));
      expect(r.status).toBe(c.want as "complete");
      expect(r.reason).toBe(c.reason);
    });
  }
});
