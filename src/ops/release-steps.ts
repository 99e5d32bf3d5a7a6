/**
 * The timeline steps nothing else keeps (a remote push, a rollout the agent reported), recorded once:
 * the first record of a step stands, so replicas that see the same state, or a retried event, never
 * move a time that was already shown.
 */
import type { ReleaseStepRecorded } from "../core/events.ts";
import type { ReleaseStep } from "../store/index.ts";
import type { OpsDeps } from "./deps.ts";

export interface StepDeps extends Pick<OpsDeps, "store" | "log"> {
  /** Announces a step this call recorded (the server's event hub: `release track --timeline` follows it). */
  publish?: (e: ReleaseStepRecorded) => void;
}

/** Records `s` unless it was recorded before; true when this call recorded it. Never throws: a lost step is logged. */
export async function recordStep(d: StepDeps, s: ReleaseStep): Promise<boolean> {
  try {
    if (!(await d.store.recordReleaseStep(s))) return false;
  } catch (err) {
    d.log?.("could not record a release step", { ...s, error: (err as Error).message });
    return false;
  }
  d.publish?.({ type: "release.step", ...s });
  return true;
}
