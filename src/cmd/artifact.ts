/** `gimlet artifact create | add | push | list | track` (reference §1.5). */
import { defineCommand } from "citty";
import { readFileSync } from "node:fs";
import { UserError } from "../core/errors.ts";
import { parseDotenv } from "../core/manifest/index.ts";
import type { Artifact } from "../core/release/index.ts";
import { parseYamlAll } from "../core/yaml.ts";
import { client, serverFlags } from "./client.ts";
import { keyValue, repeatedFlag } from "./flags.ts";
import { stderr, stdout, writeFileAtomic } from "./io.ts";
import { age, outputFlag, printResult } from "./output.ts";
import { trackUntilDone } from "./track.ts";
import { timelineFlags } from "./track-timeline.ts";

const create = defineCommand({
  meta: { name: "create", description: "Create an artifact JSON from git metadata" },
  args: {
    repository: { type: "string", required: true, description: "owner/repo" },
    sha: { type: "string", required: true, description: "Commit sha" },
    created: { type: "string", required: true, description: "Commit time, ISO-8601 (git log -1 --format=%cI)" },
    branch: { type: "string", required: true, description: "Branch (target branch for PRs)" },
    event: { type: "enum", options: ["push", "tag", "pr"], default: "push", description: "Git event" },
    sourceBranch: { type: "string", description: "Source branch of a PR" },
    targetBranch: { type: "string", description: "Target branch of a PR" },
    tag: { type: "string", description: "Tag" },
    authorName: { type: "string", required: true, description: "Author name" },
    authorEmail: { type: "string", required: true, description: "Author email" },
    committerName: { type: "string", required: true, description: "Committer name" },
    committerEmail: { type: "string", required: true, description: "Committer email" },
    message: { type: "string", required: true, description: "Commit message" },
    url: { type: "string", required: true, description: "Commit URL" },
    output: { type: "string", alias: "o", description: "Write to this file instead of stdout", valueHint: "FILE" },
  },
  async run({ args }) {
    const t = Date.parse(args.created);
    if (Number.isNaN(t))
      throw new UserError(`--created ${JSON.stringify(args.created)} is not an ISO-8601 time`, { path: "--created" });
    const a = {
      version: {
        repositoryName: args.repository,
        sha: args.sha,
        created: Math.floor(t / 1000),
        branch: args.branch,
        event: args.event,
        sourceBranch: args.sourceBranch ?? "",
        targetBranch: args.targetBranch ?? "",
        tag: args.tag ?? "",
        authorName: args.authorName,
        authorEmail: args.authorEmail,
        committerName: args.committerName,
        committerEmail: args.committerEmail,
        message: args.message,
        url: args.url,
      },
      context: {},
      environments: [],
      items: [],
    };
    const text = JSON.stringify(a, null, 2) + "\n";
    if (args.output) await writeFileAtomic(args.output, text);
    else await stdout(text);
  },
});

const add = defineCommand({
  meta: { name: "add", description: "Add manifests, CI fields and variables to an artifact file (in place)" },
  args: {
    file: { type: "string", alias: "f", required: true, description: "Artifact file", valueHint: "FILE" },
    field: { type: "string", description: "key=value for one item (repeatable)" },
    envFile: { type: "string", description: "A .gimlet/*.yaml manifest file to include (repeatable)" },
    var: { type: "string", description: "key=value template variable (repeatable)" },
    varsFile: { type: "string", description: "dotenv file of template variables" },
  },
  async run({ args, rawArgs }) {
    let a: Record<string, any>;
    try {
      a = JSON.parse(readFileSync(args.file, "utf8"));
    } catch (e) {
      throw new UserError(`cannot read artifact ${args.file}: ${(e as Error).message}`, { pos: { file: args.file } });
    }
    const fields = repeatedFlag(rawArgs, ["--field"]);
    if (fields.length) (a.items ??= []).push(Object.fromEntries(fields.map((f) => keyValue(f, "--field"))));
    for (const f of repeatedFlag(rawArgs, ["--envFile"]))
      for (const m of parseYamlAll(readFileSync(f, "utf8"), f)) (a.environments ??= []).push(m);
    const vars = Object.fromEntries(repeatedFlag(rawArgs, ["--var"]).map((v) => keyValue(v, "--var")));
    if (args.varsFile) Object.assign(vars, parseDotenv(readFileSync(args.varsFile, "utf8"), args.varsFile));
    if (Object.keys(vars).length) a.vars = { ...(a.vars ?? {}), ...vars };
    await writeFileAtomic(args.file, JSON.stringify(a, null, 2) + "\n");
  },
});

const push = defineCommand({
  meta: { name: "push", description: "Send an artifact to gimlet serve" },
  args: {
    file: { type: "string", alias: "f", required: true, description: "Artifact file", valueHint: "FILE" },
    ...serverFlags,
    ...outputFlag,
  },
  async run({ args }) {
    let body: unknown;
    try {
      body = JSON.parse(readFileSync(args.file, "utf8"));
    } catch (e) {
      throw new UserError(`cannot read artifact ${args.file}: ${(e as Error).message}`, { pos: { file: args.file } });
    }
    const saved = await client(args).call<Artifact>("POST", "/api/artifact", body);
    if (args.output !== "json") await stderr("Artifact saved\n");
    await printResult(saved, args.output, (x) => JSON.stringify(x, null, 2) + "\n");
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List artifacts, newest at the bottom" },
  args: {
    repository: { type: "string", alias: "repo", description: "owner/repo" },
    branch: { type: "string", description: "Branch" },
    event: { type: "string", description: "push, tag or pr" },
    sourceBranch: { type: "string", description: "Source branch" },
    sha: { type: "string", description: "Commit sha (repeatable)" },
    limit: { type: "string", default: "3", description: "How many" },
    offset: { type: "string", default: "0", description: "Skip this many" },
    since: { type: "string", description: "RFC 3339" },
    until: { type: "string", description: "RFC 3339" },
    reverse: { type: "boolean", alias: "r", default: false, description: "Newest first" },
    ...serverFlags,
    ...outputFlag,
  },
  async run({ args, rawArgs }) {
    const q = new URLSearchParams();
    for (const k of ["repository", "branch", "event", "sourceBranch", "limit", "offset", "since", "until"] as const)
      if (args[k]) q.set(k, String(args[k]));
    for (const s of repeatedFlag(rawArgs, ["--sha"])) q.append("sha", s);
    const arts = await client(args).call<Artifact[]>("GET", `/api/artifacts?${q}`);
    const ordered = args.reverse ? arts : [...arts].reverse();
    await printResult(ordered, args.output, (xs) =>
      xs
        .map((a) => {
          const v = a.version;
          const lines = [
            a.id,
            `${v.sha.slice(0, 8)} - ${(v.message ?? "").split("\n")[0]!.slice(0, 80)} (${age(v.created)}) ${v.committerName ?? ""}`,
            `${v.repositoryName}@${v.branch ?? ""} ${v.url ?? ""}`,
          ];
          for (const m of a.environments as {
            app?: string;
            env?: string;
            deploy?: { event?: string; branch?: string };
          }[])
            lines.push(
              `  ${m.app} -> ${m.env}${m.deploy ? ` @ ${m.deploy.event ?? ""} on ${m.deploy.branch ?? ""}` : ""}`,
            );
          return lines.join("\n") + "\n";
        })
        .join("\n"),
    );
  },
});

const track = defineCommand({
  meta: { name: "track", description: "Track the policy deploys of an artifact; exits 1 if processing or Flux failed" },
  args: {
    id: { type: "positional", required: true, description: "Artifact id" },
    wait: { type: "boolean", alias: "w", default: false, description: "Wait until applied by Flux" },
    timeout: { type: "string", alias: "t", default: "10m", description: "How long to wait" },
    ...timelineFlags,
    ...serverFlags,
    ...outputFlag,
  },
  async run({ args }) {
    await trackUntilDone(client(args), `/api/eventArtifactTrack?artifactId=${encodeURIComponent(args.id)}`, {
      ...args,
      timeline: args.timeline ? args.id : undefined,
    });
  },
});

export default defineCommand({
  meta: { name: "artifact", description: "Create, enrich, push, list and track release artifacts" },
  subCommands: { create, add, push, list, track },
});
