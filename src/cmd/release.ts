/** `gimlet release make | list | status | rollback | track | delete` (reference §1.6). */
import { defineCommand } from "citty";
import type { Release } from "../core/gitops/index.ts";
import { client, serverFlags } from "./client.ts";
import { age, outputFlag, printResult } from "./output.ts";
import { trackUntilDone } from "./track.ts";

const envFlag = { env: { type: "string", required: true, description: "Environment" } } as const;

const make = defineCommand({
  meta: { name: "make", description: "Release an artifact to an env" },
  args: { ...envFlag, artifact: { type: "string", alias: "a", required: true, description: "Artifact id" }, app: { type: "string", description: "Only this app of the artifact" }, ...serverFlags, ...outputFlag },
  async run({ args }) {
    const r = await client(args).call<{ id: string }>("POST", "/api/releases", { env: args.env, artifactId: args.artifact, ...(args.app ? { app: args.app } : {}) });
    await printResult(r, args.output, (x) => `Release is now added to the release queue with ID ${x.id}\nTrack it with: gimlet release track ${x.id}\n`);
  },
});

function releasesText(rs: Release[]): string {
  return rs
    .map((r) => `${r.app} -> ${r.env} ${r.gitopsRepo}@${r.gitopsRef.slice(0, 12)}${r.rolledBack ? " **ROLLED BACK**" : ""} (${age(r.created)})\n  ${r.version?.repositoryName ?? ""}@${(r.version?.sha ?? "").slice(0, 8)} ${(r.version?.message ?? "").split("\n")[0]}\n`)
    .join("");
}

const list = defineCommand({
  meta: { name: "list", description: "Release history of an env" },
  args: { ...envFlag, app: { type: "string", description: "Only this app" }, limit: { type: "string", default: "3", description: "How many" }, offset: { type: "string", default: "0", description: "Skip this many" }, since: { type: "string", description: "RFC 3339" }, until: { type: "string", description: "RFC 3339" }, repo: { type: "string", description: "Only releases of this source repo" }, reverse: { type: "boolean", alias: "r", default: false, description: "Oldest first" }, ...serverFlags, ...outputFlag },
  async run({ args }) {
    const q = new URLSearchParams({ env: args.env, limit: args.limit, offset: args.offset });
    if (args.app) q.set("app", args.app);
    if (args.since) q.set("since", args.since);
    if (args.until) q.set("until", args.until);
    if (args.repo) q.set("git-repo", args.repo);
    const rs = await client(args).call<Release[]>("GET", `/api/releases?${q}`);
    await printResult(args.reverse ? [...rs].reverse() : rs, args.output, releasesText);
  },
});

const status = defineCommand({
  meta: { name: "status", description: "The release each app of an env holds now" },
  args: { ...envFlag, app: { type: "string", description: "Only this app" }, ...serverFlags, ...outputFlag },
  async run({ args }) {
    const q = new URLSearchParams({ env: args.env, ...(args.app ? { app: args.app } : {}) });
    const s = await client(args).call<Record<string, Release | null>>("GET", `/api/status?${q}`);
    await printResult(s, args.output, (x) => Object.entries(x).map(([app, r]) => (r ? `${app}: ${r.version?.repositoryName ?? ""}@${(r.version?.sha ?? "").slice(0, 8)} ${(r.version?.message ?? "").split("\n")[0]}\n` : `${app}: Release data not available\n`)).join(""));
  },
});

const rollback = defineCommand({
  meta: { name: "rollback", description: "Roll an app back to a gitops commit" },
  args: { ...envFlag, app: { type: "string", required: true, description: "Application" }, to: { type: "string", alias: "t", required: true, description: "Gitops commit sha", valueHint: "SHA" }, ...serverFlags, ...outputFlag },
  async run({ args }) {
    const r = await client(args).call<{ id: string }>("POST", `/api/rollback?${new URLSearchParams({ env: args.env, app: args.app, sha: args.to })}`);
    await printResult(r, args.output, (x) => `Rollback is now added to the release queue with ID ${x.id}\nTrack it with: gimlet release track ${x.id}\n`);
  },
});

const del = defineCommand({
  meta: { name: "delete", description: "Delete an app from an env" },
  args: { ...envFlag, app: { type: "string", required: true, description: "Application" }, ...serverFlags, ...outputFlag },
  async run({ args }) {
    const r = await client(args).call<{ id: string }>("POST", `/api/delete?${new URLSearchParams({ env: args.env, app: args.app })}`);
    await printResult(r, args.output, (x) => `Application instance deletion queued with ID ${x.id}\n`);
  },
});

const track = defineCommand({
  meta: { name: "track", description: "State of a release request; --wait until Flux applied it" },
  args: { id: { type: "positional", required: true, description: "Request id" }, wait: { type: "boolean", alias: "w", default: false, description: "Wait until every gitops commit is applied" }, timeout: { type: "string", alias: "t", default: "10m", description: "How long to wait" }, ...serverFlags, ...outputFlag },
  async run({ args }) {
    await trackUntilDone(client(args), `/api/eventReleaseTrack?id=${encodeURIComponent(args.id)}`, args);
  },
});

export default defineCommand({ meta: { name: "release", description: "Release, roll back, delete and track through gimlet serve" }, subCommands: { make, list, status, rollback, track, delete: del } });

