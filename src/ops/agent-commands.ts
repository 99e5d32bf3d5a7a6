/**
 * The commands sent to agents that wait for a result: each by its id, with the env it went to (an
 * agent can only answer its own env's commands) and a timer that settles it when no answer comes.
 */
import type { CommandResult } from "../core/agent/wire.ts";
import { ConflictError } from "../core/errors.ts";

type Waiter = {
  env: string;
  settle: (r: CommandResult | Error) => void;
  /** A forwarded command's replica lost the agent: the command fails as "none connected". */
  failsWhenGone: boolean;
};

export class PendingCommands {
  private readonly waiting = new Map<string, Waiter>();

  /**
   * Registers command `id`, then calls `send`; resolves with the agent's result. When none comes within
   * `timeoutMs`, `timedOut()` gives the outcome (an Error rejects).
   */
  wait(
    c: { env: string; id: string; timeoutMs: number; failsWhenGone: boolean },
    timedOut: () => CommandResult | Error,
    send: () => void,
  ): Promise<CommandResult> {
    return new Promise<CommandResult>((resolve, reject) => {
      const settle = (r: CommandResult | Error) => (r instanceof Error ? reject(r) : resolve(r));
      const timer = setTimeout(() => {
        this.waiting.delete(c.id);
        settle(timedOut());
      }, c.timeoutMs);
      this.waiting.set(c.id, {
        env: c.env,
        failsWhenGone: c.failsWhenGone,
        settle: (r) => {
          clearTimeout(timer);
          settle(r);
        },
      });
      send();
    });
  }

  /** A command's result from the agent; false when nobody waits for it (late, or another env's id). */
  result(env: string, id: string, r: CommandResult): boolean {
    const w = this.waiting.get(id);
    if (!w || w.env !== env) return false;
    this.waiting.delete(id);
    w.settle(r);
    return true;
  }

  /** The replica a command was forwarded to no longer holds the env's agent. */
  gone(env: string, id: string): void {
    const w = this.waiting.get(id);
    if (!w || w.env !== env) return;
    this.waiting.delete(id);
    if (w.failsWhenGone) w.settle(notConnected(env));
  }

  /** Every waiting command (of `env` only, when given) ends with `error` as its result. */
  failAll(error: string, env?: string): void {
    for (const [id, w] of this.waiting) {
      if (env !== undefined && w.env !== env) continue;
      this.waiting.delete(id);
      w.settle({ ok: false, error });
    }
  }
}

export function notConnected(env: string): ConflictError {
  return new ConflictError(`no agent of env ${env} is connected`, {
    hint: `deploy one with gimlet agent manifests --env ${env}`,
  });
}
