/** @module The citty command tree. Subcommand groups load lazily so `--help` stays fast. */
import { defineCommand } from "citty";
import { buildInfo } from "./build-info.ts";
import { runCli } from "./run-main.ts";

export const root = defineCommand({
  meta: {
    name: "gimlet",
    version: buildInfo.version,
    description: "GitOps developer platform for Kubernetes: CLI, release manager, agent and stacks in one binary",
  },
  subCommands: {
    manifest: () => import("./manifest.ts").then((m) => m.default),
    gitops: () => import("./gitops.ts").then((m) => m.default),
    serve: () => import("./serve.ts").then((m) => m.default),
    env: () => import("./env.ts").then((m) => m.default),
    user: () => import("./user.ts").then((m) => m.default),
    artifact: () => import("./artifact.ts").then((m) => m.default),
    release: () => import("./release.ts").then((m) => m.default),
    agent: () => import("./agent.ts").then((m) => m.default),
    stack: () => import("./stack.ts").then((m) => m.default),
    seal: () => import("./seal.ts").then((m) => m.default),
    stats: () => import("./stats.ts").then((m) => m.default),
    logs: () => import("./apps.ts").then((m) => m.logs),
    restart: () => import("./apps.ts").then((m) => m.restart),
  },
});

export function main(argv: string[]): Promise<never> {
  return runCli(root, argv);
}
