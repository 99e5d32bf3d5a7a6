/**
 * The reflector against a scripted API server over real HTTP: paged list, watch with bookmarks,
 * resume from the last resourceVersion after a plain disconnect, relist only after 410 Gone.
 */
import { afterEach, expect, test } from "bun:test";
import { Backoff } from "../core/backoff.ts";
import { KubeClient } from "./client.ts";
import type { KubeTarget } from "./config.ts";
import { Reflector, type ChangeType } from "./watch.ts";

type Watcher = (url: URL, send: (ev: unknown) => void, close: () => void) => void;

interface Mock {
  server: ReturnType<typeof Bun.serve>;
  requests: URL[];
  objects: Map<string, { name: string; rv: string; v: string }>;
  rv: number;
  /** What the next watch requests do, in order; the last one repeats. */
  watchers: (Watcher | number)[];
}

const servers: ReturnType<typeof Bun.serve>[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.stop(true);
});

function mock(): Mock {
  const m: Mock = { requests: [], objects: new Map(), rv: 10, watchers: [], server: undefined as never };
  m.server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    fetch(req) {
      const url = new URL(req.url);
      m.requests.push(url);
      if (req.headers.get("authorization") !== "Bearer t") return new Response("no", { status: 401 });
      if (!url.searchParams.has("watch")) {
        const all = [...m.objects.values()].sort((a, b) => a.name.localeCompare(b.name));
        const limit = Number(url.searchParams.get("limit"));
        const start = Number(url.searchParams.get("continue") || 0);
        const page = all.slice(start, start + limit);
        const next = start + limit < all.length ? String(start + limit) : undefined;
        const items = page.map((o) => ({
          metadata: { name: o.name, namespace: "ns", resourceVersion: o.rv },
          data: o.v,
        }));
        return Response.json({
          metadata: { resourceVersion: String(m.rv), ...(next ? { continue: next } : {}) },
          items,
        });
      }
      const w = m.watchers.length > 1 ? m.watchers.shift()! : m.watchers[0]!;
      if (typeof w === "number") {
        return Response.json({ kind: "Status", code: w, message: `status ${w}`, reason: "Expired" }, { status: w });
      }
      let ctl!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({ start: (c) => void (ctl = c) });
      const send = (ev: unknown) => ctl.enqueue(new TextEncoder().encode(JSON.stringify(ev) + "\n"));
      queueMicrotask(() => w(url, send, () => ctl.close()));
      return new Response(body, { headers: { "Content-Type": "application/json" } });
    },
  });
  servers.push(m.server);
  return m;
}

const target = (m: Mock): KubeTarget => ({
  server: `http://127.0.0.1:${m.server.port}`,
  source: "test",
  tls: {},
  authHeaders: async () => ({ Authorization: "Bearer t" }),
});

const resource = { kind: "ConfigMap", group: "", version: "v1", plural: "configmaps", namespaced: true };
const obj = (name: string, rv: number, v = "x") => ({
  metadata: { name, namespace: "ns", resourceVersion: String(rv) },
  data: v,
});

async function until(what: string, f: () => boolean, ms = 5000): Promise<void> {
  const t = Date.now();
  while (!f()) {
    if (Date.now() - t > ms) throw new Error(`timed out: ${what}`);
    await Bun.sleep(10);
  }
}

function reflector(m: Mock, changes: string[] = []) {
  return new Reflector(new KubeClient(target(m)), resource, {
    namespace: "ns",
    pageSize: 2,
    project: (raw) => ({ v: raw.data as string }),
    onChange: (type: ChangeType, key) => changes.push(`${type} ${key}`),
    watchTimeoutSeconds: () => 30,
    backoff: new Backoff({ baseMs: 5, capMs: 20 }),
  });
}

const watchRequests = (m: Mock) => m.requests.filter((u) => u.searchParams.has("watch"));
const listRequests = (m: Mock) => m.requests.filter((u) => !u.searchParams.has("watch"));

test("lists in pages, then watches from the list's resourceVersion with bookmarks", async () => {
  const m = mock();
  for (const [i, n] of ["a", "b", "c"].entries()) m.objects.set(n, { name: n, rv: String(i + 1), v: "x" });
  m.watchers = [(_u, send) => send({ type: "ADDED", object: obj("d", 11) })];
  const changes: string[] = [];
  const r = reflector(m, changes);
  r.start();
  await until("d added", () => r.store.has("ns/d"));
  await r.stop();
  expect(listRequests(m).map((u) => u.searchParams.get("continue"))).toEqual([null, "2"]);
  const w = watchRequests(m)[0]!;
  expect(w.pathname).toBe("/api/v1/namespaces/ns/configmaps");
  expect(w.searchParams.get("resourceVersion")).toBe("10");
  expect(w.searchParams.get("allowWatchBookmarks")).toBe("true");
  expect(changes).toEqual(["ADDED ns/a", "ADDED ns/b", "ADDED ns/c", "ADDED ns/d"]);
  expect(r.resourceVersion).toBe("11");
});

test("a plain disconnect resumes from the last resourceVersion (a bookmark's), without listing again", async () => {
  const m = mock();
  m.objects.set("a", { name: "a", rv: "1", v: "x" });
  m.watchers = [
    (_u, send, close) => {
      send({ type: "MODIFIED", object: obj("a", 12, "y") });
      send({ type: "BOOKMARK", object: { metadata: { resourceVersion: "15" } } });
      close();
    },
    (_u, send) => send({ type: "DELETED", object: obj("a", 16) }),
  ];
  const r = reflector(m);
  r.start();
  await until("a deleted", () => r.synced && !r.store.has("ns/a"));
  await r.stop();
  expect(listRequests(m)).toHaveLength(1);
  expect(watchRequests(m).map((u) => u.searchParams.get("resourceVersion"))).toEqual(["10", "15"]);
  expect(r.stats.bookmarks).toBe(1);
});

test("410 Gone inside the stream relists; what vanished meanwhile is deleted, what is unchanged is quiet", async () => {
  const m = mock();
  m.objects.set("a", { name: "a", rv: "1", v: "x" });
  m.objects.set("b", { name: "b", rv: "2", v: "x" });
  m.watchers = [
    (_u, send) => {
      // Meanwhile b is gone and c appeared; the server says our version is too old.
      m.objects.delete("b");
      m.objects.set("c", { name: "c", rv: "20", v: "x" });
      m.rv = 20;
      send({
        type: "ERROR",
        object: { kind: "Status", code: 410, reason: "Expired", message: "too old resource version" },
      });
    },
    () => {},
  ];
  const changes: string[] = [];
  const r = reflector(m, changes);
  r.start();
  await until("relisted", () => r.stats.lists === 2 && watchRequests(m).length === 2);
  await r.stop();
  expect(changes).toEqual(["ADDED ns/a", "ADDED ns/b", "ADDED ns/c", "DELETED ns/b"]);
  expect(watchRequests(m)[1]!.searchParams.get("resourceVersion")).toBe("20");
  expect(r.stats.gone).toBe(1);
});

test("an HTTP 410 answer to the watch relists too", async () => {
  const m = mock();
  m.watchers = [410, () => {}];
  const r = reflector(m);
  r.start();
  await until("relisted", () => r.stats.lists === 2);
  await r.stop();
  expect(r.stats.gone).toBe(1);
});

test("errors back off and retry, keeping the resourceVersion; the reflector never gives up", async () => {
  const m = mock();
  m.watchers = [500, 500, 500, (_u, send) => send({ type: "ADDED", object: obj("z", 30) })];
  const errors: unknown[] = [];
  const r = new Reflector(new KubeClient(target(m)), resource, {
    project: (raw) => raw.data,
    onError: (e) => errors.push(e),
    backoff: new Backoff({ baseMs: 5, capMs: 20 }),
  });
  r.start();
  await until("z", () => r.store.has("ns/z"));
  await r.stop();
  expect(errors).toHaveLength(3);
  expect((errors[0] as Error).message).toBe("status 500");
  expect(listRequests(m)).toHaveLength(1);
  expect(watchRequests(m).every((u) => u.searchParams.get("resourceVersion") === "10")).toBe(true);
});
