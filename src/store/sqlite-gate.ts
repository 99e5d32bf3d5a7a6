/**
 * One bun:sqlite connection shared by async callers: while a transaction is open, its statements and
 * everyone else's would run on the same connection, inside it. The gate makes other callers wait for
 * the transaction to end (what a Postgres pool does by giving the transaction its own connection).
 */
import { AsyncLocalStorage } from "node:async_hooks";

interface Holder {
  done: Promise<void>;
}

export class Gate {
  private holder?: Holder;
  private readonly context = new AsyncLocalStorage<Holder>();

  /**
   * Runs the synchronous `fn` now if the connection is free (or the caller is the transaction's
   * handle), else once the transaction ends. The check and `fn` run in one turn, so no transaction
   * can begin between them. A throw becomes a rejection.
   */
  run<T>(inTx: boolean, fn: () => T): Promise<T> {
    try {
      if (!this.holder || inTx) return Promise.resolve(fn());
      if (this.context.getStore() === this.holder) {
        // The outer store used inside its own transaction would wait for itself forever.
        throw new Error("inside store.transaction(fn), use the tx handle fn receives, not the store");
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return this.holder.done.then(() => this.run(inTx, fn));
  }

  /** Runs `fn` holding the connection; other callers wait until it settles. */
  async hold<T>(fn: () => Promise<T>): Promise<T> {
    while (this.holder) await this.holder.done;
    let release!: () => void;
    const h: Holder = { done: new Promise<void>((r) => (release = r)) };
    this.holder = h;
    try {
      return await this.context.run(h, fn);
    } finally {
      this.holder = undefined;
      release();
    }
  }
}

/**
 * Connections to one database file in one process share a gate: bun:sqlite waits for a lock
 * synchronously, so a second connection writing while the first holds a transaction open across an
 * await would block the very thread that has to finish it.
 */
const shared = new Map<string, { gate: Gate; refs: number }>();

export function gateFor(file: string | undefined): { gate: Gate; release(): void } {
  if (!file) return { gate: new Gate(), release() {} };
  const entry = shared.get(file) ?? { gate: new Gate(), refs: 0 };
  shared.set(file, entry);
  entry.refs++;
  let released = false;
  return {
    gate: entry.gate,
    release() {
      if (released) return;
      released = true;
      if (--entry.refs === 0) shared.delete(file);
    },
  };
}
