import { expect, test } from "bun:test";
import { resolve } from "node:path";
import { parseEnvSpec } from "./agent.ts";

test("--env is NAME or NAME=NAMESPACE", () => {
  expect(parseEnvSpec("staging")).toEqual({ env: "staging" });
  expect(parseEnvSpec("staging=apps")).toEqual({ env: "staging", namespace: "apps" });
  for (const bad of ["Staging", "staging=", "=apps", "a=b=c", "staging apps"])
    expect(() => parseEnvSpec(bad)).toThrow(/invalid env/);
});

const run = (args: string[], env: Record<string, string> = {}) => {
  const p = Bun.spawnSync([process.execPath, resolve("src/main.ts"), "agent", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", ...env },
    stderr: "pipe",
    stdout: "pipe",
  });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
};

test("missing settings name the flag and the env vars that can give them; exit 1", () => {
  expect(run([])).toMatchObject({ code: 1, err: "error: --server is required (or set GIMLET_SERVER or HOST)\n" });
  expect(run(["--server", "http://s"])).toMatchObject({
    code: 1,
    err: "error: --env is required (or set GIMLET_ENV or ENV)\n",
  });
  expect(run(["--server", "http://s", "--env", "e"])).toMatchObject({
    code: 1,
    err: "error: --token is required (or set GIMLET_AGENT_TOKEN or AGENT_KEY)\n",
  });
});

test("the original agent's HOST, AGENT_KEY and ENV work; without a cluster configuration the error says how to give one", () => {
  const r = run([], { HOST: "http://127.0.0.1:1", AGENT_KEY: "k", ENV: "staging" });
  expect(r.code).toBe(1);
  expect(r.err).toBe(
    "error: no Kubernetes configuration found (pass --kubeconfig FILE, set KUBECONFIG, or run in a pod with a service account)\n",
  );
});

test("manifests-only flags are refused when running the agent", () => {
  expect(run(["--server", "http://s", "--env", "e", "--token", "t", "--image", "x"]).err).toBe(
    "error: --image is for `gimlet agent manifests`\n",
  );
});

test("agent manifests prints YAML on stdout and the empty-token note on stderr", () => {
  const r = run(["manifests", "--env", "staging", "--server", "https://g.example.com"]);
  expect(r.code).toBe(0);
  expect(r.out).toContain("kind: ClusterRoleBinding");
  expect(r.err).toContain("GIMLET_AGENT_TOKEN is empty");
});
