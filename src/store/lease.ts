/**
 * Holding a queue lease while an event is processed: renews it at a third of its length, so a slow
 * event keeps its claim and a dead worker's claim runs out. Once a renewal finds the lease gone
 * (another worker took the event over), `lost` turns true and renewals stop; the holder's finish is
 * then refused by the store, which is the point — its result would overwrite the new owner's.
 */
import type { Held, Lease, Store } from "./store.ts";

/** The default lease: short enough that another worker takes a dead one's event within 5 s. */
export const defaultLeaseMs = 5000;

export class LeaseKeeper {
  private timer?: ReturnType<typeof setInterval>;
  private renewing?: Promise<void>;
  lost = false;

  constructor(
    private readonly store: Pick<Store, "renewLease">,
    private readonly held: Held,
    private readonly lease: Lease,
    private readonly log?: (msg: string, fields?: Record<string, unknown>) => void,
  ) {
    this.timer = setInterval(() => this.renew(), Math.max(1, Math.floor(lease.ms / 3)));
  }

  private renew(): void {
    if (this.renewing || this.lost) return;
    this.renewing = this.store
      .renewLease(this.held.id, this.lease)
      .then((ok) => {
        if (ok) return;
        this.lost = true;
        this.stop();
        this.log?.("queue lease lost", { id: this.held.id, owner: this.lease.owner });
      })
      .catch((e) => this.log?.("queue lease renewal failed", { id: this.held.id, error: (e as Error).message }))
      .finally(() => (this.renewing = undefined));
  }

  /** Stops renewing (the event is finished or given back); waits for a renewal in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.renewing;
  }
}

/**
 * A worker's owner id, `<node>/<incarnation>`. `node` must be unique among live workers sharing a
 * store (one server per data dir makes the host name enough for SQLite); at start a worker ends the
 * leases of its node's earlier incarnations with `store.expireLeases(nodePrefix(node), owner)`.
 */
export function leaseOwner(node: string): string {
  return `${nodePrefix(node)}${crypto.randomUUID()}`;
}

export function nodePrefix(node: string): string {
  return `${node}/`;
}
