/** `gimlet release make | list | status | rollback | track | delete` (reference §1.6). */
import { defineCommand } from "citty";
import { UserError } from "../core/errors.ts";
import type { Release } from "../core/gitops/index.ts";
import type { Preview } from "../ops/index.ts";
import { client, serverFlags } from "./client.ts";
import { printPreview } from "./diff.ts";
import { age, outputFlag, printResult } from "./output.ts";
import { parseDuration, trackUntilDone } from "./track.ts";
import { type StateFeed, stateFeed, type TrackedState } from "./track-events.ts";
import { timelineFlags } from "./track-timeline.ts";

const envFlag = { env: { type: "string", required: true, description: "Environment" } } as const;
const dryRunFlag = {
  "dry-run": {
    type: "boolean",
    default: false,
    description: "Print the diff of the gitops files it would change; queue nothing",
  },
} as const;

const make = defineCommand({
  meta: { name: "make", description: "Release an artifact to an env" },
  args: {
    ...envFlag,
    artifact: { type: "string", alias: "a", required: true, description: "Artifact id" },
    app: { type: "string", description: "Only this app of the artifact" },
    ...dryRunFlag,
    ...serverFlags,
    ...outputFlag,
  },
  async run({ args }) {
    if (args["dry-run"]) {
      const body = { env: args.env, artifactId: args.artifact, ...(args.app ? { app: args.app } : {}) };
      return printPreview(await client(args).call<Preview>("POST", "/api/releases?dryRun=true", body), args.output);
    }
    const r = await client(args).call<{ id: string }>("POST", "/api/releases", {
      env: args.env,
      artifactId: args.artifact,
      ...(args.app ? { app: args.app } : {}),
    });
    await printResult(
      r,
      args.output,
      (x) => `Release is now added to the release queue with ID ${x.id}\nTrack it with: gimlet release track ${x.id}\n`,
    );
  },
});

function releasesText(rs: Release[]): string {
  return rs
    .map(
      (r) =>
        `${r.app} -> ${r.env} ${r.gitopsRepo}@${r.gitopsRef.slice(0, 12)}${r.rolledBack ? " **ROLLED BACK**" : ""} (${age(r.created)})\n  ${r.version?.repositoryName ?? ""}@${(r.version?.sha ?? "").slice(0, 8)} ${(r.version?.message ?? "").split("\n")[0]}\n`,
    )
    .join("");
}

const list = defineCommand({
  meta: { name: "list", description: "Release history of an env" },
  args: {
    ...envFlag,
    app: { type: "string", description: "Only this app" },
    limit: { type: "string", default: "3", description: "How many" },
    offset: { type: "string", default: "0", description: "Skip this many" },
    since: { type: "string", description: "RFC 3339" },
    until: { type: "string", description: "RFC 3339" },
    repo: { type: "string", description: "Only releases of this source repo" },
    reverse: { type: "boolean", alias: "r", default: false, description: "Oldest first" },
    ...serverFlags,
    ...outputFlag,
  },
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
    await printResult(s, args.output, (x) =>
      Object.entries(x)
        .map(([app, r]) =>
          r
            ? `${app}: ${r.version?.repositoryName ?? ""}@${(r.version?.sha ?? "").slice(0, 8)} ${(r.version?.message ?? "").split("\n")[0]}\n`
            : `${app}: Release data not available\n`,
        )
        .join(""),
    );
  },
});

const rollback = defineCommand({
  meta: { name: "rollback", description: "Roll an app back to a gitops commit" },
  args: {
    ...envFlag,
    app: { type: "string", required: true, description: "Application" },
    to: { type: "string", alias: "t", required: true, description: "Gitops commit sha", valueHint: "SHA" },
    ...dryRunFlag,
    ...serverFlags,
    ...outputFlag,
  },
  async run({ args }) {
    const q = new URLSearchParams({
      env: args.env,
      app: args.app,
      sha: args.to,
      ...(args["dry-run"] ? { dryRun: "true" } : {}),
    });
    if (args["dry-run"])
      return printPreview(await client(args).call<Preview>("POST", `/api/rollback?${q}`), args.output);
    const r = await client(args).call<{ id: string }>("POST", `/api/rollback?${q}`);
    await printResult(
      r,
      args.output,
      (x) =>
        `Rollback is now added to the release queue with ID ${x.id}\nTrack it with: gimlet release track ${x.id}\n`,
    );
  },
});

const del = defineCommand({
  meta: {
    name: "delete",
    description:
      "Delete an app from an env; waits until the delete is committed (--no-wait: queue it and print the tracking id)",
  },
  args: {
    ...envFlag,
    app: { type: "string", required: true, description: "Application" },
    wait: {
      type: "boolean",
      default: true,
      description: "Wait until the gitops commit exists (--no-wait returns the tracking id at once)",
    },
    timeout: { type: "string", alias: "t", default: "5m", description: "How long to wait" },
    ...serverFlags,
    ...outputFlag,
  },
  async run({ args }) {
    const c = client(args);
    const q = new URLSearchParams({ env: args.env, app: args.app, ...(args.wait ? {} : { wait: "false" }) });
    const r = await c.call<Deleted>("POST", `/api/delete?${q}`);
    if (!args.wait) {
      await printResult(
        r,
        args.output,
        (x) => `Application instance deletion queued with ID ${x.id}\nTrack it with: gimlet release track ${x.id}\n`,
      );
      return;
    }
    const done = await waitProcessed(c, r, parseDuration(args.timeout));
    await printResult(done, args.output, (x) => {
      const res = x.results?.[0];
      return res?.hash
        ? `Application instance deleted (gitops commit ${res.hash.slice(0, 12)})\n`
        : `Application instance deleted (${res?.statusDesc || "nothing to delete"})\n`;
    });
  },
});

interface Deleted {
  id: string;
  status?: string;
  statusDesc?: string;
  results?: { app: string; env: string; hash: string; status: string; statusDesc: string }[];
}

/** The delete as GET /api/eventReleaseTrack shows it. */
type DeleteTrack = Omit<Deleted, "id"> & TrackedState;

/**
 * Waits until the worker processed the request (the server already waits; this covers a long queue),
 * following /api/events as `track --wait` does; a server without it is polled.
 */
async function waitProcessed(c: ReturnType<typeof client>, r: Deleted, timeoutMs: number): Promise<Deleted> {
  const deadline = Date.now() + timeoutMs;
  const intervalMs = Number(process.env.GIMLET_TRACK_INTERVAL_MS ?? 2000);
  const path = `/api/eventReleaseTrack?id=${encodeURIComponent(r.id)}`;
  let feed: StateFeed<DeleteTrack> | undefined;
  let cur = r;
  try {
    while (cur.status !== "processed") {
      if (cur.status === "error") throw new UserError(`the delete failed: ${cur.statusDesc}`);
      if (Date.now() > deadline)
        throw new UserError(`timed out: the delete is still ${cur.status ?? "queued"}`, {
          hint: `track it with: gimlet release track ${r.id}`,
        });
      feed ??= stateFeed<DeleteTrack>(c, path, { wait: true, intervalMs });
      cur = { id: r.id, ...(await feed.next(deadline)) };
    }
  } finally {
    feed?.close();
  }
  return cur;
}

const track = defineCommand({
  meta: {
    name: "track",
    description: "State of a release request; --wait until Flux applied it; exits 1 if it failed",
  },
  args: {
    id: { type: "positional", required: true, description: "Request id" },
    wait: { type: "boolean", alias: "w", default: false, description: "Wait until every gitops commit is applied" },
    timeout: { type: "string", alias: "t", default: "10m", description: "How long to wait" },
    ...timelineFlags,
    ...serverFlags,
    ...outputFlag,
  },
  async run({ args }) {
    await trackUntilDone(client(args), `/api/eventReleaseTrack?id=${encodeURIComponent(args.id)}`, {
      ...args,
      timeline: args.timeline ? args.id : undefined,
    });
  },
});

export default defineCommand({
  meta: { name: "release", description: "Release, roll back, delete and track through gimlet serve" },
  subCommands: { make, list, status, rollback, track, delete: del },
});
