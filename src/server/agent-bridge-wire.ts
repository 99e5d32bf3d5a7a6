/**
 * How the replicas' agent messages fit NOTIFY: plain JSON when it fits one payload, `z:` + base64
 * gzip when that fits, else the gzip split into numbered parts that the receiver puts back together
 * (parts of one message are sent in order on one chain, but nothing here relies on their order).
 */
import { gunzipSync, gzipSync } from "node:zlib";

/** Every message names its sender (`o`); a replica drops its own, which NOTIFY hands back. */
export interface WireMessage {
  o: string;
  k: string;
}

interface Part extends WireMessage {
  k: "part";
  id: string;
  i: number;
  of: number;
  d: string;
}

/** Room left in a part for its envelope (ids, counters). */
const partOverhead = 200;

/** The payloads of one message, or undefined when it needs more than `maxParts`. */
export function pack(msg: WireMessage, maxBytes: number, maxParts: number): string[] | undefined {
  const json = JSON.stringify(msg);
  if (Buffer.byteLength(json) <= maxBytes) return [json];
  const body = gzipSync(json).toString("base64");
  if (body.length + 2 <= maxBytes) return [`z:${body}`];
  const per = maxBytes - partOverhead;
  const of = Math.ceil(body.length / per);
  if (of > maxParts) return undefined;
  const id = crypto.randomUUID();
  return Array.from({ length: of }, (_, i) =>
    JSON.stringify({ o: msg.o, k: "part", id, i, of, d: body.slice(i * per, (i + 1) * per) } satisfies Part),
  );
}

/** Turns payloads back into messages; a message in parts comes out with its last part. */
export class Unpacker {
  private readonly partial = new Map<string, { at: number; parts: string[]; got: number }>();

  constructor(
    private readonly clock: () => number = Date.now,
    /** A message whose parts stop coming is dropped after this long. */
    private readonly partTimeoutMs = 30_000,
  ) {}

  /** @throws on an unreadable payload. */
  push(payload: string): WireMessage | undefined {
    const msg = parse(payload);
    if (msg.k !== "part") return msg;
    const p = msg as Part;
    if (!Number.isInteger(p.of) || p.of < 1 || !Number.isInteger(p.i) || p.i < 0 || p.i >= p.of) {
      throw new Error(`bad message part ${p.i}/${p.of}`);
    }
    this.expire();
    const key = `${p.o}/${p.id}`;
    let entry = this.partial.get(key);
    if (!entry) {
      entry = { at: this.clock(), parts: new Array(p.of), got: 0 };
      this.partial.set(key, entry);
    }
    if (entry.parts[p.i] === undefined) entry.got++;
    entry.parts[p.i] = p.d;
    if (entry.got < p.of) return undefined;
    this.partial.delete(key);
    return parse(`z:${entry.parts.join("")}`);
  }

  /** Messages waiting for parts (for tests and the log on stop). */
  get waiting(): number {
    return this.partial.size;
  }

  private expire(): void {
    const old = this.clock() - this.partTimeoutMs;
    for (const [k, v] of this.partial) if (v.at < old) this.partial.delete(k);
  }
}

function parse(payload: string): WireMessage {
  const json = payload.startsWith("z:") ? gunzipSync(Buffer.from(payload.slice(2), "base64")).toString() : payload;
  const msg = JSON.parse(json) as WireMessage;
  if (typeof msg?.o !== "string" || typeof msg.k !== "string") throw new Error("not an agent bridge message");
  return msg;
}
