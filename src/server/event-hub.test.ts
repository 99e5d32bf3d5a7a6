import { describe, expect, test } from "bun:test";
import type { HubEvent } from "../core/events.ts";
import { EventHub, type Delivery } from "./event-hub.ts";

const status = (n: number, env = "staging"): HubEvent => ({
  type: "gitops.commit-status",
  sha: String(n).padStart(40, "0"),
  env,
  status: "Progressing",
  desc: `#${n}`,
});
const descs = (ds: Delivery[]) =>
  ds.map((d) => (d.kind === "resync" ? "resync" : (d.p.event as { desc: string }).desc));

describe("EventHub", () => {
  test("numbers events 1, 2, 3… and delivers them to every subscriber in publish order", () => {
    const hub = new EventHub({ epoch: "e1" });
    const a = hub.subscribe();
    const b = hub.subscribe();
    const seqs = [1, 2, 3, 4, 5].map((n) => hub.publish(status(n)).seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(descs(a.take())).toEqual(["#1", "#2", "#3", "#4", "#5"]);
    expect(descs(b.take(2))).toEqual(["#1", "#2"]);
    expect(descs(b.take())).toEqual(["#3", "#4", "#5"]);
    expect(hub.wireId(3)).toBe("e1.3");
  });

  test("a subscriber sees only events published after it subscribed, unless it resumes", () => {
    const hub = new EventHub({ epoch: "e1" });
    hub.publish(status(1));
    const s = hub.subscribe();
    hub.publish(status(2));
    expect(descs(s.take())).toEqual(["#2"]);
  });

  test("Last-Event-ID resumes from the ring buffer: exactly the events after that id", () => {
    const hub = new EventHub({ epoch: "e1", bufferSize: 10 });
    for (let n = 1; n <= 8; n++) hub.publish(status(n));
    const s = hub.subscribe({ after: "e1.5" });
    hub.publish(status(9));
    expect(descs(s.take())).toEqual(["#6", "#7", "#8", "#9"]);
    expect(hub.subscribe({ after: "e1.9" }).take()).toEqual([]);
  });

  test("an id older than the ring buffer gets resync first, then only live events", () => {
    const hub = new EventHub({ epoch: "e1", bufferSize: 10 });
    for (let n = 1; n <= 25; n++) hub.publish(status(n));
    // 16..25 are kept; resuming after 15 is still complete, after 14 is not.
    expect(descs(hub.subscribe({ after: "e1.15" }).take())).toEqual([
      "#16",
      "#17",
      "#18",
      "#19",
      "#20",
      "#21",
      "#22",
      "#23",
      "#24",
      "#25",
    ]);
    const s = hub.subscribe({ after: "e1.14" });
    hub.publish(status(26));
    const got = s.take();
    expect(descs(got)).toEqual(["resync", "#26"]);
    expect(got[0]).toEqual({ kind: "resync", reason: "event e1.14 is older than the 10 events kept" });
  });

  test("an id from another process (epoch), from the future or malformed gets resync", () => {
    const hub = new EventHub({ epoch: "e2" });
    hub.publish(status(1));
    for (const after of ["e1.1", "e2.7", "garbage"]) expect(descs(hub.subscribe({ after }).take())).toEqual(["resync"]);
  });

  test("a slow subscriber's full queue is dropped for one resync marker; others are unaffected", () => {
    const hub = new EventHub({ queueLimit: 3 });
    const slow = hub.subscribe();
    const fast = hub.subscribe();
    const fastGot: string[] = [];
    for (let n = 1; n <= 10; n++) {
      hub.publish(status(n));
      fastGot.push(...descs(fast.take()));
    }
    expect(fastGot).toEqual(["#1", "#2", "#3", "#4", "#5", "#6", "#7", "#8", "#9", "#10"]);
    // #1..#3 filled the queue, #4 overflowed it: one marker, and #5..#10 were not kept.
    expect(descs(slow.take())).toEqual(["resync"]);
    expect(hub.stats().resyncs).toBe(1);
    hub.publish(status(11));
    expect(descs(slow.take())).toEqual(["#11"]);
  });

  test("a subscriber that never reads holds at most queueLimit entries however much is published", () => {
    const hub = new EventHub({ queueLimit: 100, bufferSize: 50 });
    const s = hub.subscribe();
    for (let n = 1; n <= 100_000; n++) hub.publish(status(n));
    const waiting = s.take();
    expect(waiting.length).toBe(1);
    expect(waiting[0]!.kind).toBe("resync");
    expect(hub.stats()).toMatchObject({ published: 100_000, subscribers: 1, resyncs: 1, buffered: 50 });
  });

  test("unsubscribe: close stops delivery, releases the subscriber and wakes a waiter", async () => {
    const hub = new EventHub();
    const s = hub.subscribe();
    const waiting = s.wait();
    s.close();
    await waiting;
    expect(s.closed).toBe(true);
    hub.publish(status(1));
    expect(s.take()).toEqual([]);
    expect(hub.stats().subscribers).toBe(0);
  });

  test("wait resolves on publish, or after its timeout when nothing comes", async () => {
    const hub = new EventHub();
    const s = hub.subscribe();
    const t0 = performance.now();
    await s.wait(30);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    const w = s.wait(10_000);
    setTimeout(() => hub.publish(status(1)), 5);
    await w;
    expect(descs(s.take())).toEqual(["#1"]);
  });

  test("a filter keeps only matching events, live and replayed", () => {
    const hub = new EventHub({ epoch: "e1" });
    hub.publish(status(1, "prod"));
    hub.publish(status(2, "staging"));
    const filter = (e: HubEvent) => e.type === "gitops.commit-status" && e.env === "staging";
    const s = hub.subscribe({ after: "e1.0", filter });
    hub.publish(status(3, "prod"));
    hub.publish(status(4, "staging"));
    expect(descs(s.take())).toEqual(["#2", "#4"]);
  });

  test("a filter that throws costs its subscriber the event, never the publisher", () => {
    const hub = new EventHub();
    const bad = hub.subscribe({
      filter: () => {
        throw new Error("boom");
      },
    });
    const good = hub.subscribe();
    expect(hub.publish(status(1)).seq).toBe(1);
    expect(bad.take()).toEqual([]);
    expect(descs(good.take())).toEqual(["#1"]);
  });

  test("refuses a ring buffer without room", () => {
    expect(() => new EventHub({ bufferSize: 0 })).toThrow("bufferSize must be a positive integer");
  });
});
