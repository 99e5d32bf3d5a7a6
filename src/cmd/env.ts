/** `gimlet env create | list`: environments of the release manager, stored in its data dir. */
import { defineCommand } from "citty";
import { UserError } from "../core/errors.ts";
import { assertSafeName, commitMessages, fluxVersion, planBootstrap } from "../core/gitops/index.ts";
import { openDataStore, Repos } from "../server/index.ts";
import { stderr, stdout } from "./io.ts";
import { noFlag, outputFlag, printResult } from "./output.ts";

const dataDirFlag = { "data-dir": { type: "string", description: "Data directory (env GIMLET_DATA_DIR, default ./gimlet-data)", valueHint: "DIR" } } as const;
const dataDir = (a: { "data-dir"?: string }) => a["data-dir"] ?? process.env.GIMLET_DATA_DIR ?? "gimlet-data";
const warn = (msg: string) => void stderr(`warning: ${msg}\n`);

const create = defineCommand({
  meta: { name: "create", description: "Create an environment with a built-in or a remote gitops repo" },
  args: {
    name: { type: "positional", required: true, description: "Environment name" },
    "gitops-repo": { type: "string", description: "https URL of a remote gitops repo", valueHint: "URL" },
    "gitops-token": { type: "string", description: "Token with write access to it", valueHint: "TOKEN" },
    builtin: { type: "boolean", default: false, description: "Host the gitops repo in the data dir" },
    "repo-per-env": { type: "boolean", default: false, description: "Apps at the repo root" },
    branch: { type: "string", default: "main", description: "Branch" },
    ...dataDirFlag,
  },
  async run({ args }) {
    assertSafeName(args.name, "env");
    if (!!args.builtin === !!args["gitops-repo"]) throw new UserError("give exactly one of --builtin and --gitops-repo", { path: "--gitops-repo" });
    if (args["gitops-repo"] && !/^https?:\/\//.test(args["gitops-repo"])) throw new UserError("--gitops-repo must be an http(s) URL", { path: "--gitops-repo" });
    // The URL is stored and listed in the clear; only --gitops-token is encrypted at rest.
    if (args["gitops-repo"] && /^https?:\/\/[^/]*@/.test(args["gitops-repo"])) {
      throw new UserError("--gitops-repo must not hold credentials", { path: "--gitops-repo", hint: "give the token with --gitops-token" });
    }
    const dir = dataDir(args);
    const store = openDataStore(dir, warn);
    try {
      const env = store.createEnv({ name: args.name, repoUrl: args["gitops-repo"] ?? "", repoToken: args["gitops-token"] ?? "", builtin: !!args.builtin, repoPerEnv: !!args["repo-per-env"], branch: args.branch });
      if (env.builtin) await new Repos(dir).createBuiltin(env);
      await stderr(`environment ${env.name} created${env.builtin ? ` (repo ${new Repos(dir).builtinPath(env.name)})` : ""}\n`);
    } finally {
      store.close();
    }
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List environments" },
  args: { ...dataDirFlag, ...outputFlag },
  async run({ args }) {
    const store = openDataStore(dataDir(args), warn);
    const envs = store.envs().map(({ repoToken: _t, fluxReceiverToken: _r, ...e }) => e);
    store.close();
    await printResult(envs, args.output, (es) => (es.length ? es.map((e) => `${e.name}\t${e.builtin ? "builtin" : e.repoUrl}${e.repoPerEnv ? "\trepo-per-env" : ""}\n`).join("") : "no environments\n"));
  },
});

const bootstrap = defineCommand({
  meta: { name: "bootstrap", description: "Point Flux at a builtin env's hosted repo: commit the Flux objects there, print the kubectl steps" },
  args: {
    name: { type: "positional", required: true, description: "Environment name (a --builtin env)" },
    host: { type: "string", description: "URL the cluster reaches gimlet serve at (env GIMLET_HOST)", valueHint: "URL" },
    interval: { type: "string", default: "1m", description: "How often Flux polls the repo" },
    "no-controller": { type: "boolean", default: false, description: "Flux is already installed" },
    "receiver-url": { type: "string", description: "Base URL of Flux's webhook receiver as gimlet reaches it: releases then wake Flux at once", valueHint: "URL" },
    ...dataDirFlag,
  },
  async run({ args }) {
    const host = (args.host ?? process.env.GIMLET_HOST ?? "").replace(/\/+$/, "");
    if (!/^https?:\/\//.test(host)) throw new UserError("--host is required: the URL the cluster reaches gimlet serve at", { path: "--host" });
    const dir = dataDir(args);
    const store = openDataStore(dir, warn);
    try {
      const env = store.env(assertSafeName(args.name, "env"));
      if (!env) throw new UserError(`environment ${args.name} does not exist`, { hint: "gimlet env create NAME --builtin" });
      if (!env.builtin) throw new UserError(`environment ${args.name} has a remote repo; use gimlet gitops bootstrap there`);
      const fluxUser = `flux-${env.name}`;
      if (!store.user(fluxUser)) store.createUser(fluxUser, "flux", env.name);
      const token = store.issueToken(fluxUser);
      const receiverToken = (await import("node:crypto")).randomBytes(24).toString("base64url");
      if (args["receiver-url"]) store.setReceiver(env.name, args["receiver-url"], receiverToken);
      const repoUrl = `${host}/git/${env.name}-apps.git`;
      const plan = planBootstrap({ env: env.name, repoUrl, branch: env.branch, interval: args.interval, noController: noFlag(args, "controller"), server: host });
      // The credentials never go into git: the Secret is created by the printed kubectl command.
      const files = plan.files.filter((f) => f.path !== plan.secretFile);
      const g = await new Repos(dir).get(env);
      await g.writeChangeSet({ replace: [], write: files }, commitMessages.bootstrap(env.name));
      const repoYaml = files.find((f) => f.path === plan.repoFile)!.content;
      const steps = [
        `✔️ Flux objects committed to ${repoUrl} (${plan.fluxDir}/)`,
        "👉 Apply them on the cluster:",
        ...(plan.installFile ? [`kubectl apply -f https://github.com/fluxcd/flux2/releases/download/${fluxVersion}/install.yaml`] : []),
        `kubectl -n flux-system create secret generic ${plan.name} --from-literal=username=flux --from-literal=password=${token}`,
        `kubectl -n flux-system create secret generic gimlet-flux-events --from-literal=headers='Authorization: Bearer ${token}'`,
        `kubectl -n flux-system create secret generic gimlet-receiver --from-literal=token=${receiverToken}`,
        "kubectl wait --for condition=established --timeout=60s crd/gitrepositories.source.toolkit.fluxcd.io",
        `gimlet env bootstrap ${env.name} … prints the GitRepository + Kustomization on stdout: pipe it to kubectl apply -f -`,
      ];
      await stderr(steps.join("\n") + "\n");
      await stdout(repoYaml);
    } finally {
      store.close();
    }
  },
});

export default defineCommand({ meta: { name: "env", description: "Manage environments of gimlet serve" }, subCommands: { create, list, bootstrap } });
