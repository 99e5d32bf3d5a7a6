import { expect, test } from "bun:test";
import type { UserError } from "../errors.ts";
import { decodeSnapshot } from "./decode.ts";

const snapshot = (pod: Record<string, unknown>) => ({
  v: 1,
  env: "staging",
  epoch: "e1",
  seq: 0,
  state: {
    env: "staging",
    apps: [
      { key: "default/web", name: "web", namespace: "default", service: "web", pods: [pod], ingresses: [], events: [] },
    ],
    flux: [],
  },
});
const pod = { name: "web-1", status: "Running", ready: "2/2", restarts: 0 };

test("a pod's container names pass when they are names; anything else is refused naming the field", () => {
  const ok = decodeSnapshot(snapshot({ ...pod, containers: ["app", "proxy"] }), "staging");
  expect(ok.state.apps[0]!.pods[0]!.containers).toEqual(["app", "proxy"]);
  expect(decodeSnapshot(snapshot(pod), "staging").state.apps[0]!.pods[0]!.containers).toBeUndefined();
  for (const [containers, path] of [
    ["app", "body.state.apps[0].pods[0].containers"],
    [["app", 7], "body.state.apps[0].pods[0].containers[1]"],
    [[""], "body.state.apps[0].pods[0].containers[0]"],
  ] as const) {
    let err: unknown;
    try {
      decodeSnapshot(snapshot({ ...pod, containers }), "staging");
    } catch (e) {
      err = e;
    }
    expect((err as UserError).options.path).toBe(path);
  }
});
