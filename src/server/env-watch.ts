/**
 * Publishes `env.created` for envs that appear while the server runs. Today `gimlet env create`
 * writes them into the data dir's store directly, not through the server, so the server only learns
 * of a new env by looking; a route that creates envs can publish itself and call `seen(name)`.
 */
import type { Environment } from "../store/index.ts";
import type { EventHub } from "./event-hub.ts";
import { envCreated } from "./hub-events.ts";

export interface EnvWatch {
  /** Looks once now (tests; a route after creating an env). */
  check(): Promise<void>;
  /** Marks an env as already announced. */
  seen(name: string): void;
  stop(): void;
}

export function watchEnvs(
  store: { envs(): Environment[] | Promise<Environment[]> },
  hub: EventHub,
  o: { intervalMs?: number; log?: (msg: string, fields?: Record<string, unknown>) => void } = {},
): EnvWatch {
  let known: Set<string> | undefined;
  let running: Promise<void> | undefined;
  const look = async () => {
    try {
      const envs = await store.envs();
      if (!known) known = new Set(envs.map((e) => e.name));
      for (const e of envs) {
        if (known.has(e.name)) continue;
        known.add(e.name);
        hub.publish(envCreated(e));
      }
    } catch (err) {
      o.log?.("env watch failed", { error: (err as Error).message });
    }
  };
  // One look at a time; a caller during a look waits for that one.
  const check = () => (running ??= look().finally(() => (running = undefined)));
  // The envs present at start are not news; only later ones are announced.
  void check();
  const timer = setInterval(check, o.intervalMs ?? 2000);
  timer.unref?.();
  return {
    check,
    seen(name) {
      known?.add(name);
    },
    stop() {
      clearInterval(timer);
    },
  };
}
