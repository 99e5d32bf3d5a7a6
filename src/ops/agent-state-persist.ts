/**
 * The AgentHub's writes of an env's state to the store: a snapshot at once, updates at most every
 * `persistMs`, one env's writes chained so the newest lands last. A restarted server reads the last
 * written state once per env and shows it (stale) until the env's agent reports.
 */
import type { EnvState } from "../core/agent/state.ts";
import type { Store } from "../store/index.ts";
import type { EnvLive } from "./agent-env-live.ts";

export class AgentStatePersistence {
  /** Set once the server stops: scheduled writes are no longer started (`stop` writes what is left). */
  stopped = false;

  constructor(
    private readonly o: {
      store: Pick<Store, "putAgentState" | "agentState">;
      log?: (msg: string, fields?: Record<string, unknown>) => void;
      persistMs?: number;
    },
  ) {}

  /** Reads the persisted state once per env, unless an agent reported first. */
  async load(e: EnvLive): Promise<void> {
    e.loaded ??= (async () => {
      if (e.state) return;
      const row = await this.o.store.agentState(e.env);
      if (!row || e.state) return;
      try {
        e.state = JSON.parse(row.state) as EnvState;
        e.updated = row.updated * 1000;
      } catch (err) {
        this.o.log?.("stored agent state unreadable; ignored", { env: e.env, error: (err as Error).message });
      }
    })();
    await e.loaded;
  }

  /** The state changed: written within `persistMs`. */
  schedule(e: EnvLive): void {
    e.persistDirty = true;
    if (this.stopped) return;
    e.persistTimer ??= setTimeout(() => {
      e.persistTimer = undefined;
      void this.write(e);
    }, this.o.persistMs ?? 2000);
  }

  /** Writes the state now; resolves once this and every earlier write of the env landed. */
  write(e: EnvLive): Promise<void> {
    this.cancel(e);
    const text = JSON.stringify(e.state);
    e.writing = e.writing.then(() =>
      this.o.store.putAgentState(e.env, text).catch((err: Error) => {
        this.o.log?.("could not persist the agent state", { env: e.env, error: err.message });
      }),
    );
    return e.writing;
  }

  /** Drops the unwritten state (a write under way still lands). */
  cancel(e: EnvLive): void {
    clearTimeout(e.persistTimer);
    e.persistTimer = undefined;
    e.persistDirty = false;
  }
}
