/** A release's delivery timeline: each step's time and how long it took after the one before. */
import type { VNode } from "preact";
import type { TimelineStep } from "../../core/release/timeline.ts";
import { Time } from "./bits.tsx";

/** "+3 s", "+2 min": how long a step took after the one before. */
export function took(seconds: number | undefined): string {
  if (seconds === undefined) return "";
  const s = Math.max(0, seconds);
  if (s < 120) return `+${s} s`;
  if (s < 7200) return `+${Math.round(s / 60)} min`;
  return `+${Math.round(s / 3600)} h`;
}

/** A step's colour: recorded is done; Flux's failure or a failed live rollout is bad; the rest is waiting. */
function stepTone(x: TimelineStep, rollout: string | undefined): "ok" | "bad" | "warn" {
  if (x.recorded) return "ok";
  if (x.step === "Flux applied" && /failed/.test(x.note ?? "")) return "bad";
  return x.step === "rollout complete" && (rollout === "failed" || x.failedAt !== undefined) ? "bad" : "warn";
}

/**
 * artifact created → received → requested → gitops commit → pushed → Flux applied → rollout complete:
 * each step's time (absolute in the tooltip) and its duration since the step before; a step with no
 * record says so. `rollout` is what the agent shows now of the current release, for a rollout not yet
 * recorded complete.
 */
export function Timeline(props: { steps: TimelineStep[]; now: number; rollout?: string }): VNode {
  return (
    <ol class="timeline" aria-label="Delivery">
      {props.steps.map((x) => {
        // A recorded failure outranks the live view: it says when, and stays after the pods change.
        const live =
          x.step === "rollout complete" && !x.recorded && props.rollout && x.failedAt === undefined
            ? props.rollout
            : "";
        return (
          <li class={`t-${stepTone(x, props.rollout)}`} title={x.recorded ? x.note : undefined}>
            {x.step}{" "}
            {x.at !== undefined ? (
              <>
                <Time t={x.at} now={props.now} />
                {x.took !== undefined ? (
                  <>
                    {" "}
                    <span class="muted" title="since the step before">
                      {took(x.took)}
                    </span>
                  </>
                ) : null}
              </>
            ) : (
              <span class="muted">
                not recorded
                {live ? ` (the agent shows the rollout ${live})` : x.note ? ` (${x.note})` : ""}
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}
