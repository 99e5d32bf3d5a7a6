import { expect, test } from "bun:test";
import { applyChanges, diffState } from "./changes.ts";
import type { AppState, EnvState } from "./state.ts";

const app = (key: string, sha: string, pods: string[] = []): AppState => ({
  key,
  name: key.split("/")[1]!,
  namespace: key.split("/")[0]!,
  service: key.split("/")[1]!,
  sha,
  pods: pods.map((name) => ({ name, status: "Running", ready: "1/1", restarts: 0 })),
  ingresses: [],
  events: [],
});
const env = (apps: AppState[], flux: EnvState["flux"] = []): EnvState => ({ env: "staging", apps, flux });

const cases: {
  name: string;
  prev: EnvState;
  next: EnvState;
  want: { upserts: string[]; removed: string[]; flux: boolean };
}[] = [
  {
    name: "nothing changed: no changes",
    prev: env([app("d/a", "1")]),
    next: env([app("d/a", "1")]),
    want: { upserts: [], removed: [], flux: false },
  },
  {
    name: "a new app is an upsert",
    prev: env([]),
    next: env([app("d/a", "1")]),
    want: { upserts: ["d/a"], removed: [], flux: false },
  },
  {
    name: "a changed sha is an upsert of that app only",
    prev: env([app("d/a", "1"), app("d/b", "1")]),
    next: env([app("d/a", "2"), app("d/b", "1")]),
    want: { upserts: ["d/a"], removed: [], flux: false },
  },
  {
    name: "a pod more is an upsert",
    prev: env([app("d/a", "1", ["p1"])]),
    next: env([app("d/a", "1", ["p1", "p2"])]),
    want: { upserts: ["d/a"], removed: [], flux: false },
  },
  {
    name: "a gone app is a removal",
    prev: env([app("d/a", "1"), app("d/b", "1")]),
    next: env([app("d/b", "1")]),
    want: { upserts: [], removed: ["d/a"], flux: false },
  },
  {
    name: "a Flux change sends the whole Flux list",
    prev: env([], [{ kind: "GitRepository", namespace: "f", name: "r", ready: "Unknown" }]),
    next: env([], [{ kind: "GitRepository", namespace: "f", name: "r", ready: "True" }]),
    want: { upserts: [], removed: [], flux: true },
  },
];

for (const c of cases) {
  test(c.name, () => {
    const d = diffState(c.prev, c.next);
    expect({ upserts: d.upserts.map((a) => a.key), removed: d.removed, flux: d.flux !== undefined }).toEqual(c.want);
    // Applying the delta to the old state gives the new one: what the server relies on.
    expect(applyChanges(c.prev, d)).toEqual(c.next);
  });
}
