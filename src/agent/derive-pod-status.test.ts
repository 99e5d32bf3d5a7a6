import { describe, expect, test } from "bun:test";
import { podState, podStatus } from "./derive.ts";
import { pod, running } from "./derive.fixture.ts";
import { projectPod } from "./objects.ts";

describe("pod status", () => {
  const c = (state: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
    name: "main",
    ready: false,
    restartCount: 3,
    state,
    ...more,
  });
  const cases: { name: string; status: Record<string, unknown>; deleting?: boolean; want: string; desc?: string }[] = [
    { name: "Running", status: running, want: "Running" },
    {
      name: "deletionTimestamp: Terminating, whatever the phase",
      status: running,
      deleting: true,
      want: "Terminating",
    },
    {
      name: "CrashLoopBackOff with the last exit",
      status: {
        phase: "Running",
        containerStatuses: [
          c(
            { waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s" } },
            { lastState: { terminated: { reason: "Error", exitCode: 1 } } },
          ),
        ],
      },
      want: "CrashLoopBackOff",
      desc: "back-off 5m0s; last exit: Error (code 1)",
    },
    {
      name: "ImagePullBackOff while Pending",
      status: {
        phase: "Pending",
        containerStatuses: [c({ waiting: { reason: "ImagePullBackOff", message: "pull failed" } })],
      },
      want: "ImagePullBackOff",
      desc: "pull failed",
    },
    {
      name: "CreateContainerConfigError",
      status: {
        phase: "Pending",
        containerStatuses: [c({ waiting: { reason: "CreateContainerConfigError", message: 'secret "x" not found' } })],
      },
      want: "CreateContainerConfigError",
      desc: 'secret "x" not found',
    },
    {
      name: "init container waiting: Init:reason",
      status: { phase: "Pending", initContainerStatuses: [c({ waiting: { reason: "CrashLoopBackOff" } })] },
      want: "Init:CrashLoopBackOff",
    },
    {
      name: "OOMKilled from the last termination of a not-ready container",
      status: {
        phase: "Running",
        containerStatuses: [c({ running: {} }, { lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } } })],
      },
      want: "OOMKilled",
    },
    {
      name: "a ready container that once OOMed is Running again",
      status: {
        phase: "Running",
        containerStatuses: [c({ running: {} }, { ready: true, lastState: { terminated: { reason: "OOMKilled" } } })],
      },
      want: "Running",
    },
    {
      name: "Pending with the scheduler's reason",
      status: {
        phase: "Pending",
        conditions: [
          {
            type: "PodScheduled",
            status: "False",
            reason: "Unschedulable",
            message: "0/2 nodes are available: 2 Insufficient cpu.",
          },
        ],
      },
      want: "Pending",
      desc: "Unschedulable: 0/2 nodes are available: 2 Insufficient cpu.",
    },
    {
      name: "Succeeded: the phase",
      status: { phase: "Succeeded", containerStatuses: [c({ terminated: { reason: "Completed", exitCode: 0 } })] },
      want: "Succeeded",
    },
  ];
  for (const t of cases) {
    test(t.name, () => {
      const p = projectPod(pod("p", {}, t.status, t.deleting ? { deletionTimestamp: "2026-01-01T00:01:00Z" } : {}));
      const s = podStatus(p);
      expect(s.status).toBe(t.want);
      expect(s.description).toBe(t.desc);
    });
  }
});

test("container names are kept for a pod with several (the logs panel's picker), left out for one", () => {
  const one = projectPod(pod("web-1", { app: "web" }, running));
  expect(podState(one).containers).toBeUndefined();
  const raw = pod("web-2", { app: "web" }, running);
  raw.spec = { containers: [{ name: "app" }, { name: "proxy" }, { image: "no-name" }] };
  expect(podState(projectPod(raw)).containers).toEqual(["app", "proxy"]);
});
