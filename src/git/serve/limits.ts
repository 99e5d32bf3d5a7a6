/**
 * Bounds on the work one git request may cause: a request of a few KB must not buy minutes of CPU.
 * Over a bound, the client gets a clear error naming it, never a half-made answer.
 */
import { ProtocolError } from "../pktline.ts";

export interface GitLimits {
  /** `want` lines per upload-pack request (git's own clients send one per ref). */
  maxWants: number;
  /** `have` lines per request (a stateless client resends its haves every round). */
  maxHaves: number;
  /** Largest `deepen N`. */
  maxDepth: number;
  /** Commands per receive-pack request. */
  maxCommands: number;
  /** Wall-clock budget for computing one answer (before the pack streams), ms. */
  budgetMs: number;
}

export const defaultLimits: GitLimits = {
  maxWants: 4096,
  maxHaves: 65536,
  maxDepth: 1_000_000,
  maxCommands: 1024,
  budgetMs: 30_000,
};

/** Too much work asked for: a 400-class refusal (the request, not the server, is at fault). */
export class LimitError extends ProtocolError {
  override name = "LimitError";
}

/** A deadline checked from inside long walks, cheaply (the clock is read every 1024 steps). */
export class Budget {
  private steps = 0;
  private readonly deadline: number;
  constructor(private readonly ms: number) {
    this.deadline = Date.now() + ms;
  }
  tick(): void {
    if ((++this.steps & 1023) === 0 && Date.now() > this.deadline) {
      throw new LimitError(`request exceeded its ${this.ms / 1000} s work budget`, {
        hint: "fetch fewer refs or a shallower history per request",
      });
    }
  }
}
