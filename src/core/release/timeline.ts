/**
 * The delivery timeline's shape, one for every reader: the API (ops), `release track --timeline`
 * (cmd, reading the API's JSON) and the dashboard (ui).
 */

/** One step of a release's delivery: when it happened and the seconds since the step before. */
export interface TimelineStep {
  step: string;
  /** Unix seconds; absent when not recorded. */
  at?: number;
  /** Seconds since the previous step that has a time. */
  took?: number;
  recorded: boolean;
  note?: string;
  /** The rollout step only: when the agent's state showed this release's rollout failed (unix seconds). */
  failedAt?: number;
}

export interface Timeline {
  id: string;
  type: string;
  status: string;
  /** Per app the request wrote: its own steps after the common ones. */
  results: { env: string; app: string; hash: string; steps: TimelineStep[] }[];
}
