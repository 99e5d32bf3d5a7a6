/**
 * Bounds on what one template run may cost, so an untrusted template cannot hang or exhaust the
 * process: a step budget (nodes walked, range iterations, function calls and the inner loops of
 * the few functions whose work is not proportional to their result) and a size cap (bytes
 * written, and the size of any string or list a function builds). Go's text/template has neither;
 * a template that stays inside them renders exactly as in Go.
 *
 * Sizes are counted in UTF-16 code units, which is what a JS string costs (2 bytes each) and equal
 * to UTF-8 bytes for ASCII text.
 */

export interface TemplateLimits {
  /** Nodes, range iterations and function calls one run (or one shared {@link Budget}) may execute. */
  maxSteps: number;
  /** Bytes a run may write in total, and the largest string or list any function may produce. */
  maxOutputBytes: number;
}

/** For templates from people who are not the operator (artifacts posted to `gimlet serve`). */
export const untrustedLimits: Readonly<TemplateLimits> = Object.freeze({
  maxSteps: 1_000_000,
  maxOutputBytes: 4 << 20,
});

/** For the CLI rendering the user's own files: generous, but a typo cannot eat the machine. */
export const localLimits: Readonly<TemplateLimits> = Object.freeze({ maxSteps: 50_000_000, maxOutputBytes: 64 << 20 });

export type LimitName = "maxSteps" | "maxOutputBytes";

/** A limit was hit. The executor turns it into a TemplateError at the action that hit it. */
export class LimitError extends Error {
  override name = "LimitError";
  constructor(
    readonly limit: LimitName,
    readonly value: number,
    what: string,
  ) {
    super(
      limit === "maxSteps"
        ? `template exceeded its step limit of ${value.toLocaleString("en")} (${what})`
        : `template exceeded its output limit of ${value.toLocaleString("en")} bytes (${what})`,
    );
  }
}

/**
 * What runs may still spend. One budget can be shared by many runs (every templated value of a
 * manifest file), so the bounds hold for the whole file and not per value.
 */
export class Budget {
  steps = 0;
  /** Bytes written by finished runs. */
  written = 0;
  readonly limits: TemplateLimits;

  constructor(limits: Partial<TemplateLimits> = {}) {
    this.limits = { ...untrustedLimits, ...limits };
  }

  step(n = 1, what = "nodes, range iterations and function calls"): void {
    this.steps += n;
    if (this.steps > this.limits.maxSteps) throw new LimitError("maxSteps", this.limits.maxSteps, what);
  }

  /** Refuses a value (or a value about to be built) of `n` units. */
  size(n: number, what: string): void {
    if (n > this.limits.maxOutputBytes)
      throw new LimitError("maxOutputBytes", this.limits.maxOutputBytes, `${what} would be ${fmt(n)}`);
  }

  /** Refuses output when this run's `n` units plus what earlier runs wrote pass the cap. */
  output(n: number): void {
    if (this.written + n > this.limits.maxOutputBytes) {
      throw new LimitError("maxOutputBytes", this.limits.maxOutputBytes, `output reached ${fmt(this.written + n)}`);
    }
  }
}

const fmt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString("en") : "unbounded");

// Template functions are plain functions shared by every run; the run in progress lends them its
// budget here. Runs are synchronous, so at most one budget is active per thread.
let active: Budget | undefined;

export function withBudget<T>(b: Budget, f: () => T): T {
  const prev = active;
  active = b;
  try {
    return f();
  } finally {
    active = prev;
  }
}

/** Called by functions before they build something of `n` units. */
export function checkSize(n: number, what: string): void {
  active?.size(n, what);
}

/** Called by functions whose work is not bounded by the size of their result. */
export function chargeSteps(n: number, what: string): void {
  active?.step(n, what);
}
