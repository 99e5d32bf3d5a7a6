/** git's pkt-line framing (gitprotocol-common): 4 hex digits of length, then the payload; 0000 flushes. */

const enc = new TextEncoder();
const dec = new TextDecoder();

export const flushPkt = enc.encode("0000");

export function pktLine(payload: string | Uint8Array): Uint8Array {
  const body = typeof payload === "string" ? enc.encode(payload) : payload;
  const out = new Uint8Array(body.length + 4);
  out.set(enc.encode((body.length + 4).toString(16).padStart(4, "0")), 0);
  out.set(body, 4);
  return out;
}

/** A parsed pkt-line: its payload, or null for a flush (0000) / delimiter (0001) / response-end (0002). */
export type Pkt = Uint8Array | null;

/** Splits a complete buffer into pkt-lines. Throws on a malformed length. */
export function parsePktLines(buf: Uint8Array): { pkts: Pkt[]; rest: Uint8Array } {
  const pkts: Pkt[] = [];
  let i = 0;
  while (i + 4 <= buf.length) {
    const len = parseInt(dec.decode(buf.subarray(i, i + 4)), 16);
    if (Number.isNaN(len)) throw new Error(`malformed pkt-line length at byte ${i}`);
    if (len < 4) {
      pkts.push(null);
      i += 4;
      continue;
    }
    if (i + len > buf.length) break;
    pkts.push(buf.subarray(i + 4, i + len));
    i += len;
  }
  return { pkts, rest: buf.subarray(i) };
}

export function pktText(p: Uint8Array): string {
  const s = dec.decode(p);
  return s.endsWith("\n") ? s.slice(0, -1) : s;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
