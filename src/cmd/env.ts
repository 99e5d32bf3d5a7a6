/**
 * `gimlet env create | list | delete | bootstrap`: environments of the release manager, through a running
 * server (`--server`/GIMLET_SERVER and an admin token) or directly in its data dir (`--data-dir`).
 */
import { defineCommand } from "citty";
import { fluxVersion } from "../core/gitops/index.ts";
import {
  bootstrapEnv,
  createEnv,
  deleteEnv,
  listEnvs,
  planEnvDeletion,
  type DeleteEnvResult,
  type EnvDeletionPlan,
  type EnvFieldNames,
  type EnvView,
} from "../ops/index.ts";
import { client, serverFlags } from "./client.ts";
import { stderr, stdout } from "./io.ts";
import { dataDirFlag, localTarget, target, withLocalOps } from "./local.ts";
import { noFlag, outputFlag, printResult } from "./output.ts";
import { UsageError } from "./run-main.ts";

const flagNames: EnvFieldNames = {
  builtin: "--builtin",
  repoUrl: "--gitops-repo",
  repoToken: "--gitops-token",
  branch: "--branch",
};
const dataDirHelp = {
  ...dataDirFlag,
  "data-dir": {
    ...dataDirFlag["data-dir"],
    description: "Data directory (env GIMLET_DATA_DIR, default ./gimlet-data)",
  },
};

const create = defineCommand({
  meta: { name: "create", description: "Create an environment with a built-in or a remote gitops repo" },
  args: {
    name: { type: "positional", required: true, description: "Environment name" },
    "gitops-repo": { type: "string", description: "https URL of a remote gitops repo", valueHint: "URL" },
    "gitops-token": { type: "string", description: "Token with write access to it", valueHint: "TOKEN" },
    builtin: { type: "boolean", default: false, description: "Host the gitops repo in the data dir" },
    "repo-per-env": { type: "boolean", default: false, description: "Apps at the repo root" },
    branch: { type: "string", default: "main", description: "Branch" },
    ...dataDirHelp,
    ...serverFlags,
    ...outputFlag,
  },
  async run({ args }) {
    const input = {
      name: args.name,
      builtin: !!args.builtin,
      repoUrl: args["gitops-repo"],
      repoToken: args["gitops-token"],
      repoPerEnv: !!args["repo-per-env"],
      branch: args.branch,
    };
    const where = target(args);
    const env =
      "dataDir" in where
        ? await withLocalOps(where, (d) => createEnv(d, input, flagNames), { key: true, creates: true })
        : await client(args).call<EnvView>("POST", "/api/envs", {
            name: input.name,
            builtin: input.builtin,
            gitopsRepo: input.repoUrl,
            gitopsToken: input.repoToken,
            repoPerEnv: input.repoPerEnv,
            branch: input.branch,
          });
    await stderr(`environment ${env.name} created${env.builtin && env.repoPath ? ` (repo ${env.repoPath})` : ""}\n`);
    if ((args.output ?? "text") !== "text") await printResult(env, args.output, () => "");
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List environments" },
  args: { ...dataDirHelp, ...serverFlags, ...outputFlag },
  async run({ args }) {
    const where = target(args);
    const envs =
      "dataDir" in where
        ? await withLocalOps(where, listEnvs, { key: true })
        : await client(args).call<EnvView[]>("GET", "/api/envs");
    await printResult(envs, args.output, (es) =>
      es.length
        ? es
            .map((e) => `${e.name}\t${e.builtin ? "builtin" : e.repoUrl}${e.repoPerEnv ? "\trepo-per-env" : ""}\n`)
            .join("")
        : "no environments\n",
    );
  },
});

/** What deletion takes with it, in words: printed before (without --yes) and after. */
function deletionWords(p: EnvDeletionPlan, keepRepo: boolean): string[] {
  const repos = p.builtin
    ? p.hostedRepos.length
      ? `its hosted repos (${p.hostedRepos.join(", ")}) ${keepRepo ? "are moved under deleted/ in the data dir" : "are deleted with their history"}`
      : "it has no hosted repos on disk"
    : `its remote repo ${p.repoUrl} is left as it is; the local clone is removed`;
  return [
    repos,
    `${p.releases} release${p.releases === 1 ? "" : "s"} of its history mirror are deleted`,
    p.users.length
      ? `users bound to it are deleted with their tokens: ${p.users.join(", ")}`
      : "no user is bound to it",
  ];
}

const del = defineCommand({
  meta: {
    name: "delete",
    description:
      "Delete an environment: its hosted repos (unless --keep-repo), release mirror and the users bound to it",
  },
  args: {
    name: { type: "positional", required: true, description: "Environment name" },
    "keep-repo": {
      type: "boolean",
      default: false,
      description: "Keep the hosted repos: moved to <data-dir>/deleted/<env>-apps-<time>.git, no longer served",
    },
    yes: { type: "boolean", default: false, description: "Delete without asking: required, nothing is undone" },
    ...dataDirHelp,
    ...serverFlags,
    ...outputFlag,
  },
  async run({ args }) {
    const keepRepo = !!args["keep-repo"];
    const where = target(args);
    const local = "dataDir" in where ? where : undefined;
    if (!args.yes) {
      const plan = local ? await withLocalOps(local, (d) => planEnvDeletion(d, args.name), { key: true }) : undefined;
      const what = plan ? `: ${deletionWords(plan, keepRepo).join("; ")}` : "";
      throw new UsageError(`deleting environment ${args.name} cannot be undone${what}`, {
        hint: `run again with --yes${keepRepo ? "" : " (add --keep-repo to keep the hosted repos)"}`,
      });
    }
    const r = local
      ? await withLocalOps(local, (d) => deleteEnv(d, { name: args.name, keepRepo }), { key: true })
      : await client(args).call<DeleteEnvResult>(
          "DELETE",
          `/api/envs/${encodeURIComponent(args.name)}${keepRepo ? "?keepRepo=true" : ""}`,
        );
    const kept = r.keptRepos.length ? `; kept: ${r.keptRepos.join(", ")}` : "";
    await stderr(`environment ${r.env} deleted: ${deletionWords(r, keepRepo).join("; ")}${kept}\n`);
    if ((args.output ?? "text") !== "text") await printResult(r, args.output, () => "");
  },
});

const bootstrap = defineCommand({
  meta: {
    name: "bootstrap",
    description: "Point Flux at a builtin env's hosted repo: commit the Flux objects there, print the kubectl steps",
  },
  args: {
    name: { type: "positional", required: true, description: "Environment name (a --builtin env)" },
    host: {
      type: "string",
      description: "URL the cluster reaches gimlet serve at (env GIMLET_HOST)",
      valueHint: "URL",
    },
    interval: { type: "string", default: "1m", description: "How often Flux polls the repo" },
    "no-controller": { type: "boolean", default: false, description: "Flux is already installed" },
    "receiver-url": {
      type: "string",
      description: "Base URL of Flux's webhook receiver as gimlet reaches it: releases then wake Flux at once",
      valueHint: "URL",
    },
    ...dataDirHelp,
  },
  async run({ args }) {
    const input = {
      env: args.name,
      host: args.host ?? process.env.GIMLET_HOST ?? "",
      interval: args.interval,
      noController: noFlag(args, "controller"),
      receiverUrl: args["receiver-url"],
    };
    const r = await withLocalOps(localTarget(args), (d) => bootstrapEnv(d, input), { key: true });
    const steps = [
      `✔️ Flux objects committed to ${r.repoUrl} (${r.fluxDir}/)`,
      "👉 Apply them on the cluster:",
      ...(r.installFlux
        ? [`kubectl apply -f https://github.com/fluxcd/flux2/releases/download/${fluxVersion}/install.yaml`]
        : []),
      `kubectl -n flux-system create secret generic ${r.secretName} --from-literal=username=flux --from-literal=password=${r.fluxToken}`,
      `kubectl -n flux-system create secret generic gimlet-flux-events --from-literal=headers='Authorization: Bearer ${r.fluxToken}'`,
      `kubectl -n flux-system create secret generic gimlet-receiver --from-literal=token=${r.receiverToken}`,
      "kubectl wait --for condition=established --timeout=60s crd/gitrepositories.source.toolkit.fluxcd.io",
      `gimlet env bootstrap ${r.env} … prints the GitRepository + Kustomization on stdout: pipe it to kubectl apply -f -`,
    ];
    await stderr(steps.join("\n") + "\n");
    await stdout(r.syncYaml);
  },
});

export default defineCommand({
  meta: { name: "env", description: "Manage environments of gimlet serve" },
  subCommands: { create, list, delete: del, bootstrap, status: () => import("./apps.ts").then((m) => m.envStatus) },
});
