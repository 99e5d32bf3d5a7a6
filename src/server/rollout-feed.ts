/** The hub's app states, local and bridged from other replicas, fed to the rollout recorder one at a time. */
import type { RolloutWatch } from "../ops/index.ts";
import type { EventHub } from "./event-hub.ts";

export function feedRollouts(events: EventHub, watch: RolloutWatch): { stop(): Promise<void> } {
  const sub = events.subscribe({ filter: (e) => e.type === "app.state" });
  const loop = (async () => {
    while (!sub.closed) {
      await sub.wait();
      // A resync (this fell behind) needs nothing re-read: the app's next state is checked as usual.
      for (const d of sub.take(100)) if (d.kind === "event") await watch.handle(d.p.event);
    }
  })();
  return {
    async stop() {
      sub.close();
      await loop;
    },
  };
}
