/** Environments: create (with its hosted apps and infra repos), list, and bootstrap Flux for a builtin one. */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { ConflictError, UserError } from "../core/errors.ts";
import { assertSafeName, commitMessages, hostedRepoUrl, planBootstrap } from "../core/gitops/index.ts";
import type { EnvDeletionPlan } from "../core/views.ts";
import type { Environment } from "../store/index.ts";
import type { AgentHub } from "./agent-hub.ts";
import { nowOf, type OpsDeps } from "./deps.ts";
import { envOf } from "./releases.ts";

export type { EnvDeletionPlan };

export interface CreateEnvInput {
  name: string;
  /** Host the gitops repo in the data dir, or … */
  builtin?: boolean;
  /** … write to this remote https repo. */
  repoUrl?: string;
  repoToken?: string;
  repoPerEnv?: boolean;
  branch?: string;
}

/** An env as lists show it: never a credential. */
export interface EnvView {
  name: string;
  repoUrl: string;
  builtin: boolean;
  repoPerEnv: boolean;
  branch: string;
  created: number;
  fluxReceiverUrl: string;
  /** The hosted repo's path in the data dir (builtin envs). */
  repoPath?: string;
  /** Whether an agent of this env is connected; filled once agents report in. */
  agent?: { connected: boolean; lastSeen?: number };
}

function view(d: OpsDeps, e: Environment): EnvView {
  return {
    name: e.name,
    repoUrl: e.repoUrl,
    builtin: e.builtin,
    repoPerEnv: e.repoPerEnv,
    branch: e.branch,
    created: e.created,
    fluxReceiverUrl: e.fluxReceiverUrl ?? "",
    ...(e.builtin ? { repoPath: d.repos.hostedPath(e.name) } : {}),
  };
}

/** How the caller names the inputs, so errors point at its flags or fields. */
export interface EnvFieldNames {
  builtin: string;
  repoUrl: string;
  repoToken: string;
  branch: string;
}
const apiEnvFields: EnvFieldNames = {
  builtin: "builtin",
  repoUrl: "gitopsRepo",
  repoToken: "gitopsToken",
  branch: "branch",
};

/** Checks the input (every problem says which field), then stores the env and makes its hosted repo. */
export async function createEnv(
  d: OpsDeps,
  input: CreateEnvInput,
  names: EnvFieldNames = apiEnvFields,
): Promise<EnvView> {
  const name = assertSafeName(input.name, "env");
  const repoUrl = input.repoUrl ?? "";
  if (!!input.builtin === !!repoUrl)
    throw new UserError(`give exactly one of ${names.builtin} and ${names.repoUrl}`, { path: names.repoUrl });
  if (repoUrl && !/^https?:\/\/\S+$/.test(repoUrl))
    throw new UserError(`${names.repoUrl} must be an http(s) URL`, { path: names.repoUrl });
  // The URL is stored and listed in the clear; only the token is encrypted at rest.
  if (/^https?:\/\/[^/]*@/.test(repoUrl)) {
    throw new UserError(`${names.repoUrl} must not hold credentials`, {
      path: names.repoUrl,
      hint: `give the token with ${names.repoToken}`,
    });
  }
  if (input.repoToken && !repoUrl)
    throw new UserError(`${names.repoToken} goes with ${names.repoUrl} only`, { path: names.repoToken });
  const branch = input.branch || "main";
  if (
    !/^[A-Za-z0-9._/-]{1,200}$/.test(branch) ||
    branch.includes("..") ||
    branch.startsWith("/") ||
    branch.endsWith("/")
  ) {
    throw new UserError(`${JSON.stringify(branch)} is not a usable branch name`, { path: names.branch });
  }
  if (await d.store.env(name)) throw new ConflictError(`environment ${JSON.stringify(name)} already exists`);
  // The repos first: an env row without its repo would fail every release.
  if (input.builtin) {
    await d.repos.createHosted({ name, branch });
    // The infra repo comes with the env, not on a first push: Flux can follow it at once, and the git
    // server never creates repos while answering a request.
    await d.repos.createHosted({ name, branch }, "infra").catch((e: unknown) => {
      d.repos.removeHosted(name, ["apps"]);
      throw e;
    });
  }
  let env: Environment;
  try {
    env = await d.store.createEnv({
      name,
      repoUrl,
      repoToken: input.repoToken ?? "",
      builtin: !!input.builtin,
      repoPerEnv: !!input.repoPerEnv,
      branch,
    });
  } catch (e) {
    if (input.builtin) d.repos.removeHosted(name);
    throw e;
  }
  return view(d, env);
}

export async function listEnvs(d: OpsDeps): Promise<EnvView[]> {
  return (await d.store.envs()).map((e) => view(d, e));
}

export async function planEnvDeletion(d: OpsDeps, name: string): Promise<EnvDeletionPlan> {
  const env = await envOf(d, name);
  const hostedRepos = env.builtin
    ? (["apps", "infra"] as const).map((k) => d.repos.hostedPath(env.name, k)).filter((p) => existsSync(p))
    : [];
  return {
    env: env.name,
    builtin: env.builtin,
    repoUrl: env.repoUrl,
    hostedRepos,
    releases: await d.store.countReleases(env.name),
    users: (await d.store.users()).filter((u) => u.env === env.name).map((u) => u.login),
  };
}

export interface DeleteEnvResult extends EnvDeletionPlan {
  /** Where the hosted repos were moved (keepRepo); empty when they were removed. */
  keptRepos: string[];
}

/**
 * Deletes an env: the store's part first, all or nothing (the env row, its release mirror, its
 * agent's state and the users bound to it), then its repos on disk. In that order, a failure
 * half-way leaves repos without an env (`env create` then names the path to remove), never an env
 * whose repo is gone. Hosted repos are removed unless `keepRepo` moves them to `deleted/`; a remote
 * repo is never touched; the env's agent, if connected, is dropped. Queued requests for the env end as errors when the worker reaches them.
 */
export async function deleteEnv(
  d: OpsDeps,
  input: { name: string; keepRepo?: boolean },
  agents?: Pick<AgentHub, "forget">,
): Promise<DeleteEnvResult> {
  const plan = await planEnvDeletion(d, input.name);
  const retire = async () => {
    // The agent's pending state writes end first, so none lands after the store forgot the env.
    await agents?.forget(plan.env);
    const { users } = await d.store.deleteEnv(plan.env);
    await agents?.forget(plan.env);
    const keptRepos = d.repos.retireRepos(plan.env, !!input.keepRepo, nowOf(d));
    return { ...plan, users, keptRepos };
  };
  return d.exclusive ? d.exclusive(`gitops:${plan.env}`, retire) : retire();
}

export interface BootstrapInput {
  env: string;
  /** The URL the cluster reaches gimlet serve at. */
  host: string;
  interval: string;
  noController: boolean;
  /** Base URL of Flux's webhook receiver as gimlet reaches it: releases then wake Flux at once. */
  receiverUrl?: string;
}

export interface BootstrapResult {
  env: string;
  repoUrl: string;
  fluxDir: string;
  /** Whether Flux's controllers are to be installed (the install manifest applied). */
  installFlux: boolean;
  secretName: string;
  /** A new token of the env's flux user: Flux reads the repo and posts events with it. */
  fluxToken: string;
  receiverToken: string;
  /** The GitRepository + Kustomization to apply once Flux is there. */
  syncYaml: string;
}

/**
 * Commits the Flux objects of a builtin env to its hosted repo, with a flux-role user bound to the
 * env and a fresh token for it. The credentials never go into git: the caller hands them to the
 * cluster as Secrets.
 */
export async function bootstrapEnv(d: OpsDeps, input: BootstrapInput): Promise<BootstrapResult> {
  const host = input.host.replace(/\/+$/, "");
  if (!/^https?:\/\//.test(host))
    throw new UserError("--host is required: the URL the cluster reaches gimlet serve at", { path: "--host" });
  const env = await envOf(d, input.env);
  if (!env.builtin) throw new UserError(`environment ${env.name} has a remote repo; use gimlet gitops bootstrap there`);
  const fluxUser = `flux-${env.name}`;
  if (!(await d.store.user(fluxUser))) await d.store.createUser(fluxUser, "flux", env.name);
  const fluxToken = await d.store.issueToken(fluxUser);
  const receiverToken = randomBytes(24).toString("base64url");
  if (input.receiverUrl) await d.store.setReceiver(env.name, input.receiverUrl, receiverToken);
  const repoUrl = hostedRepoUrl(host, env.name);
  const plan = planBootstrap({
    env: env.name,
    repoUrl,
    branch: env.branch,
    interval: input.interval,
    noController: input.noController,
    server: host,
  });
  const files = plan.files.filter((f) => f.path !== plan.secretFile);
  const g = await d.repos.get(env);
  await g.writeChangeSet({ replace: [], write: files }, commitMessages.bootstrap(env.name));
  return {
    env: env.name,
    repoUrl,
    fluxDir: plan.fluxDir,
    installFlux: !!plan.installFile,
    secretName: plan.name,
    fluxToken,
    receiverToken,
    syncYaml: files.find((f) => f.path === plan.repoFile)!.content,
  };
}
