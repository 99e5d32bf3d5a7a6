/**
 * `gimlet agent`: runs the in-cluster agent; `gimlet agent manifests` prints the objects that run
 * it. One command with an optional `manifests` word rather than a citty subcommand: citty would
 * take the value of `--server URL` for a subcommand name.
 */
import { defineCommand } from "citty";
import { agentManifests } from "../core/agent/manifests.ts";
import { defaultImage } from "../core/deploy/image.ts";
import { UserError } from "../core/errors.ts";
import { parseWholeNumber } from "../core/params.ts";
import { toMultiDocYaml } from "../core/yaml.ts";
import { buildInfo } from "./build-info.ts";
import { stderr, stdout } from "./io.ts";
import { UsageError } from "./run-main.ts";

/** The first set value among flag and env vars (the original agent's HOST, AGENT_KEY, ENV last). */
function pick(flag: string | undefined, ...envs: string[]): string | undefined {
  if (flag) return flag;
  for (const e of envs) if (process.env[e]) return process.env[e];
  return undefined;
}

function need(v: string | undefined, flag: string, envs: string[]): string {
  if (!v) throw new UsageError(`${flag} is required`, { hint: `or set ${envs.join(" or ")}` });
  return v;
}

/** `NAME` or `NAME=NAMESPACE`, as the original's ENV. */
export function parseEnvSpec(spec: string): { env: string; namespace?: string } {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?:=([a-z0-9]([-a-z0-9]*[a-z0-9])?))?$/.exec(spec);
  if (!m) {
    const hint = "NAME or NAME=NAMESPACE, lowercase DNS labels";
    throw new UsageError(`invalid env ${JSON.stringify(spec)}`, { path: "--env", hint });
  }
  return m[3] ? { env: m[1]!, namespace: m[3] } : { env: m[1]! };
}

export function parseListen(value: string, flag: string): { hostname: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(value);
  if (!m || Number(m[2]) > 65535) {
    const hint = "HOST:PORT, e.g. 0.0.0.0:9091";
    throw new UserError(`invalid listen address ${JSON.stringify(value)}`, { path: flag, hint });
  }
  return { hostname: m[1] || "127.0.0.1", port: Number(m[2]) };
}

export default defineCommand({
  meta: {
    name: "agent",
    description:
      "Run the in-cluster agent that streams live app state to `gimlet serve`; " +
      "`agent manifests` prints its install YAML",
  },
  args: {
    what: {
      type: "positional",
      required: false,
      description: "`manifests`: print the objects that run the agent",
      valueHint: "manifests",
    },
    server: { type: "string", description: "URL of gimlet serve (env GIMLET_SERVER, HOST)", valueHint: "URL" },
    token: {
      type: "string",
      description: "The env's agent token (env GIMLET_AGENT_TOKEN, AGENT_KEY)",
      valueHint: "TOKEN",
    },
    env: {
      type: "string",
      description: "Env name, or NAME=NAMESPACE to watch one namespace (env GIMLET_ENV, ENV)",
      valueHint: "NAME[=NS]",
    },
    kubeconfig: {
      type: "string",
      description: "Kubeconfig file (default: KUBECONFIG, in-cluster, ~/.kube/config)",
      valueHint: "FILE",
    },
    heartbeat: {
      type: "string",
      description: "Seconds between heartbeats to the server, 1 to 300 (env GIMLET_AGENT_HEARTBEAT; default 10)",
      valueHint: "SECONDS",
    },
    "health-listen": {
      type: "string",
      description: "Serve /healthz and /readyz here (env GIMLET_HEALTH_LISTEN)",
      valueHint: "HOST:PORT",
    },
    namespace: {
      type: "string",
      description: "manifests: namespace the agent runs in (default gimlet)",
      valueHint: "NS",
    },
    image: { type: "string", description: "manifests: the gimlet image", valueHint: "IMAGE" },
    "watch-namespace": {
      type: "string",
      description: "manifests: watch only this namespace (a Role instead of a ClusterRole)",
      valueHint: "NS",
    },
  },
  async run({ args }) {
    if (args.what !== undefined && args.what !== "manifests") {
      throw new UsageError(`unknown command ${JSON.stringify(args.what)}`, { hint: "available: manifests" });
    }
    const server = need(pick(args.server, "GIMLET_SERVER", "HOST"), "--server", ["GIMLET_SERVER", "HOST"]);
    const envSpec = parseEnvSpec(need(pick(args.env, "GIMLET_ENV", "ENV"), "--env", ["GIMLET_ENV", "ENV"]));
    if (args.what === "manifests") {
      if (envSpec.namespace && args["watch-namespace"]) {
        throw new UsageError("--env NAME=NAMESPACE and --watch-namespace both name a namespace", { hint: "give one" });
      }
      const objects = agentManifests({
        env: envSpec.env,
        server,
        namespace: args.namespace,
        image: args.image ?? defaultImage(buildInfo.version),
        watchNamespace: args["watch-namespace"] ?? envSpec.namespace,
        token: pick(args.token, "GIMLET_AGENT_TOKEN"),
      });
      await stdout(toMultiDocYaml(objects));
      if (!pick(args.token, "GIMLET_AGENT_TOKEN")) {
        await stderr("note: the Secret's GIMLET_AGENT_TOKEN is empty; pass --token or fill it in before applying\n");
      }
      return;
    }
    for (const f of ["namespace", "image", "watch-namespace"] as const) {
      if (args[f] !== undefined) throw new UsageError(`--${f} is for \`gimlet agent manifests\``);
    }
    const tokenEnvs = ["GIMLET_AGENT_TOKEN", "AGENT_KEY"];
    const token = need(pick(args.token, ...tokenEnvs), "--token", tokenEnvs);
    if (!/^https?:\/\//.test(server)) throw new UsageError(`--server ${JSON.stringify(server)} is not an http(s) URL`);
    const healthSpec = pick(args["health-listen"], "GIMLET_HEALTH_LISTEN");
    const healthListen = healthSpec ? parseListen(healthSpec, "--health-listen") : undefined;
    const beat = pick(args.heartbeat, "GIMLET_AGENT_HEARTBEAT");
    const heartbeatSeconds = beat === undefined ? undefined : parseWholeNumber(beat, "--heartbeat", 300);
    if (heartbeatSeconds === 0) throw new UsageError("--heartbeat must be 1 to 300 seconds, got 0");
    const signalled = new Promise<void>((resolve) => {
      process.once("SIGTERM", () => resolve());
      process.once("SIGINT", () => resolve());
    });
    const { loadKube } = await import("../kube/index.ts");
    const { startAgent } = await import("../agent/index.ts");
    const log = (line: string) => void stderr(`${new Date().toISOString()} ${line}\n`);
    const kube = await loadKube({ kubeconfig: args.kubeconfig });
    const agent = await startAgent({ server, token, ...envSpec, kube, healthListen, heartbeatSeconds, log });
    await signalled;
    log("shutting down");
    await agent.stop();
  },
});
