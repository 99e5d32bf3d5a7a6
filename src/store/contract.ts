/**
 * The Store contract suite: every implementation runs it (as Hono runs one router suite against each
 * router). `storeContract(name, make)` registers describe/test blocks; `make` opens an empty store on
 * a test clock and can open more connections to the same data, as other processes would.
 *   storeContract("sqlite", async ({ clock }) => …)
 */
import { afterEach, describe } from "bun:test";
import { accountTests } from "./contract-accounts.ts";
import { agentStateTests } from "./contract-agents.ts";
import { queueTests } from "./contract-queue.ts";
import { recordTests } from "./contract-records.ts";
import { sessionTests } from "./contract-sessions.ts";
import { releaseStepTests } from "./contract-steps.ts";
import type { Cipher } from "./secrets.ts";
import type { Store } from "./store.ts";

export interface StoreFixture {
  /** A fresh, empty store (no cipher set). */
  store: Store;
  /** Another connection to the same data, as a second process would open it. */
  connect(opts?: { cipher?: Cipher }): Promise<Store>;
  /** Closes every connection and removes the data. */
  dispose(): Promise<void>;
}

/** `clock()` is milliseconds since the epoch; record times are its whole seconds. */
export type MakeStore = (opts: { clock: () => number }) => Promise<StoreFixture>;

/** A clock the tests move by hand, starting at a fixed, whole second. */
export class TestClock {
  ms = 1_700_000_000_000;
  readonly now = () => this.ms;
  get seconds(): number {
    return Math.floor(this.ms / 1000);
  }
}

export interface Harness {
  /** A fresh fixture on a fresh clock, disposed after the test. */
  open(): Promise<StoreFixture & { clock: TestClock }>;
}

export function storeContract(name: string, make: MakeStore): void {
  const open: Harness["open"] = async () => {
    const clock = new TestClock();
    const f = await make({ clock: clock.now });
    opened.push(f);
    return { ...f, clock };
  };
  const opened: StoreFixture[] = [];
  const h: Harness = { open };
  describe(`Store contract: ${name}`, () => {
    afterEach(async () => {
      for (const f of opened.splice(0)) await f.dispose();
    });
    accountTests(h);
    queueTests(h);
    recordTests(h);
    agentStateTests(h);
    sessionTests(h);
    releaseStepTests(h);
  });
}
