/** `gimlet stack bootstrap | generate | lint | update`: curated infrastructure stacks in an infra gitops repo. */
import { defineCommand } from "citty";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { UserError } from "../core/errors.ts";
import { bootstrapSteps, commitMessages, parseRepoUrl } from "../core/gitops/index.ts";
import { lintStackConfig, parseStackRef, planStackBootstrap } from "../core/stack/index.ts";
import { parseYamlAll } from "../core/yaml.ts";
import { currentBranch, generateDeployKey, GitopsRepo, openRepo } from "../git/index.ts";
import { readStackYaml, generateStack, type GenerateResult } from "../stack/generate.ts";
import { StackLoader } from "../stack/load.ts";
import { applyUpdate, checkUpdate, type UpdateInfo } from "../stack/update.ts";
import { stderr, stdout, writeFileAtomic } from "./io.ts";
import { noFlag, outputFlag } from "./output.ts";
import { UsageError } from "./run-main.ts";
import { configure } from "./stack-configure.ts";

const configFlag = {
  config: { type: "string", alias: "c", default: "stack.yaml", description: "The stack file", valueHint: "FILE" },
} as const;

const bootstrap = defineCommand({
  meta: {
    name: "bootstrap",
    description: "Write Flux objects for an infra repo env (dependencies applied first) and commit them",
  },
  args: {
    env: { type: "string", description: "Environment to bootstrap (folder <env>/ in the repo)" },
    "single-env": { type: "boolean", default: false, description: "The repo holds one env at its root" },
    "gitops-repo-url": { type: "string", required: true, description: "URL Flux pulls from", valueHint: "URL" },
    "gitops-repo-path": {
      type: "string",
      default: ".",
      description: "Local working copy of the infra repo",
      valueHint: "PATH",
    },
    branch: { type: "string", description: "Branch Flux follows (default: the working copy's branch)" },
    interval: { type: "string", default: "1m", description: "How often Flux polls the repo" },
    "no-controller": {
      type: "boolean",
      default: false,
      description: "Flux is already installed: write no install manifest",
    },
  },
  async run({ args }) {
    const env = args.env;
    if (!!env === !!args["single-env"])
      throw new UsageError("give exactly one of --env and --single-env", { path: "--env" });
    const path = resolve(args["gitops-repo-path"]);
    const repo = openRepo(path);
    const branch = args.branch ?? (await currentBranch(repo));
    const url = args["gitops-repo-url"];
    const deployKey = parseRepoUrl(url).isSsh
      ? (existingKey(path, env) ?? generateDeployKey(`gimlet-${env ?? "infra"}`))
      : undefined;
    const plan = planStackBootstrap({
      env,
      repoUrl: url,
      branch,
      interval: args.interval,
      noController: noFlag(args, "controller"),
      deployKey,
    });
    const gitops = await GitopsRepo.open(repo);
    const r = await gitops.writeChangeSet({ replace: [], write: plan.files }, commitMessages.bootstrap(env));
    const steps = bootstrapSteps(plan, path, r.commits.length > 0);
    await stderr(steps.stderr.replace(/\n\s+Happy Gitopsing🎊\n$/, "\n"));
    await stderr(
      `👉 4) Generate the stack next to ${join(path, env ?? "", "stack.yaml")}: gimlet stack generate -c ${join(env ?? ".", "stack.yaml")}\n`,
    );
    await stderr("         Happy Gitopsing🎊\n");
    if (steps.stdout) await stdout(steps.stdout);
  },
});

function existingKey(path: string, env: string | undefined): { privateKeyPem: string; publicKey: string } | undefined {
  const file = join(path, env ?? "", "flux", `deploy-key${env ? `-${env}` : ""}.yaml`);
  if (!existsSync(file)) return undefined;
  const [secret] = parseYamlAll(readFileSync(file, "utf8"), file) as { stringData?: Record<string, string> }[];
  const d = secret?.stringData;
  return d?.identity && d["identity.pub"] ? { privateKeyPem: d.identity, publicKey: d["identity.pub"] } : undefined;
}

function describeGenerate(r: GenerateResult): string {
  const lines: string[] = [];
  for (const w of r.warnings) lines.push(`⚠️  ${w}`);
  if (r.lockedTo) lines.push(`🔒 Stack version is locked to ${r.lockedTo}`);
  if (r.newerVersions.length)
    lines.push(`📦 Stack update available (${r.newerVersions.at(-1)}). Run \`gimlet stack update --check\``);
  const rel = (p: string) => join(r.outputDir, p);
  for (const f of r.plan.files) {
    if (f.action === "write")
      lines.push(`  ${f.reason === "new" ? "created" : f.reason === "merged" ? "merged " : "updated"}  ${rel(f.path)}`);
    else if (f.action === "delete") lines.push(`  removed  ${rel(f.path)}`);
    else if (f.action === "conflict") lines.push(`  CONFLICT ${rel(f.path)} (conflict markers written)`);
    else if (f.action === "keep" && f.reason === "edited-not-generated")
      lines.push(`  kept     ${rel(f.path)} (no longer generated, but edited by you)`);
    else if (f.action === "keep" && f.reason === "deleted-by-user")
      lines.push(`  skipped  ${rel(f.path)} (you deleted it)`);
    else if (f.action === "keep" && f.reason === "no-baseline")
      lines.push(`  kept     ${rel(f.path)} (yours; no .stack/old to merge with)`);
  }
  if (r.plan.changes === 0) lines.push("  nothing changed");
  lines.push(
    r.plan.conflicts.length
      ? `⚠️  Generated with ${r.plan.conflicts.length} conflicting file(s): resolve the markers`
      : "✅ Generated",
  );
  if (r.message.trim()) lines.push("", r.message.trimEnd());
  return lines.join("\n") + "\n";
}

const generate = defineCommand({
  meta: {
    name: "generate",
    description: "Render the stack into the infra repo, keeping your edits (3-way merge against .stack/old)",
  },
  args: {
    ...configFlag,
    "output-dir": {
      type: "string",
      description: "Where files go (default: the directory of the stack file)",
      valueHint: "DIR",
    },
    "allow-conflicts": {
      type: "boolean",
      default: false,
      description: "Write files with conflict markers instead of failing",
    },
  },
  async run({ args }) {
    const r = await generateStack({
      config: args.config,
      outputDir: args["output-dir"],
      allowConflicts: args["allow-conflicts"],
    });
    await stderr(describeGenerate(r));
  },
});

const lint = defineCommand({
  meta: { name: "lint", description: "Check each component's config against the stack's JSON schemas" },
  args: { ...configFlag },
  async run({ args }) {
    const loaded = readStackYaml(args.config);
    const stack = await new StackLoader().load(
      parseStackRef(loaded.config.stack.repository, resolve(args.config, "..")),
    );
    const problems = lintStackConfig(stack.definition, loaded);
    if (problems.length) {
      await stdout(problems.map((p) => p.describe()).join("\n") + "\n");
      const n = problems.length;
      throw new UserError(`${n} problem${n === 1 ? "" : "s"} in ${args.config}`, {
        hint: "fix the values above; the schemas are in the stack's stack-definition.yaml",
      });
    }
    await stderr(`✅ ${args.config} is valid for ${stack.label}\n`);
  },
});

function changeLogs(info: UpdateInfo): string {
  return info.newer.map((n) => `## ${n.version}\n${n.changeLog.trim() || "(no changeLog)"}\n`).join("\n");
}

const update = defineCommand({
  meta: {
    name: "update",
    description: "Show newer stack versions with their changeLog, and move the pin to the latest",
  },
  args: {
    ...configFlag,
    check: { type: "boolean", default: false, description: "Only report; change nothing" },
    ...outputFlag,
  },
  async run({ args }) {
    const format = args.output;
    if (!["text", "json"].includes(format))
      throw new UsageError(`unknown output format ${JSON.stringify(format)}`, { path: "-o", hint: "use text or json" });
    const info = await checkUpdate(args.config);
    const available = info.newer.length > 0;
    if (args.check) {
      if (format === "json") {
        const body = available
          ? { status: "Update available", currentVersion: info.currentVersion ?? "", latestVersion: info.latestVersion }
          : { status: "Already up to date" };
        return stdout(JSON.stringify(body) + "\n");
      }
      if (!available) return stdout(`Already up to date (${info.currentVersion})\n`);
      return stdout(
        `Update available: ${info.currentVersion ?? "unpinned"} → ${info.latestVersion}\n\n${changeLogs(info)}`,
      );
    }
    const text = applyUpdate(args.config, info);
    if (text === undefined) {
      return format === "json"
        ? stdout(JSON.stringify({ status: "Already up to date" }) + "\n")
        : stdout(`Already up to date (${info.currentVersion})\n`);
    }
    await writeFileAtomic(resolve(args.config), text);
    if (format === "json") {
      return stdout(
        JSON.stringify({
          status: "Updated",
          previousVersion: info.currentVersion ?? "",
          currentVersion: info.latestVersion,
        }) + "\n",
      );
    }
    await stdout(
      `📦 ${args.config} now pins ${info.latestVersion}\n👉 Run \`gimlet stack generate\` to render resources with the updated stack\n\n${changeLogs(info)}`,
    );
  },
});

export default defineCommand({
  meta: {
    name: "stack",
    description: "Curated infrastructure stacks: bootstrap, generate (3-way merge), lint, update",
  },
  subCommands: { bootstrap, generate, lint, update, configure },
});
