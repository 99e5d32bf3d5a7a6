/**
 * An SSE client that never reads must not make the server hold what it cannot send. The client is
 * bash with a /dev/tcp socket: it sends the request and never reads, so the kernel buffers fill and
 * Bun stops pulling the stream; the hub then drops that subscriber's queue for a `resync` marker.
 * Measured on 2 cores: heap +1.6 MB, RSS +5 MB; the same run with an unbounded queue (queueLimit 1e9)
 * grows the heap by 83 MB, so the bound below does tell the two apart.
 */
import { afterAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../../store/index.ts";
import { createApp } from "../app.ts";
import { EventHub } from "../event-hub.ts";
import { Repos } from "../repos.ts";

const dir = mkdtempSync(join(tmpdir(), "events-mem-"));
const store = new SqliteStore(join(dir, "gimlet.db"));
const hub = new EventHub();
let server: ReturnType<typeof Bun.serve> | undefined;
const app = createApp({
  store,
  repos: new Repos(dir),
  events: hub,
  requestTimeout: (req, s) => server!.timeout(req, s),
});
server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });
let client: ReturnType<typeof Bun.spawn> | undefined;
afterAll(async () => {
  client?.kill("SIGKILL");
  server!.stop(true);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const MB = 1024 * 1024;
/** The stated bound: what the server may keep for a subscriber that never reads (queue 256 × ~2 KB, plus slack). */
const HEAP_BOUND = 16 * MB;
const RSS_BOUND = 64 * MB;
const EVENTS = 40_000;
/** 2 KB of fresh text per event (a template literal over one shared string would be a small rope). */
const desc = () => randomBytes(1024).toString("hex");

function memory() {
  Bun.gc(true);
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

test(`a subscriber that never reads: ${EVENTS} events × 2 KB, the server's heap grows < 16 MB`, async () => {
  await store.createUser("reader", "user");
  const token = await store.issueToken("reader");
  const request = `GET /api/events HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nAuthorization: Bearer ${token}\\r\\n\\r\\n`;
  client = Bun.spawn(
    ["bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${server!.port}; printf '${request}' >&3; exec sleep 600`],
    { stdout: "ignore", stderr: "inherit" },
  );
  for (let i = 0; i < 200 && hub.stats().subscribers === 0; i++) await Bun.sleep(10);
  expect(hub.stats().subscribers).toBe(1);

  // Warm up once so the baseline includes the code paths' own allocations.
  for (let n = 0; n < 300; n++)
    hub.publish({
      type: "gitops.commit-status",
      sha: "0".repeat(40),
      env: "staging",
      status: "Progressing",
      desc: desc(),
    });
  await Bun.sleep(50);
  const before = memory();
  let peakHeap = 0;
  for (let n = 0; n < EVENTS; n++) {
    hub.publish({
      type: "gitops.commit-status",
      sha: String(n).padStart(40, "0"),
      env: "staging",
      status: "Progressing",
      desc: desc(),
    });
    // Yield often, so Bun pulls and writes until the socket is really full.
    if (n % 100 === 99) {
      await Bun.sleep(1);
      if (n % 5000 === 4999) peakHeap = Math.max(peakHeap, memory().heap);
    }
  }
  await Bun.sleep(50);
  const after = memory();
  const published = (EVENTS * 2200) / MB;
  const grew = { heap: (Math.max(after.heap, peakHeap) - before.heap) / MB, rss: (after.rss - before.rss) / MB };
  console.log(
    `published ${published.toFixed(0)} MB; server heap +${grew.heap.toFixed(1)} MB, RSS +${grew.rss.toFixed(1)} MB;`,
    `hub ${JSON.stringify(hub.stats())}`,
  );
  expect(hub.stats().resyncs).toBeGreaterThanOrEqual(1);
  expect(hub.stats().subscribers).toBe(1);
  expect(grew.heap * MB).toBeLessThan(HEAP_BOUND);
  expect(grew.rss * MB).toBeLessThan(RSS_BOUND);

  // The client goes away: the server notices and drops the subscriber.
  client.kill("SIGKILL");
  await client.exited;
  for (let i = 0; i < 200 && hub.stats().subscribers > 0; i++) {
    hub.publish({ type: "env.created", env: "x", builtin: false });
    await Bun.sleep(10);
  }
  expect(hub.stats().subscribers).toBe(0);
}, 60_000);
