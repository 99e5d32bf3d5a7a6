/**
 * The text/event-stream format (WHATWG HTML §9.2): encoding on the server, incremental parsing in
 * the CLI. Pure, so both sides agree byte for byte and the parser is testable without a socket.
 */

export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/** One message; multi-line data becomes several `data:` lines, as the format requires. */
export function encodeSse(m: SseMessage): string {
  let out = "";
  if (m.id !== undefined) out += `id: ${oneLine(m.id, "id")}\n`;
  if (m.event !== undefined) out += `event: ${oneLine(m.event, "event")}\n`;
  for (const line of m.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return out + "\n";
}

/** A comment line: ignored by receivers, keeps proxies and idle timers from closing the stream. */
export function encodeSseComment(text: string): string {
  return `: ${oneLine(text, "comment")}\n\n`;
}

function oneLine(s: string, what: string): string {
  if (/[\r\n]/.test(s)) throw new Error(`an SSE ${what} cannot contain a line break`);
  return s;
}

/**
 * Feeds chunks in, gets whole messages out. Tracks the last id the way EventSource does, so a
 * reconnect can send it as Last-Event-ID.
 */
export class SseParser {
  private buf = "";
  private data: string[] = [];
  private event: string | undefined;
  private id: string | undefined;
  private sawField = false;
  /** The last `id:` seen in a dispatched message (what to send as Last-Event-ID). */
  lastEventId: string | undefined;
  /** The server's `retry:` hint, milliseconds. */
  retry: number | undefined;

  push(chunk: string): SseMessage[] {
    this.buf += chunk;
    const out: SseMessage[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buf);
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      if (!m || (m[0] === "\r" && m.index === this.buf.length - 1)) break;
      const line = this.buf.slice(0, m.index);
      this.buf = this.buf.slice(m.index + m[0].length);
      const msg = this.line(line);
      if (msg) out.push(msg);
    }
    return out;
  }

  private line(line: string): SseMessage | undefined {
    if (line === "") {
      const had = this.sawField;
      const msg: SseMessage = { data: this.data.join("\n") };
      if (this.event !== undefined) msg.event = this.event;
      if (this.id !== undefined) msg.id = this.lastEventId = this.id;
      this.data = [];
      this.event = this.id = undefined;
      this.sawField = false;
      return had ? msg : undefined;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) this.id = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.retry = Number(value);
    else return undefined;
    if (field !== "retry") this.sawField = true;
    return undefined;
  }
}
