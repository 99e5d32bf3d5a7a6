/** The pod log streams an agent of this server relays to viewers here, by the stream's id. */
import type { LogChunk } from "../core/agent/wire.ts";
import type { LogSink } from "./agent-peers.ts";

export class PodLogStreams {
  private readonly streams = new Map<string, { env: string; pod: string; sink: LogSink }>();

  open(id: string, env: string, pod: string, sink: LogSink): void {
    this.streams.set(id, { env, pod, sink });
  }

  /** Log lines for a stream; false when nobody watches it any more (the agent stops). */
  chunk(env: string, id: string, c: LogChunk): boolean {
    const s = this.streams.get(id);
    if (!s || s.env !== env) return false;
    if (c.lines.length || c.dropped) s.sink.lines(s.pod, c.lines, c.dropped);
    if (c.done) {
      this.streams.delete(id);
      s.sink.podEnd(s.pod, c.error);
    }
    return true;
  }

  /** Forgets the stream without telling its viewer; false when it had ended already. */
  drop(id: string): boolean {
    return this.streams.delete(id);
  }

  /** Ends the stream for its viewer with `error`, unless it had ended already. */
  end(id: string, error?: string): void {
    const s = this.streams.get(id);
    if (s && this.streams.delete(id)) s.sink.podEnd(s.pod, error);
  }

  /** Ends every stream (of `env` only, when given) with `error`. */
  endAll(error: string, env?: string): void {
    for (const [id, s] of this.streams) {
      if (env !== undefined && s.env !== env) continue;
      this.streams.delete(id);
      s.sink.podEnd(s.pod, error);
    }
  }
}
