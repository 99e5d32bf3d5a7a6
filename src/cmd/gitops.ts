/** `gimlet gitops bootstrap | upgrade | write | delete | history | rollback` on a local gitops repo. */
import { defineCommand } from "citty";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserError } from "../core/errors.ts";
import {
  assertSafeName,
  bootstrapSteps,
  commitMessages,
  planBootstrap,
  splitObjects,
  type FileChange,
  type Layout,
  type Release,
} from "../core/gitops/index.ts";
import { isPlainObject } from "../core/k8s.ts";
import { loadManifests, renderManifest, type Vars } from "../core/manifest/index.ts";
import { parseUnixTime, parseWholeNumber } from "../core/params.ts";
import { localLimits } from "../core/template/index.ts";
import { parseYamlAll } from "../core/yaml.ts";
import { currentBranch, generateDeployKey, GitopsRepo, openRepo, type WriteResult } from "../git/index.ts";
import { readInputs, stderr, stdout, writeFileAtomic } from "./io.ts";
import { age, noFlag, outputFlag, printResult } from "./output.ts";
import { loadVars } from "./vars.ts";

const repoFlags = {
  "gitops-repo-path": {
    type: "string",
    default: ".",
    description: "Local working copy of the gitops repo",
    valueHint: "PATH",
  },
  "repo-per-env": { type: "boolean", default: false, description: "Apps sit at the repo root (one repo per env)" },
} as const;

const pushFlags = {
  push: {
    type: "boolean",
    default: false,
    description: "Push to origin after committing (rebuilt on the new head if rejected)",
  },
  token: { type: "string", description: "Token for pushing over https (env GIMLET_GITOPS_TOKEN)", valueHint: "TOKEN" },
} as const;

async function openGitops(args: { "gitops-repo-path": string; push?: boolean; token?: string }): Promise<GitopsRepo> {
  const repo = openRepo(args["gitops-repo-path"]);
  const token = args.token ?? process.env.GIMLET_GITOPS_TOKEN;
  return GitopsRepo.open(repo, {
    push: args.push ?? false,
    ...(token ? { remote: await originWithToken(repo.gitdir, token) } : {}),
  });
}

async function originWithToken(gitdir: string, token: string) {
  const git = (await import("isomorphic-git")).default;
  const fs = await import("node:fs");
  const url = await git.getConfig({ fs, gitdir, path: "remote.origin.url" });
  if (!url) throw new UserError("the working copy has no remote named origin", { hint: "git remote add origin <url>" });
  return { url: String(url), auth: { token } };
}

function layoutOf(args: { env: string; "repo-per-env": boolean }): Layout {
  return { env: assertSafeName(args.env, "env"), repoPerEnv: args["repo-per-env"] };
}

function describeWrite(r: WriteResult, what: string): string {
  if (r.commits.length === 0) return `${what}: nothing changed, no commit\n`;
  return `${what}: ${r.commits.map((c) => c.slice(0, 12)).join(", ")}${r.pushed ? " (pushed)" : ""}${r.retries ? ` after ${r.retries} retr${r.retries === 1 ? "y" : "ies"}` : ""}\n`;
}

/** Flags of the commands that commit one app's folder. */
const commitFlags = {
  env: { type: "string", required: true, description: "Environment" },
  app: { type: "string", required: true, description: "Application" },
  message: { type: "string", alias: "m", default: "", description: "Appended to the commit message" },
  ...repoFlags,
  ...pushFlags,
} as const;

const bootstrapArgs = {
  env: { type: "string", description: "Environment to bootstrap (folder <env>/ in the repo)" },
  "single-env": { type: "boolean", default: false, description: "The repo holds one env at its root" },
  "gitops-repo-url": {
    type: "string",
    required: true,
    description: "URL Flux pulls from: git@host:owner/repo.git, ssh://… or https://…",
    valueHint: "URL",
  },
  "gitops-repo-path": repoFlags["gitops-repo-path"],
  branch: { type: "string", description: "Branch Flux follows (default: the working copy's branch)" },
  interval: { type: "string", default: "1m", description: "How often Flux polls the repo" },
  "no-controller": {
    type: "boolean",
    default: false,
    description: "Flux is already installed: write no install manifest",
  },
  server: {
    type: "string",
    description: "gimlet serve URL: adds a Flux Provider, Alert and Receiver",
    valueHint: "URL",
  },
} as const;

async function bootstrapPlanFor(args: Record<string, unknown>, keepKey: boolean) {
  const env = args.env as string | undefined;
  if (!!env === !!args["single-env"])
    throw new UserError("give exactly one of --env and --single-env", { path: "--env" });
  const path = resolve(args["gitops-repo-path"] as string);
  const repo = openRepo(path);
  const branch = (args.branch as string | undefined) ?? (await currentBranch(repo));
  const url = args["gitops-repo-url"] as string;
  const isSsh = !/^https?:\/\//.test(url);
  let deployKey: { privateKeyPem: string; publicKey: string } | undefined;
  if (isSsh) {
    const existing = join(path, env ?? "", "flux", `deploy-key${env ? `-${env}` : ""}.yaml`);
    deployKey = keepKey && existsSync(existing) ? readKey(existing) : generateDeployKey(`gimlet-${env ?? "gitops"}`);
  }
  const plan = planBootstrap({
    env,
    repoUrl: url,
    branch,
    interval: args.interval as string,
    noController: noFlag(args, "controller"),
    server: args.server as string | undefined,
    deployKey,
  });
  return { plan, path, repo };
}

function readKey(file: string): { privateKeyPem: string; publicKey: string } | undefined {
  const [secret] = parseYamlAll(readFileSync(file, "utf8"), file) as { stringData?: Record<string, string> }[];
  const d = secret?.stringData;
  return d?.identity && d["identity.pub"] ? { privateKeyPem: d.identity, publicKey: d["identity.pub"] } : undefined;
}

const bootstrap = defineCommand({
  meta: { name: "bootstrap", description: "Write Flux objects for an env into the gitops repo and commit them" },
  args: bootstrapArgs,
  async run({ args }) {
    const { plan, path, repo } = await bootstrapPlanFor(args, false);
    const gitops = await GitopsRepo.open(repo);
    const r = await gitops.writeChangeSet({ replace: [], write: plan.files }, commitMessages.bootstrap(args.env));
    const steps = bootstrapSteps(plan, path, r.commits.length > 0, args.server);
    await stderr(steps.stderr);
    if (steps.stdout) await stdout(steps.stdout);
  },
});

const upgrade = defineCommand({
  meta: {
    name: "upgrade",
    description: "Regenerate the Flux objects in place (no commit); an existing deploy key is kept",
  },
  args: bootstrapArgs,
  async run({ args }) {
    const { plan, path } = await bootstrapPlanFor(args, true);
    for (const f of plan.files) {
      if (f.path === plan.secretFile && existsSync(join(path, f.path))) continue; // credentials stay as the user filled them
      await writeFileAtomic(join(path, f.path), f.content);
    }
    await stderr(
      `✔️ Flux configuration regenerated in ${join(path, plan.fluxDir)}\n👉 1) Check the git diff\n👉 2) Commit and push to git origin; Flux applies the changes, upgrading itself\n`,
    );
  },
});

/** Files to write for `gitops write`: a Gimlet manifest is rendered, plain Kubernetes YAML kept. */
export async function filesFor(spec: string, env: string, app: string, vars: Vars): Promise<FileChange[]> {
  const inputs = await readInputs(spec);
  const docs = inputs.map((i) => ({ input: i, objects: parseYamlAll(i.text, i.name) }));
  const isKube = (d: unknown) => isPlainObject(d) && typeof d.apiVersion === "string" && typeof d.kind === "string";
  if (docs.every((d) => d.objects.every(isKube))) {
    return docs.map(({ input }) => ({
      path: input.name === "<stdin>" ? "manifest.yaml" : input.name.split("/").at(-1)!,
      content: input.text,
    }));
  }
  const rendered = docs.flatMap(({ input }) => {
    return loadManifests(input.text, { file: input.name, vars, limits: localLimits });
  });
  const match = rendered.filter((l) => l.manifest.env === env && l.manifest.app === app);
  const chosen = match.length ? match : rendered.length === 1 ? rendered : [];
  if (chosen.length === 0)
    throw new UserError(`no manifest for ${env}/${app} in ${spec}`, {
      path: "-f",
      hint: "check --env and --app against the manifests' env and app",
    });
  return splitObjects(chosen.flatMap(renderManifest));
}

/**
 * The release.json a CLI write records, so `gitops history` lists it as the original's releases:
 * the version comes from the flags, else from the variables the manifest was rendered with.
 */
function cliRelease(
  env: string,
  app: string,
  o: { sha?: string; repository?: string; message: string },
  vars: Vars,
): Release {
  const sha = o.sha ?? vars.SHA ?? "";
  const repositoryName = o.repository ?? vars.REPO ?? "";
  const version = {
    repositoryName,
    sha,
    created: Math.floor(Date.now() / 1000),
    ...(vars.BRANCH ? { branch: vars.BRANCH } : {}),
    ...(o.message ? { message: o.message } : {}),
  };
  return { app, env, triggeredBy: "cli", version, gitopsRef: "", gitopsRepo: "" };
}

const write = defineCommand({
  meta: { name: "write", description: "Replace <env>/<app>/ with rendered or plain YAML and commit" },
  args: {
    file: {
      type: "string",
      alias: "f",
      required: true,
      description: "Gimlet manifest or Kubernetes YAML: file, directory or -",
      valueHint: "FILE|DIR|-",
    },
    vars: {
      type: "string",
      description: "dotenv file of template variables (wins over the environment)",
      valueHint: "FILE",
    },
    sha: {
      type: "string",
      description: "Commit of the app's source this release is (default: $SHA)",
      valueHint: "SHA",
    },
    repository: {
      type: "string",
      description: "The app's source repository, owner/name (default: $REPO)",
      valueHint: "OWNER/NAME",
    },
    ...commitFlags,
  },
  async run({ args }) {
    const layout = layoutOf(args);
    assertSafeName(args.app, "app");
    const vars = await loadVars(args.vars);
    const files = await filesFor(args.file, args.env, args.app, vars);
    const gitops = await openGitops(args);
    const release = cliRelease(
      args.env,
      args.app,
      { sha: args.sha, repository: args.repository, message: args.message },
      vars,
    );
    const message = commitMessages.cliWrite(args.env, args.app, args.message);
    const r = await gitops.writeRelease(layout, args.app, files, release, message);
    await stderr(describeWrite(r, `${args.env}/${args.app}`));
  },
});

const del = defineCommand({
  meta: { name: "delete", description: "Remove <env>/<app>/ in one commit (Flux prunes its objects)" },
  args: {
    ...commitFlags,
  },
  async run({ args }) {
    const layout = layoutOf(args);
    const gitops = await openGitops(args);
    const r = await gitops.deleteApp(layout, args.app, commitMessages.cliDelete(args.env, args.app, args.message));
    if (r.commits.length === 0)
      throw new UserError(`${args.env}/${args.app} does not exist in the gitops repo`, { path: "--app" });
    await stderr(describeWrite(r, `${args.env}/${args.app} deleted`));
  },
});

function releaseText(rs: Release[]): string {
  if (rs.length === 0) return "no releases\n";
  return rs
    .map((r) => {
      const v = r.version;
      const head = `${r.app} -> ${r.env} ${r.gitopsRef.slice(0, 12)}${r.rolledBack ? " **ROLLED BACK**" : ""} (${age(r.created)})`;
      const ver = v
        ? `  ${v.repositoryName}@${(v.sha ?? "").slice(0, 8)} ${(v.message ?? "").split("\n")[0]!.slice(0, 80)}`
        : "  (no version)";
      return `${head}\n${ver}\n`;
    })
    .join("");
}

const history = defineCommand({
  meta: { name: "history", description: "Releases of an env or app, newest first" },
  args: {
    env: { type: "string", required: true, description: "Environment" },
    app: { type: "string", description: "Only this application" },
    limit: { type: "string", default: "10", description: "How many releases" },
    offset: { type: "string", default: "0", description: "Skip this many releases" },
    since: { type: "string", description: "Only releases at or after this time (RFC 3339)" },
    until: { type: "string", description: "Only releases at or before this time (RFC 3339)" },
    ...repoFlags,
    ...outputFlag,
  },
  async run({ args }) {
    const layout = layoutOf(args);
    if (args.app) assertSafeName(args.app, "app");
    const gitops = await GitopsRepo.open(openRepo(args["gitops-repo-path"]));
    const releases = await gitops.history({
      ...layout,
      app: args.app,
      limit: parseWholeNumber(args.limit, "--limit"),
      offset: parseWholeNumber(args.offset, "--offset"),
      since: args.since ? parseUnixTime(args.since, "--since") : undefined,
      until: args.until ? parseUnixTime(args.until, "--until") : undefined,
    });
    await printResult(releases, args.output, releaseText);
  },
});

const rollback = defineCommand({
  meta: { name: "rollback", description: "Revert an app's later commits back to a gitops commit" },
  args: {
    env: { type: "string", required: true, description: "Environment" },
    app: { type: "string", required: true, description: "Application" },
    to: {
      type: "string",
      alias: "t",
      required: true,
      description: "Gitops commit to return to (a release's gitopsRef)",
      valueHint: "SHA",
    },
    ...repoFlags,
    ...pushFlags,
  },
  async run({ args }) {
    const layout = layoutOf(args);
    assertSafeName(args.app, "app");
    if (!/^[0-9a-f]{4,40}$/.test(args.to))
      throw new UserError(`--to must be a commit sha, got ${JSON.stringify(args.to)}`, { path: "--to" });
    const gitops = await openGitops(args);
    const r = await gitops.rollback({ ...layout, app: args.app, to: args.to });
    await stderr(r.commits.length ? `reverted ${r.reverted.map((s) => s.slice(0, 12)).join(", ")}\n` : "");
    await stderr(describeWrite(r, `${args.env}/${args.app} rolled back to ${args.to.slice(0, 12)}`));
  },
});

export default defineCommand({
  meta: { name: "gitops", description: "Bootstrap, write, delete, inspect and roll back a local gitops repo" },
  subCommands: { bootstrap, upgrade, write, delete: del, history, rollback },
});
