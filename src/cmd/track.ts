/** Shared by `release track` and `artifact track`: print a request's state, or wait for Flux. */
import { UserError } from "../core/errors.ts";
import { fluxVerdict } from "../core/flux/verdict.ts";
import type { Client } from "./client.ts";
import { stderr, stdout } from "./io.ts";
import { printResult } from "./output.ts";
import { stateFeed } from "./track-events.ts";
import { failedRollouts, readTimeline, rolledOut, StepPrinter, timelineText } from "./track-timeline.ts";

interface Tracked {
  type: string;
  status: string;
  statusDesc: string;
  results: {
    app: string;
    env: string;
    hash: string;
    status: string;
    statusDesc: string;
    gitopsCommitStatus: string;
    gitopsCommitStatusDesc: string;
  }[];
}

export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s);
  if (!m) throw new UserError(`invalid duration ${JSON.stringify(s)}`, { path: "--timeout", hint: "e.g. 30s, 10m" });
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms"];
}

function verdict(t: Tracked): "done" | "failed" | "pending" {
  if (t.status === "error") return "failed";
  if (t.status !== "processed") return "pending";
  // As the original's ExtractGitopsEndState: a manifest that failed to render fails the request too.
  const flux = (r: Tracked["results"][number]) => fluxVerdict(r.gitopsCommitStatus, r.gitopsCommitStatusDesc);
  if (t.results.some((r) => flux(r) === "failed" || r.status === "failure")) return "failed";
  return t.results.filter((r) => r.hash).every((r) => flux(r) === "applied") ? "done" : "pending";
}

function failure(t: Tracked): string {
  return (
    t.statusDesc ||
    t.results
      .map((r) => r.gitopsCommitStatusDesc || r.statusDesc)
      .filter(Boolean)
      .join("; ") ||
    t.status
  );
}

function describe(t: Tracked): string {
  const head = `Request is ${t.status}${t.statusDesc ? ` ${t.statusDesc}` : ""}\n`;
  return (
    head +
    t.results
      .map(
        (r) =>
          `  ${r.app} -> ${r.env} ${r.hash ? r.hash.slice(0, 12) : "(no commit)"} ${r.gitopsCommitStatus || "N/A"}${r.statusDesc ? ` ${r.statusDesc}` : ""}\n`,
      )
      .join("")
  );
}

export interface TrackArgs {
  wait?: boolean;
  timeout?: string;
  output?: string;
  /** The request id whose delivery timeline is printed too (`release track --timeline`). */
  timeline?: string;
  /** With --wait: "applied" (Flux applied every commit, the default) or "rollout" (the agent saw it roll out). */
  until?: string;
}

/**
 * Prints once, or with --wait follows until every gitops commit is applied (exit 0) or fails (exit 1).
 * Without --wait a request that already failed (processing error, or Flux failed a commit) exits 1
 * too, as the original client did, after printing its state. With a timeline, its steps follow the
 * original lines: all of them once, or with --wait each recorded step as it is recorded; `-o json`
 * then prints the timeline object instead.
 */
export async function trackUntilDone(c: Client, path: string, args: TrackArgs): Promise<void> {
  const until = args.until ?? "applied";
  if (until !== "applied" && until !== "rollout")
    throw new UserError(`invalid --until ${JSON.stringify(until)}`, { path: "--until", hint: "applied or rollout" });
  if (until === "rollout" && !args.timeline)
    throw new UserError("--until rollout needs --timeline", { path: "--until", hint: "add --timeline" });
  const deadline = Date.now() + parseDuration(args.timeout ?? "10m");
  const interval = Number(process.env.GIMLET_TRACK_INTERVAL_MS ?? 2000);
  const json = args.output === "json";
  // --wait follows the server's event stream; it polls every `interval` only a server without one.
  const feed = stateFeed<Tracked>(c, path, { wait: !!args.wait, intervalMs: interval });
  const printer = new StepPrinter();
  let last = "";
  for (;;) {
    const t = await feed.next(deadline);
    const v = verdict(t);
    const tl = args.timeline ? await readTimeline(c, args.timeline) : undefined;
    if (!args.wait) {
      if (tl) await printResult(tl, args.output, (x) => describe(t) + timelineText(x));
      else await printResult(t, args.output, describe);
      if (v === "failed") throw new UserError(`the release failed: ${failure(t)}`);
      return;
    }
    const text = describe(t);
    if (text !== last && !json) await stderr(text);
    last = text;
    if (tl && !json) {
      const lines = printer.next(tl);
      if (lines) await stdout(lines);
    }
    const failedRollout = until === "rollout" && tl ? failedRollouts(tl) : [];
    if (failedRollout.length) throw new UserError(`the release's rollout failed: ${failedRollout.join("; ")}`);
    const done = v === "done" && (until === "applied" || rolledOut(tl!));
    if (done) return json ? printResult<unknown>(tl ?? t, "json", () => "") : undefined;
    if (v === "failed") throw new UserError(`the release failed: ${failure(t)}`);
    if (Date.now() > deadline)
      throw new UserError(
        v === "done"
          ? `timed out after ${args.timeout}: Flux applied the release, no agent reported its rollout`
          : `timed out after ${args.timeout}: the release is ${t.status}, Flux has not reported every commit applied`,
        v === "done" ? { hint: "is an agent running in the env? (gimlet agent manifests)" } : {},
      );
  }
}
