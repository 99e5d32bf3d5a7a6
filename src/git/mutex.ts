/**
 * One writer per repository inside a process: operations on the same repo handle run one at a time.
 * The lock lives on the handle (`lockOf`), so whoever owns the handle owns the lock; across handles
 * and processes, branch moves are compare-and-swap (git's `.lock` protocol).
 */
import type { GitRepo } from "./repo.ts";

export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    this.tail = prev.then(() => mine);
    await prev.catch(() => undefined);
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** The write lock of a repo handle. */
export function lockOf(repo: GitRepo): Mutex {
  return ((repo.owned ??= {}).lock ??= new Mutex());
}
