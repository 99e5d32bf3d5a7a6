import { expect, test } from "bun:test";
import type { RawObject } from "../kube/index.ts";
import { deriveState } from "./derive.ts";
import { deploy, objects, pod, running, svc } from "./derive.fixture.ts";

test("an app's pods, ingresses and warning events; restarts, node, age, ready counts", () => {
  const s = deriveState(
    "staging",
    objects({
      services: [
        svc("web", {
          "gimlet.io/git-repository": "acme/web",
          "gimlet.io/git-branch": "main",
          "gimlet.io/git-sha": "svcsha",
        }),
      ],
      deployments: [deploy("web", { sha: "abc123" })],
      replicasets: [
        { metadata: { name: "web-1", namespace: "default", ownerReferences: [{ kind: "Deployment", name: "web" }] } },
      ],
      pods: [
        pod("web-1-b", { app: "web", "pod-template-hash": "1" }, running),
        pod(
          "web-1-a",
          { app: "web", "pod-template-hash": "1" },
          {
            phase: "Running",
            containerStatuses: [
              { name: "main", ready: false, restartCount: 4, state: { waiting: { reason: "CrashLoopBackOff" } } },
            ],
          },
        ),
        pod("other", { app: "other" }, running),
      ],
      ingresses: [
        {
          metadata: { name: "web", namespace: "default" },
          spec: {
            tls: [{ hosts: ["web.example.com"] }],
            rules: [
              {
                host: "web.example.com",
                http: { paths: [{ path: "/", backend: { service: { name: "web", port: { number: 80 } } } }] },
              },
              { host: "plain.example.com", http: { paths: [{ path: "/api", backend: { service: { name: "web" } } }] } },
              { host: "other.example.com", http: { paths: [{ path: "/", backend: { service: { name: "other" } } }] } },
            ],
          },
        },
      ],
      events: [
        {
          metadata: { name: "e1", namespace: "default" },
          involvedObject: { kind: "Pod", name: "web-1-a" },
          type: "Warning",
          reason: "BackOff",
          message: "Back-off restarting failed container",
          count: 7,
          lastTimestamp: "2026-01-01T00:05:00Z",
        },
        {
          metadata: { name: "e2", namespace: "default" },
          involvedObject: { kind: "ReplicaSet", name: "web-1" },
          type: "Warning",
          reason: "FailedCreate",
          message: "quota",
          count: 1,
          lastTimestamp: "2026-01-01T00:06:00Z",
        },
        {
          metadata: { name: "e3", namespace: "default" },
          involvedObject: { kind: "Pod", name: "other" },
          type: "Warning",
          reason: "BackOff",
          message: "not mine",
          count: 1,
        },
      ],
    }),
  );
  expect(s).toEqual({
    env: "staging",
    flux: [],
    apps: [
      {
        key: "default/web",
        name: "web",
        namespace: "default",
        service: "web",
        repo: "acme/web",
        branch: "main",
        sha: "abc123",
        workload: {
          kind: "Deployment",
          name: "web",
          sha: "abc123",
          image: "reg/web:1",
          replicas: { desired: 2, updated: 2, ready: 2, available: 2 },
          rollout: { status: "complete" },
        },
        pods: [
          {
            name: "web-1-a",
            status: "CrashLoopBackOff",
            ready: "0/1",
            restarts: 4,
            node: "node-1",
            createdAt: "2026-01-01T00:00:00Z",
          },
          {
            name: "web-1-b",
            status: "Running",
            ready: "1/1",
            restarts: 0,
            node: "node-1",
            createdAt: "2026-01-01T00:00:00Z",
          },
        ],
        ingresses: [
          { name: "web", url: "https://web.example.com" },
          { name: "web", url: "http://plain.example.com/api" },
        ],
        events: [
          {
            object: "ReplicaSet/web-1",
            reason: "FailedCreate",
            message: "quota",
            count: 1,
            lastSeen: "2026-01-01T00:06:00Z",
          },
          {
            object: "Pod/web-1-a",
            reason: "BackOff",
            message: "Back-off restarting failed container",
            count: 7,
            lastSeen: "2026-01-01T00:05:00Z",
          },
        ],
      },
    ],
  });
});

test("a wildcard TLS host makes its subdomain https", () => {
  const ing: RawObject = {
    metadata: { name: "i", namespace: "default" },
    spec: {
      tls: [{ hosts: ["*.example.com"] }],
      rules: [{ host: "a.example.com", http: { paths: [{ backend: { service: { name: "web" } } }] } }],
    },
  };
  const s = deriveState("e", objects({ services: [svc("web", { "gimlet.io/app": "web" })], ingresses: [ing] }));
  expect(s.apps[0]!.ingresses).toEqual([{ name: "i", url: "https://a.example.com" }]);
});
