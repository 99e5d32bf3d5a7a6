/**
 * The states of a tracked request, one per change, for `release track --wait` and `artifact track
 * --wait`. It follows GET /api/events instead of polling: subscribe first, then read the state once
 * (so nothing that happens in between is missed), then change the state only when an event concerns
 * this request. A `resync` marker or a dropped stream means events were missed: resubscribe, then
 * read the state again. Only a server without /api/events (404) is polled, every `intervalMs`.
 */
import { UserError } from "../core/errors.ts";
import type { HubEvent } from "../core/events.ts";
import { SseParser, type SseMessage } from "../core/sse.ts";
import type { Client } from "./client.ts";
import { stderr } from "./io.ts";

/** The part of a tracked request's state that events change. */
export interface TrackedState {
  results: { hash: string; gitopsCommitStatus: string; gitopsCommitStatusDesc: string }[];
}

export interface StateFeed<T> {
  /** The first call reads the state; later calls wait for the next change, or return as is at `deadline`. */
  next(deadline: number): Promise<T>;
  /** True when the server had no event stream and this polls. */
  readonly polling: boolean;
  close(): void;
}

/** Which request a track path names: `eventReleaseTrack?id=` or `eventArtifactTrack?artifactId=`. */
export function trackedRequest(path: string): { eventId?: string; artifactId?: string } {
  const u = new URL(path, "http://x");
  const q = (k: string) => u.searchParams.get(k);
  if (u.pathname.endsWith("/eventArtifactTrack")) return { artifactId: q("artifactId") ?? q("id") ?? "" };
  return { eventId: q("id") ?? "" };
}

export function stateFeed<T extends TrackedState>(
  c: Client,
  path: string,
  o: { wait: boolean; intervalMs: number },
): StateFeed<T> {
  const read = () => c.call<T>("GET", path);
  if (!o.wait || !c.stream) return pollingFeed(read, o.intervalMs);
  return new EventFeed<T>(c, read, trackedRequest(path), o.intervalMs);
}

function pollingFeed<T>(read: () => Promise<T>, intervalMs: number): StateFeed<T> {
  let first = true;
  return {
    polling: true,
    async next(deadline) {
      if (!first) await Bun.sleep(Math.max(0, Math.min(intervalMs, deadline - Date.now())));
      first = false;
      return read();
    },
    close() {},
  };
}

class EventFeed<T extends TrackedState> implements StateFeed<T> {
  polling = false;
  private state: T | undefined;
  private poll?: StateFeed<T>;
  private ctl?: AbortController;
  private reader?: ReadableStreamDefaultReader<Uint8Array>;
  private parser = new SseParser();
  private decoder = new TextDecoder();
  private pending: SseMessage[] = [];
  private read$?: Promise<{ done: boolean; value?: Uint8Array }>;

  constructor(
    private readonly c: Client,
    private readonly read: () => Promise<T>,
    private readonly want: { eventId?: string; artifactId?: string },
    private readonly intervalMs: number,
  ) {}

  async next(deadline: number): Promise<T> {
    if (this.poll) return this.poll.next(deadline);
    if (!this.state) {
      if (!(await this.subscribe(deadline))) {
        this.polling = true;
        this.poll = pollingFeed(this.read, this.intervalMs);
        return this.poll.next(deadline);
      }
      return (this.state = await this.read());
    }
    for (;;) {
      const msg = await this.message(deadline);
      if (msg === "timeout") return this.state;
      if (msg === "ended") {
        await stderr("lost the event stream; reconnecting\n");
        if (!(await this.subscribe(deadline))) return this.state;
        return (this.state = await this.read());
      }
      if (msg.event === "resync") return (this.state = await this.read());
      const changed = this.apply(msg);
      if (changed === "reread") return (this.state = await this.read());
      if (changed) return this.state;
    }
  }

  /** Whether an event changes this request's state: a local update, or a reason to read it again. */
  private apply(msg: SseMessage): boolean | "reread" {
    let e: HubEvent;
    try {
      e = JSON.parse(msg.data) as HubEvent;
    } catch {
      return false;
    }
    if (e.type === "release.processed" || e.type === "release.failed") {
      const mine = this.want.artifactId ? e.artifactId === this.want.artifactId : e.eventId === this.want.eventId;
      return mine ? "reread" : false;
    }
    // A timeline step (pushed, rollout complete): `release track --timeline` reads the timeline again.
    if (e.type === "release.step") return e.eventId === this.want.eventId ? "reread" : false;
    if (e.type !== "gitops.commit-status") return false;
    let changed = false;
    for (const r of this.state!.results) {
      if (r.hash !== e.sha || (r.gitopsCommitStatus === e.status && r.gitopsCommitStatusDesc === e.desc)) continue;
      r.gitopsCommitStatus = e.status;
      r.gitopsCommitStatusDesc = e.desc;
      changed = true;
    }
    return changed;
  }

  /**
   * Opens the stream (resuming after the last event seen), retrying a server that is down until
   * `deadline`. False when the server has no /api/events, or when the deadline passed.
   */
  private async subscribe(deadline: number): Promise<boolean> {
    this.close();
    for (let attempt = 0; ; attempt++) {
      this.ctl = new AbortController();
      const last = this.parser.lastEventId;
      const headers: Record<string, string> = last ? { "Last-Event-ID": last } : {};
      try {
        const res = await this.c.stream!("/api/events", { headers, signal: this.ctl.signal });
        if (res.status === 404) {
          await res.body?.cancel();
          return false;
        }
        if (!res.ok || !res.body) {
          const text = await res.text();
          const why = (() => {
            try {
              return (JSON.parse(text) as { error?: string }).error ?? text;
            } catch {
              return text;
            }
          })();
          const hint = "track --wait needs a token of the admin or user role";
          throw new UserError(`GET /api/events: HTTP ${res.status}: ${why}`, { hint });
        }
        this.reader = res.body.getReader();
        this.decoder = new TextDecoder();
        this.pending = [];
        return true;
      } catch (e) {
        // A server that is restarting: try again until the deadline; anything else is final.
        if (e instanceof UserError && !/cannot reach/.test(e.message)) throw e;
        if (Date.now() + 500 > deadline) return false;
        if (attempt === 0) await stderr(`${(e as Error).message}; retrying\n`);
        await Bun.sleep(Math.min(500 * 2 ** attempt, 5000, Math.max(0, deadline - Date.now())));
      }
    }
  }

  /** The next whole message, "ended" when the stream closed or failed, "timeout" at the deadline. */
  private async message(deadline: number): Promise<SseMessage | "ended" | "timeout"> {
    while (!this.pending.length) {
      if (!this.reader) return "ended";
      this.read$ ??= this.reader.read().catch(() => ({ done: true }));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const ms = Math.max(0, deadline - Date.now()) + 1;
      const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), ms)));
      const got = await Promise.race([this.read$, timeout]);
      clearTimeout(timer);
      if (got === "timeout") return "timeout";
      this.read$ = undefined;
      if (got.done) {
        this.reader = undefined;
        return "ended";
      }
      this.pending.push(...this.parser.push(this.decoder.decode(got.value, { stream: true })));
    }
    return this.pending.shift()!;
  }

  close(): void {
    this.ctl?.abort();
    this.reader = undefined;
    this.read$ = undefined;
  }
}
