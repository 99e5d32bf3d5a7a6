/**
 * List + watch of one resource into a map of trimmed objects (a reflector). It lists in pages,
 * watches from the list's resourceVersion with bookmarks, and on a plain disconnect or a watch
 * timeout resumes from the last resourceVersion it saw; only `410 Gone` (the version is too old)
 * makes it list again. Unlike client-node's informer, it keeps retrying with backoff after errors.
 */
import { Backoff } from "../core/backoff.ts";
import { KubeApiError, lines, type KubeClient } from "./client.ts";

export interface ResourceType {
  kind: string;
  /** "" for the core group. */
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

function collectionPath(r: ResourceType, namespace?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return r.namespaced && namespace ? `${base}/namespaces/${namespace}/${r.plural}` : `${base}/${r.plural}`;
}

export function objectPath(r: ResourceType, namespace: string | undefined, name: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return r.namespaced ? `${base}/namespaces/${namespace}/${r.plural}/${name}` : `${base}/${r.plural}/${name}`;
}

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

/** Raw objects as the API server sends them; only metadata is relied on here. */
export interface RawObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface ReflectorOptions<T> {
  namespace?: string;
  fieldSelector?: string;
  labelSelector?: string;
  /** Keeps only what the caller needs; the raw object is dropped right after. */
  project: (raw: RawObject) => T;
  /** Called for every change to the map, after it is applied. `obj` is undefined on DELETED. */
  onChange?: (type: ChangeType, key: string, obj: T | undefined, prev: T | undefined) => void;
  /** Called after each complete (re)list has been applied. */
  onSynced?: () => void;
  onError?: (e: unknown) => void;
  pageSize?: number;
  /** Server-side watch timeout; the reflector re-watches from its resourceVersion when it ends. */
  watchTimeoutSeconds?: () => number;
  backoff?: Backoff;
}

class Gone extends Error {}

export interface ReflectorStats {
  lists: number;
  watches: number;
  gone: number;
  errors: number;
  bookmarks: number;
  events: number;
}

export class Reflector<T> {
  readonly store = new Map<string, T>();
  resourceVersion: string | undefined;
  /** True once the first list has been applied. */
  synced = false;
  /** True while a list or watch is answering; false during backoff after an error. */
  connected = false;
  lastError: unknown;
  readonly stats: ReflectorStats = { lists: 0, watches: 0, gone: 0, errors: 0, bookmarks: 0, events: 0 };
  private abort: AbortController | undefined;
  private stopped = true;
  private loop: Promise<void> | undefined;
  private readonly backoff: Backoff;
  private wake: (() => void) | undefined;

  constructor(
    private readonly client: KubeClient,
    readonly resource: ResourceType,
    private readonly opts: ReflectorOptions<T>,
  ) {
    this.backoff = opts.backoff ?? new Backoff({ baseMs: 250, capMs: 30_000 });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) await this.list();
        await this.watch();
        this.backoff.reset();
      } catch (e) {
        if (this.stopped) break;
        if (e instanceof Gone) {
          this.stats.gone++;
          this.resourceVersion = undefined;
          continue;
        }
        this.stats.errors++;
        this.connected = false;
        this.lastError = e;
        this.opts.onError?.(e);
        await this.sleep(this.backoff.next());
      }
    }
    this.connected = false;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private get path(): string {
    return collectionPath(this.resource, this.opts.namespace);
  }

  private async list(): Promise<void> {
    this.abort = new AbortController();
    const seen = new Set<string>();
    let cont: string | undefined;
    let rv = "";
    do {
      type List = { metadata?: { resourceVersion?: string; continue?: string }; items?: RawObject[] };
      let page: List;
      try {
        page = await this.client.get<List>(
          this.path,
          {
            limit: this.opts.pageSize ?? 500,
            continue: cont,
            fieldSelector: this.opts.fieldSelector,
            labelSelector: this.opts.labelSelector,
          },
          this.abort.signal,
        );
      } catch (e) {
        // An expired continue token: start the list over rather than mix two versions.
        if (e instanceof KubeApiError && e.status === 410 && cont) {
          cont = undefined;
          seen.clear();
          continue;
        }
        throw e;
      }
      this.connected = true;
      for (const raw of page.items ?? []) {
        const key = keyOf(raw);
        seen.add(key);
        this.put(key, raw, true);
      }
      cont = page.metadata?.continue || undefined;
      rv = page.metadata?.resourceVersion ?? rv;
    } while (cont);
    for (const [key, prev] of this.store) {
      if (seen.has(key)) continue;
      this.store.delete(key);
      this.opts.onChange?.("DELETED", key, undefined, prev);
    }
    this.stats.lists++;
    this.resourceVersion = rv;
    this.synced = true;
    this.opts.onSynced?.();
  }

  private put(key: string, raw: RawObject, fromList: boolean): void {
    const obj = this.opts.project(raw);
    const prev = this.store.get(key);
    // A relist repeats every object; only real differences are changes.
    if (fromList && prev !== undefined && JSON.stringify(prev) === JSON.stringify(obj)) return;
    this.store.set(key, obj);
    this.opts.onChange?.(prev === undefined ? "ADDED" : "MODIFIED", key, obj, prev);
  }

  private async watch(): Promise<void> {
    this.abort = new AbortController();
    const timeout = this.opts.watchTimeoutSeconds?.() ?? 240 + Math.floor(Math.random() * 120);
    let res: Response;
    try {
      res = await this.client.request("GET", this.path, {
        query: {
          watch: 1,
          allowWatchBookmarks: true,
          resourceVersion: this.resourceVersion,
          timeoutSeconds: timeout,
          fieldSelector: this.opts.fieldSelector,
          labelSelector: this.opts.labelSelector,
        },
        signal: this.abort.signal,
      });
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 410) throw new Gone();
      throw e;
    }
    this.stats.watches++;
    this.connected = true;
    if (!res.body) return;
    // A connection that died without a FIN never ends on its own: give the server's own timeout
    // some slack, then cut it and resume from the last resourceVersion.
    const abort = this.abort;
    const guard = setTimeout(() => abort.abort(new Error("watch stalled")), (timeout + 30) * 1000);
    try {
      await this.consume(res.body);
    } finally {
      clearTimeout(guard);
    }
  }

  private async consume(body: ReadableStream<Uint8Array>): Promise<void> {
    for await (const line of lines(body)) {
      if (!line.trim()) continue;
      type Status = { code?: number; message?: string; reason?: string };
      const ev = JSON.parse(line) as { type: string; object: RawObject & Status };
      const obj = ev.object;
      if (ev.type === "ERROR") {
        if (obj.code === 410) throw new Gone();
        throw new KubeApiError(obj.code ?? 500, obj.message ?? "watch error", obj.reason);
      }
      const rv = obj.metadata?.resourceVersion;
      if (ev.type === "BOOKMARK") {
        this.stats.bookmarks++;
      } else {
        this.stats.events++;
        const key = keyOf(obj);
        if (ev.type === "DELETED") {
          const prev = this.store.get(key);
          if (prev !== undefined) {
            this.store.delete(key);
            this.opts.onChange?.("DELETED", key, undefined, prev);
          }
        } else if (ev.type === "ADDED" || ev.type === "MODIFIED") {
          this.put(key, obj, false);
        }
      }
      if (rv) this.resourceVersion = rv;
    }
  }
}

function keyOf(o: RawObject): string {
  const m = o.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name}` : (m.name ?? "");
}
