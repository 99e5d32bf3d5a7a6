/** `gimlet stats`: the DORA figures of releases through gimlet serve (GET /api/stats). */
import { defineCommand } from "citty";
import { UserError } from "../core/errors.ts";
import { parseDuration } from "../core/params.ts";
import type { DoraStats, Percentiles } from "../core/stats/dora.ts";
import { client, serverFlags } from "./client.ts";
import { outputFlag, printResult } from "./output.ts";

/** `30d`, `12h`, `2w` before now, or an RFC 3339 time, as RFC 3339. */
export function sinceTime(v: string, now = Date.now()): string {
  const m = /^(\d+)([hdw])$/.exec(v);
  if (m) return new Date(now - Number(m[1]) * { h: 3600, d: 86_400, w: 604_800 }[m[2] as "h"] * 1000).toISOString();
  if (!Number.isNaN(Date.parse(v))) return v;
  throw new UserError(`--since ${JSON.stringify(v)} is neither a duration nor a time`, {
    path: "--since",
    hint: "e.g. 30d, 12h, 2w or 2026-01-31T00:00:00Z",
  });
}

export function duration(s: number | undefined): string {
  if (s === undefined) return "–";
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ""}`;
  if (s < 86_400)
    return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ""}`;
  return `${(s / 86_400).toFixed(1)}d`;
}

/** A window as typed: `24h`, `7d`, `90m`. */
export function span(s: number): string {
  if (s >= 2 * 86_400 && s % 86_400 === 0) return `${s / 86_400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  return s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}

const pct = (p: Percentiles) => (p.count ? `p50 ${duration(p.p50)}, p90 ${duration(p.p90)}` : "–");

export function statsText(s: DoraStats & { envs: string[] }, app?: string): string {
  const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
  const what = `${s.envs.join(", ") || "no env"}${app ? ` (${app})` : ""}`;
  return [
    `Delivery of ${what}, ${day(s.since)} → ${day(s.until)}`,
    `Deployment frequency   ${s.deployments} deploy${s.deployments === 1 ? "" : "s"}, ${s.deploymentsPerDay}/day`,
    `Lead time for changes  ${pct(s.leadTime)} (${s.leadTime.count} measured)`,
    `Change failure rate    ${(s.changeFailureRate * 100).toFixed(1)}% (${s.failedDeployments} of ${s.deployments})` +
      // An older server sends no window.
      (s.failureWindow ? `, rollbacks within ${span(s.failureWindow)} count` : ""),
    `Time to restore        ${pct(s.timeToRestore)} (${s.timeToRestore.count} restored, ${s.timeToRestore.open} open)`,
    "",
  ].join("\n");
}

export default defineCommand({
  meta: {
    name: "stats",
    description: "DORA figures: deployment frequency, lead time, change failure rate, time to restore",
  },
  args: {
    env: { type: "string", description: "Only this env (default: every env you may read)" },
    app: { type: "string", description: "Only this app" },
    since: {
      type: "string",
      default: "30d",
      description: "Window start: a duration back from now (30d, 12h, 2w) or an RFC 3339 time",
      valueHint: "30d",
    },
    "failure-window": {
      type: "string",
      default: "24h",
      description: "A release rolled back within this long after it counts as failed (90m, 24h, 7d)",
      valueHint: "24h",
    },
    ...serverFlags,
    ...outputFlag,
  },
  async run({ args }) {
    const failureWindow = String(parseDuration(args["failure-window"], "--failure-window"));
    const q = new URLSearchParams({ since: sinceTime(args.since), failureWindow });
    if (args.env) q.set("env", args.env);
    if (args.app) q.set("app", args.app);
    const s = await client(args).call<DoraStats & { envs: string[] }>("GET", `/api/stats?${q}`);
    await printResult(s, args.output, (x) => statsText(x, args.app));
  },
});
