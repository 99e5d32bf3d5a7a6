/**
 * The server's in-process event hub: numbered events fan out to subscribers, and the last N stay in a
 * ring buffer so a reconnecting client can resume from its Last-Event-ID.
 *
 * Publishing is synchronous and never waits for a subscriber. Each subscriber has a bounded queue;
 * when it is full the queue is dropped and replaced by one `resync` marker, and events are dropped
 * for that subscriber until it takes the marker. So a client that stops reading costs at most its
 * queue, never a growing backlog, and it learns that it must re-read state.
 */
import type { HubEvent, Published } from "../core/events.ts";

export type Delivery = { kind: "event"; p: Published } | { kind: "resync"; reason: string };

export interface HubOptions {
  /** Events kept for resume (Last-Event-ID). */
  bufferSize?: number;
  /** Events a subscriber may have waiting before it gets `resync` instead. */
  queueLimit?: number;
  now?: () => number;
  /** Distinguishes this hub's ids from a previous process's; defaults to the start time. */
  epoch?: string;
}

export interface SubscribeOptions {
  /** A wire id (`<epoch>.<seq>`) from Last-Event-ID: replay what came after it. */
  after?: string;
  filter?: (e: HubEvent) => boolean;
}

export interface Subscription {
  /** What is waiting now, without blocking; at most `max` items. */
  take(max?: number): Delivery[];
  /** Resolves when something is waiting, the subscription closes, or `timeoutMs` passes. */
  wait(timeoutMs?: number): Promise<void>;
  readonly closed: boolean;
  close(): void;
}

interface Sub {
  replay: Published[];
  queue: Delivery[];
  resyncPending: boolean;
  filter?: (e: HubEvent) => boolean;
  wake?: () => void;
  closed: boolean;
}

export class EventHub {
  readonly epoch: string;
  private readonly ring: (Published | undefined)[];
  private readonly queueLimit: number;
  private readonly now: () => number;
  private seq = 0;
  private readonly subs = new Set<Sub>();
  private resyncs = 0;

  constructor(o: HubOptions = {}) {
    const size = o.bufferSize ?? 1000;
    if (!Number.isInteger(size) || size < 1) throw new Error("bufferSize must be a positive integer");
    this.ring = new Array(size);
    this.queueLimit = Math.max(1, o.queueLimit ?? 256);
    this.now = o.now ?? Date.now;
    this.epoch = o.epoch ?? Date.now().toString(36);
  }

  /** The id a client sees (and sends back as Last-Event-ID). */
  wireId(seq: number): string {
    return `${this.epoch}.${seq}`;
  }

  /**
   * Set by a bridge to other replicas (event-bridge.ts): every event published here is handed to it
   * too. Events that arrive from other replicas come in through `receive` and are not handed back.
   */
  relay?: (event: HubEvent) => void;

  publish(event: HubEvent): Published {
    const p = this.receive(event);
    this.relay?.(event);
    return p;
  }

  /** Delivers an event another replica published: numbered and buffered here like a local one. */
  receive(event: HubEvent): Published {
    const p: Published = { seq: ++this.seq, time: this.now(), event };
    this.ring[p.seq % this.ring.length] = p;
    for (const s of this.subs) {
      if (s.filter && !safely(s.filter, event)) continue;
      if (s.resyncPending) continue;
      if (s.queue.length >= this.queueLimit) {
        const reason = `more than ${this.queueLimit} events waiting: the client reads too slowly`;
        s.queue = [{ kind: "resync", reason }];
        s.replay = [];
        s.resyncPending = true;
        this.resyncs++;
      } else {
        s.queue.push({ kind: "event", p });
      }
      s.wake?.();
    }
    return p;
  }

  /** Tells every subscriber to re-read state (events may have been missed, e.g. from other replicas). */
  resyncAll(reason: string): void {
    for (const s of this.subs) {
      if (s.resyncPending) continue;
      s.queue.push({ kind: "resync", reason });
      s.resyncPending = true;
      this.resyncs++;
      s.wake?.();
    }
  }

  subscribe(o: SubscribeOptions = {}): Subscription {
    const s: Sub = { replay: [], queue: [], resyncPending: false, filter: o.filter, closed: false };
    if (o.after !== undefined) {
      const r = this.resume(o.after);
      // Live events queue up behind the marker: the client re-reads state, then applies them.
      if ("resync" in r) s.queue.push({ kind: "resync", reason: r.resync });
      else s.replay = o.filter ? r.events.filter((p) => o.filter!(p.event)) : r.events;
    }
    this.subs.add(s);
    const hub = this;
    return {
      take(max = Infinity) {
        const out: Delivery[] = [];
        while (out.length < max && s.replay.length) out.push({ kind: "event", p: s.replay.shift()! });
        while (out.length < max && s.queue.length) {
          const d = s.queue.shift()!;
          if (d.kind === "resync") s.resyncPending = false;
          out.push(d);
        }
        return out;
      },
      wait(timeoutMs) {
        if (s.closed || s.replay.length || s.queue.length) return Promise.resolve();
        return new Promise<void>((resolve) => {
          const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
          function done() {
            clearTimeout(timer);
            s.wake = undefined;
            resolve();
          }
          s.wake = done;
        });
      },
      get closed() {
        return s.closed;
      },
      close() {
        if (s.closed) return;
        s.closed = true;
        s.queue = [];
        s.replay = [];
        hub.subs.delete(s);
        s.wake?.();
      },
    };
  }

  /** The buffered events after a wire id, or why the client must resync instead. */
  private resume(after: string): { events: Published[] } | { resync: string } {
    const m = /^([0-9a-z]+)\.(\d+)$/.exec(after);
    if (!m) return { resync: `Last-Event-ID ${JSON.stringify(after)} is not an id this server sent` };
    if (m[1] !== this.epoch) return { resync: "the server restarted since that event" };
    const last = Number(m[2]);
    if (last > this.seq) return { resync: "that event id is from the future: the server restarted" };
    const oldest = Math.max(1, this.seq - this.ring.length + 1);
    if (last + 1 < oldest) return { resync: `event ${after} is older than the ${this.ring.length} events kept` };
    const events: Published[] = [];
    for (let seq = last + 1; seq <= this.seq; seq++) events.push(this.ring[seq % this.ring.length]!);
    return { events };
  }

  /** Prometheus text lines for /metrics. */
  metrics(): string[] {
    const s = this.stats();
    return [
      "# HELP gimlet_event_stream_subscribers Open GET /api/events streams.",
      "# TYPE gimlet_event_stream_subscribers gauge",
      `gimlet_event_stream_subscribers ${s.subscribers}`,
      "# HELP gimlet_event_stream_published_total Events published to the hub.",
      "# TYPE gimlet_event_stream_published_total counter",
      `gimlet_event_stream_published_total ${s.published}`,
      "# HELP gimlet_event_stream_resyncs_total Times a subscriber fell behind and got a resync marker instead.",
      "# TYPE gimlet_event_stream_resyncs_total counter",
      `gimlet_event_stream_resyncs_total ${s.resyncs}`,
    ];
  }

  stats(): { published: number; subscribers: number; resyncs: number; buffered: number } {
    const buffered = Math.min(this.seq, this.ring.length);
    return { published: this.seq, subscribers: this.subs.size, resyncs: this.resyncs, buffered };
  }
}

/** A subscriber's filter that throws skips that event for it; it never reaches the publisher. */
function safely(filter: (e: HubEvent) => boolean, e: HubEvent): boolean {
  try {
    return filter(e);
  } catch {
    return false;
  }
}
