/**
 * `release track --timeline`: the request's delivery timeline (GET /api/releases/ID/timeline), one
 * line per step, printed once each as steps get recorded. Lines come after the original `release
 * track` output, so scripts reading the original lines are not affected.
 */
import { UserError } from "../core/errors.ts";
import type { Timeline as TimelineJson, TimelineStep as TimelineStepJson } from "../core/release/index.ts";
import type { Client } from "./client.ts";

/** The flags `release track` and `artifact track` share for the timeline. */
export const timelineFlags = {
  timeline: {
    type: "boolean",
    default: false,
    description:
      "Also print the delivery timeline after the usual lines, one '<app> -> <env>: <step> at <time> (+<took>)' " +
      "line per step (with --wait: each step as it is recorded); -o json prints the timeline object instead",
  },
  until: {
    type: "string",
    default: "applied",
    description:
      "With --wait --timeline: 'applied' (Flux applied every commit) or 'rollout' (the agent saw it roll out)",
  },
} as const;

export async function readTimeline(c: Client, id: string): Promise<TimelineJson> {
  try {
    return await c.call<TimelineJson>("GET", `/api/releases/${encodeURIComponent(id)}/timeline`);
  } catch (e) {
    if (e instanceof UserError && /HTTP 404|not found/i.test(e.message)) {
      throw new UserError(`no timeline for request ${id}: ${e.message}`, {
        hint: "--timeline needs gimlet serve (GET /api/releases/ID/timeline) and an id from release make or artifact push",
      });
    }
    throw e;
  }
}

/** "2026-01-02T03:04:05Z" */
const iso = (at: number) => new Date(at * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

/** `+4s`, `+2m05s`, `+1h02m`: how long a step took after the one before. */
export function duration(s: number): string {
  if (s < 60) return `+${s}s`;
  if (s < 3600) return `+${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `+${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** `web -> staging: pushed at 2026-01-02T03:04:05Z (+1s)`, or why a step has no time. */
export function stepLine(r: { env: string; app: string }, s: TimelineStepJson): string {
  const head = `${r.app} -> ${r.env}: ${s.step}`;
  if (s.at === undefined) return `${head} not recorded${s.note ? ` (${s.note})` : ""}`;
  return `${head} at ${iso(s.at)}${s.took !== undefined ? ` (${duration(s.took)})` : ""}`;
}

/** Every step of every app, recorded or not (the one-shot `release track --timeline`). */
export function timelineText(t: TimelineJson): string {
  return t.results.flatMap((r) => r.steps.map((s) => `${stepLine(r, s)}\n`)).join("");
}

/** Remembers which steps were printed, so following a timeline prints each recorded step once. */
export class StepPrinter {
  private readonly printed = new Set<string>();

  /** The lines of recorded steps not printed before, in timeline order. */
  next(t: TimelineJson): string {
    let out = "";
    for (const r of t.results) {
      for (const s of r.steps) {
        const k = `${r.env}/${r.app}/${s.step}`;
        if (s.at === undefined || this.printed.has(k)) continue;
        this.printed.add(k);
        out += `${stepLine(r, s)}\n`;
      }
    }
    return out;
  }
}

/** Whether every app the request committed has its rollout recorded. */
/** `web -> staging: the rollout failed at …` for each app whose rollout was recorded failed. */
export function failedRollouts(t: TimelineJson): string[] {
  return t.results.flatMap((r) =>
    r.steps
      .filter((s) => s.step === "rollout complete" && !s.recorded && s.failedAt !== undefined)
      .map((s) => `${r.app} -> ${r.env}: ${s.note ?? "the rollout failed"}`),
  );
}

export function rolledOut(t: TimelineJson): boolean {
  const committed = t.results.filter((r) => r.hash);
  return (
    committed.length > 0 && committed.every((r) => r.steps.some((s) => s.step === "rollout complete" && s.recorded))
  );
}
