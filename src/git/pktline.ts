/** git's pkt-line framing (gitprotocol-common): 4 hex digits of length, then the payload; 0000 flushes. */
import { UserError } from "../core/errors.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

export const flushPkt = enc.encode("0000");

/** A request that does not follow the git protocol: the client gets a 400 with this message. */
export class ProtocolError extends UserError {
  override name = "ProtocolError";
}

/** Largest pkt-line git allows (LARGE_PACKET_MAX): 65516 bytes including the 4-byte length. */
export const maxPktLen = 65520;

export function pktLine(payload: string | Uint8Array): Uint8Array {
  const body = typeof payload === "string" ? enc.encode(payload) : payload;
  const out = new Uint8Array(body.length + 4);
  out.set(enc.encode((body.length + 4).toString(16).padStart(4, "0")), 0);
  out.set(body, 4);
  return out;
}

/** A parsed pkt-line: its payload, or null for a flush (0000) / delimiter (0001) / response-end (0002). */
export type Pkt = Uint8Array | null;

function hexDigit(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  return -1;
}

/**
 * The length field at `i`, strictly four hex digits (parseInt would read "00zz" as a flush).
 * Throws a ProtocolError naming the byte offset when it is not a valid pkt-line length.
 */
export function pktLengthAt(buf: Uint8Array, i: number): number {
  let len = 0;
  for (let k = 0; k < 4; k++) {
    const d = hexDigit(buf[i + k]!);
    if (d < 0)
      throw new ProtocolError(
        `malformed pkt-line length ${JSON.stringify(dec.decode(buf.subarray(i, i + 4)))} at byte ${i}`,
      );
    len = len * 16 + d;
  }
  if (len === 3 || len > maxPktLen) throw new ProtocolError(`invalid pkt-line length ${len} at byte ${i}`);
  return len;
}

/** Splits a complete buffer into pkt-lines; a trailing partial line is returned as `rest`. */
export function parsePktLines(buf: Uint8Array): { pkts: Pkt[]; rest: Uint8Array } {
  const pkts: Pkt[] = [];
  let i = 0;
  while (i + 4 <= buf.length) {
    const len = pktLengthAt(buf, i);
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

/** Like parsePktLines, but a request must be whole: a truncated last line is a ProtocolError. */
export function parseRequestPkts(buf: Uint8Array): Pkt[] {
  const { pkts, rest } = parsePktLines(buf);
  if (rest.length)
    throw new ProtocolError(`truncated pkt-line at byte ${buf.length - rest.length} (${rest.length} bytes left over)`);
  return pkts;
}

export function pktText(p: Uint8Array): string {
  const s = dec.decode(p);
  return s.endsWith("\n") ? s.slice(0, -1) : s;
}
