/**
 * The action pieces as pure functions: the agent's describe output parsed defensively and rendered,
 * the Flux card with and without reconcile, the deletion confirmations and the notification
 * settings (snapshots of the key states, plus the rules they must keep).
 */
import { expect, test } from "bun:test";
import {
  DetailsResult,
  EnvDeleteConfirm,
  FluxCard,
  fragment,
  page,
  parseDetails,
  ReconcileResult,
  SettingsPage,
  UserDeleteConfirm,
  type Viewer,
} from "./index.ts";

const viewer: Viewer = { login: "ann", role: "admin", csrf: "CSRF123" };
const now = 1_700_000_000;

const pod = {
  kind: "Pod",
  namespace: "default",
  name: "web-1",
  createdAt: "2023-11-14T22:00:00Z",
  labels: { app: "web" },
  annotations: { note: "x" },
  conditions: [{ type: "Ready", status: "False", reason: "ContainersNotReady", message: "not ready" }],
  containers: [
    {
      name: "web",
      image: "nginx:1",
      ports: ["80/TCP"],
      resources: { requests: { cpu: "100m" } },
      ready: false,
      restarts: 3,
      state: { terminated: { reason: "Error", exitCode: 1 } },
    },
  ],
  events: [{ type: "Warning", reason: "BackOff", message: "restarting", count: 3, lastSeen: "2023-11-14T22:10:00Z" }],
  phase: "Running",
  node: "n1",
  podIP: "10.0.0.7",
};

test("details: a pod with its facts, conditions, container state, events and labels", () => {
  const d = parseDetails(pod);
  expect(d.facts).toEqual([
    ["Phase", "Running"],
    ["Node", "n1"],
    ["Pod IP", "10.0.0.7"],
  ]);
  expect(d.containers[0]).toMatchObject({ state: "terminated: Error, exit 1", resources: "requests cpu=100m" });
  expect(fragment(DetailsResult({ what: "pod web-1", now, details: d }))).toMatchSnapshot();
});

test("details: a workload's replicas and selector; garbage from an agent is dropped, never rendered", () => {
  const w = parseDetails({
    kind: "Deployment",
    namespace: "default",
    name: "web",
    replicas: { desired: 2, current: 2, updated: 1, ready: 1, available: 1 },
    strategy: "RollingUpdate",
    selector: { matchLabels: { app: "web" } },
    conditions: "not a list",
    containers: [null, 7, { name: { nested: true }, image: "nginx", ports: [{}, "80/TCP"] }],
    events: [{ type: ["Warning"], reason: "X", count: "many" }],
  });
  expect(w.facts).toContainEqual(["Replicas", "2 desired, 2 current, 1 updated, 1 ready, 1 available"]);
  expect(w.facts).toContainEqual(["Selector", "app=web"]);
  expect(w.conditions).toEqual([]);
  expect(w.containers).toEqual([
    { name: "", image: "nginx", ports: ["80/TCP"], state: "", lastState: "", resources: "" },
  ]);
  expect(w.events).toEqual([{ type: "", reason: "X", message: "", count: 1 }]);
  expect(parseDetails("nonsense")).toMatchObject({ kind: "Object", name: "", facts: [], containers: [] });
});

test("details and reconcile errors say what was asked and why, with the status's heading", () => {
  const e = fragment(
    DetailsResult({ what: "pod web-1", now, error: { message: "no agent of env staging is connected", status: 409 } }),
  );
  expect(e).toContain("Details of pod web-1");
  expect(e).toContain("That did not work");
  const t = fragment(ReconcileResult({ now, error: { message: "did not answer", status: 504 } }));
  expect(t).toContain("Something went wrong");
  expect(t).toContain('role="alert"');
});

test("Flux card: objects with their state; reconcile only for those allowed while the agent is online", () => {
  const flux = [
    {
      kind: "GitRepository" as const,
      namespace: "flux-system",
      name: "gimlet",
      ready: "True",
      fetchedRevision: "main@sha1:0123456789abcdef",
    },
    { kind: "Kustomization" as const, namespace: "flux-system", name: "apps", ready: "False", message: "apply failed" },
    { kind: "HelmRelease" as const, namespace: "default", name: "redis", ready: "True" },
  ];
  const html = fragment(FluxCard({ env: "staging", flux, viewer, canReconcile: true, connected: true }));
  expect(html).toMatchSnapshot();
  expect(html).not.toContain("redis");
  expect(fragment(FluxCard({ env: "staging", flux, viewer, canReconcile: false, connected: true }))).not.toContain(
    "Reconcile now",
  );
  expect(fragment(FluxCard({ env: "staging", flux, viewer, canReconcile: true, connected: false }))).not.toContain(
    "Reconcile now",
  );
  expect(fragment(FluxCard({ env: "staging", flux: [], viewer, canReconcile: true, connected: true }))).toContain(
    "reports no Flux GitRepository or Kustomization",
  );
});

test("env deletion confirmation: hosted repos, releases, bound users; a remote env's repo is left alone", () => {
  const hosted = page(
    EnvDeleteConfirm({
      viewer,
      plan: {
        env: "staging",
        builtin: true,
        repoUrl: "",
        hostedRepos: ["/data/repos/staging-apps.git", "/data/repos/staging-infra.git"],
        releases: 12,
        users: ["agent-staging", "flux-staging"],
      },
    }),
  );
  expect(hosted).toMatchSnapshot();
  const remote = page(
    EnvDeleteConfirm({
      viewer,
      plan: {
        env: "prod",
        builtin: false,
        repoUrl: "https://git.example/g.git",
        hostedRepos: [],
        releases: 1,
        users: [],
      },
      error: "Type prod exactly to confirm; nothing was deleted.",
    }),
  );
  expect(remote).toContain("leaves its remote repo <code>https://git.example/g.git</code> as it is");
  expect(remote).toContain("deletes the 1 stored release of");
  expect(remote).not.toContain('name="keepRepo"');
  expect(remote).toContain("nothing was deleted");
  const user = page(UserDeleteConfirm({ viewer, user: { login: "ci", role: "user", env: "", tokens: 2 } }));
  expect(user).toContain("its 2 tokens");
  expect(user).toContain('action="/settings/users/ci/delete"');
  expect(user).toContain('name="_csrf" value="CSRF123"');
});

test("settings: delete links except for yourself and the last admin; notifications shown as given", () => {
  const u = (login: string, role: string) => ({ login, role, env: "", created: now, tokens: [] });
  const html = page(
    SettingsPage({
      viewer,
      now,
      serverUrl: "https://g",
      isAdmin: true,
      envs: [{ name: "staging", builtin: true, repoUrl: "" }],
      users: [u("ann", "admin"), u("bob", "user")],
      notifications: {
        provider: "discord",
        target: "",
        tokenSet: false,
        defaultChannel: "123",
        channels: [{ env: "staging", channel: "456" }],
      },
    }),
  );
  expect(html).toContain("(you: not deletable here)");
  expect(html).toContain('href="/settings/users/bob/delete"');
  expect(html).toContain('href="/settings/envs/staging/delete"');
  const notifications = html.slice(html.indexOf('id="notifications"'));
  expect(notifications).toMatchSnapshot();

  const other: Viewer = { ...viewer, login: "cy" };
  const lone = page(
    SettingsPage({ viewer: other, now, serverUrl: "https://g", isAdmin: true, envs: [], users: [u("ann", "admin")] }),
  );
  expect(lone).toContain("(last admin: not deletable here)");
  expect(lone).toContain("No notifications are configured.");
  const reader = page(
    SettingsPage({
      viewer: { ...viewer, role: "user" },
      now,
      serverUrl: "https://g",
      isAdmin: false,
      envs: [],
      users: [],
    }),
  );
  expect(reader).not.toContain("/delete");
});
