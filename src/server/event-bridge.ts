/**
 * Several replicas, one event stream: every event a replica's hub publishes is sent with Postgres
 * NOTIFY, and every replica LISTENs and delivers the others' events into its own hub. So an SSE
 * viewer (or `track --wait`) on replica B sees a release that replica A processed.
 *
 * Ids stay per replica: each hub numbers what it delivers (`<epoch>.<seq>`), relayed events
 * included, so ids are unique and increasing on the replica a client reads; a client that reconnects
 * to another replica sends an id of another epoch and gets a `resync`, as after a restart.
 * `env.created` is not relayed: every replica's env watch announces new envs from the shared store.
 * NOTIFY is not durable: events sent while a replica's listening connection was down are lost to it,
 * so when the connection comes back every subscriber there gets a `resync` and re-reads state.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { HubEvent } from "../core/events.ts";
import type { EventHub } from "./event-hub.ts";

export const CHANNEL = "gimlet_events";

/** What the bridge needs of the store (PostgresStore has it). */
export interface Bus {
  notify(channel: string, payload: string): Promise<void>;
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onListen?: () => void,
  ): Promise<{ unlisten(): Promise<void> }>;
}

export interface BridgeOptions {
  /** Payload cap of one notification (Postgres: 8000 bytes; a little less leaves room). */
  maxBytes?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Called for each event that came from another replica (the server wakes its worker on a queued one). */
  onRemote?: (e: HubEvent) => void;
}

interface Envelope {
  /** The sending replica: its own notifications come back to it and are dropped. */
  o: string;
  e: HubEvent;
}

export interface Bridge {
  readonly origin: string;
  /** Resolves when every notification sent so far has been handed to the database. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export async function bridgeEvents(hub: EventHub, bus: Bus, o: BridgeOptions = {}): Promise<Bridge> {
  const origin = crypto.randomUUID();
  const maxBytes = o.maxBytes ?? 7900;
  // One notification at a time, in publish order: queued comes before processed on every replica.
  let chain: Promise<void> = Promise.resolve();
  let listening = false;
  const sub = await bus.listen(
    CHANNEL,
    (payload) => {
      let env: Envelope;
      try {
        env = decode(payload);
      } catch (e) {
        o.log?.("event bridge: unreadable notification dropped", { error: (e as Error).message });
        return;
      }
      if (env.o === origin) return;
      hub.receive(env.e);
      o.onRemote?.(env.e);
    },
    () => {
      // Not the first LISTEN: the connection came back, and what was sent meanwhile never arrives.
      if (listening) {
        o.log?.("event bridge: listening again after a lost database connection");
        hub.resyncAll("the connection to the database was lost: events of other replicas may have been missed");
      }
      listening = true;
    },
  );
  hub.relay = (e) => {
    if (e.type === "env.created") return;
    const payload = encode({ o: origin, e }, maxBytes);
    if (payload === undefined) {
      o.log?.("event bridge: event too large to relay", { type: e.type });
      return;
    }
    chain = chain.then(() =>
      bus
        .notify(CHANNEL, payload)
        .catch((err) => o.log?.("event bridge: notify failed", { type: e.type, error: (err as Error).message })),
    );
  };
  return {
    origin,
    flush: () => chain,
    async stop() {
      hub.relay = undefined;
      await chain;
      await sub.unlisten().catch(() => undefined);
    },
  };
}

/** JSON, or `z:` + base64 gzip when the JSON is over the cap; undefined when even that is. */
export function encode(env: Envelope, maxBytes: number): string | undefined {
  const json = JSON.stringify(env);
  if (Buffer.byteLength(json) <= maxBytes) return json;
  const z = `z:${gzipSync(json).toString("base64")}`;
  return z.length <= maxBytes ? z : undefined;
}

export function decode(payload: string): Envelope {
  const json = payload.startsWith("z:")
    ? gunzipSync(Buffer.from(payload.slice(2), "base64")).toString("utf8")
    : payload;
  const env = JSON.parse(json) as Envelope;
  if (typeof env?.o !== "string" || typeof env.e?.type !== "string") throw new Error("not an event envelope");
  return env;
}
