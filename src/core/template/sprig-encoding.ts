/** Sprig's encodings and digests, plus Helm's toYaml/fromYaml. Strings are hashed as UTF-8 bytes. */
import { ANY, def } from "./args.ts";
import { marshal, unmarshal } from "./gojson.ts";
import { LimitError } from "./limits.ts";
import { fromYaml, toYaml } from "./goyaml.ts";
import { adler32, sha1Hex, sha256Hex } from "./hash.ts";
import { FuncError, fromUtf8, type GoFunc, utf8Bytes } from "./values.ts";

const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 encoding with padding; `bits` is 6 for base64 and 5 for base32. */
function encode(data: Uint8Array, alphabet: string, bits: number, group: number): string {
  let out = "";
  let acc = 0;
  let n = 0;
  for (const b of data) {
    acc = (acc << 8) | b;
    n += 8;
    while (n >= bits) {
      n -= bits;
      out += alphabet[(acc >> n) & ((1 << bits) - 1)];
    }
    acc &= (1 << n) - 1;
  }
  if (n > 0) out += alphabet[(acc << (bits - n)) & ((1 << bits) - 1)];
  while (out.length % group !== 0) out += "=";
  return out;
}

class CorruptInput extends FuncError {}
const corrupt = (kind: string, at: number): never => {
  throw new CorruptInput(`illegal ${kind} data at input byte ${at}`);
};

/** base64.StdEncoding.DecodeString: quantum by quantum, line breaks skipped, errors at Go's offsets. */
function decode64(src: string): Uint8Array {
  const out: number[] = [];
  let si = 0;
  const skipNewlines = (): void => {
    while (si < src.length && (src[si] === "\n" || src[si] === "\r")) si++;
  };
  for (;;) {
    const buf: number[] = [];
    let end = false;
    while (buf.length < 4) {
      const j = buf.length;
      if (si === src.length) {
        if (j === 0) return new Uint8Array(out);
        corrupt("base64", si - j);
      }
      const c = src[si++]!;
      const v = b64.indexOf(c);
      if (v >= 0) {
        buf.push(v);
        continue;
      }
      if (c === "\n" || c === "\r") continue;
      if (c !== "=" || j < 2) corrupt("base64", si - 1);
      if (j === 2) {
        skipNewlines();
        if (si === src.length) corrupt("base64", src.length);
        if (src[si] !== "=") corrupt("base64", si - 1);
        si++;
      }
      skipNewlines();
      if (si < src.length) corrupt("base64", si);
      end = true;
      break;
    }
    const n = buf.length;
    const word = (buf[0]! << 18) | ((buf[1] ?? 0) << 12) | ((buf[2] ?? 0) << 6) | (buf[3] ?? 0);
    for (let k = 0; k < n - 1; k++) out.push((word >> (16 - 8 * k)) & 0xff);
    if (end) return new Uint8Array(out);
  }
}

/** base32.StdEncoding.DecodeString (padding checked less precisely than Go's). */
function decode32(text: string): Uint8Array {
  const chars: [string, number][] = [];
  for (let i = 0; i < text.length; i++) if (text[i] !== "\n" && text[i] !== "\r") chars.push([text[i]!, i]);
  if (chars.length % 8 !== 0) corrupt("base32", Math.floor(chars.length / 8) * 8);
  const out: number[] = [];
  let acc = 0;
  let n = 0;
  let padding = false;
  for (const [c, i] of chars) {
    if (c === "=") {
      padding = true;
      continue;
    }
    const v = b32.indexOf(c);
    if (v < 0 || padding) corrupt("base32", i);
    acc = ((acc << 5) | v) & 0xffff;
    n += 5;
    if (n >= 8) {
      n -= 8;
      out.push((acc >> n) & 0xff);
    }
  }
  return new Uint8Array(out);
}

const bytesToString = (b: Uint8Array): string => fromUtf8(b);

function jsonOrEmpty(v: unknown, opts: { escapeHTML: boolean; indent?: string }): string {
  try {
    return marshal(v, opts);
  } catch (e) {
    if (e instanceof LimitError) throw e;
    return "";
  }
}

const s1 = (f: (s: string) => unknown): GoFunc => def(["string"], f);

export const encodingFuncs: Record<string, GoFunc> = {
  b64enc: s1((s) => encode(utf8Bytes(s), b64, 6, 4)),
  b64dec: s1((s) => {
    try {
      return bytesToString(decode64(s));
    } catch (e) {
      return (e as Error).message;
    }
  }),
  b32enc: s1((s) => encode(utf8Bytes(s), b32, 5, 8)),
  b32dec: s1((s) => {
    try {
      return bytesToString(decode32(s));
    } catch (e) {
      return (e as Error).message;
    }
  }),
  sha1sum: s1((s) => sha1Hex(utf8Bytes(s))),
  sha256sum: s1((s) => sha256Hex(utf8Bytes(s))),
  adler32sum: s1((s) => String(adler32(utf8Bytes(s)))),
  toJson: def([ANY], (v: unknown) => jsonOrEmpty(v, { escapeHTML: true })),
  mustToJson: def([ANY], (v: unknown) => marshal(v, { escapeHTML: true })),
  toPrettyJson: def([ANY], (v: unknown) => jsonOrEmpty(v, { escapeHTML: true, indent: "  " })),
  mustToPrettyJson: def([ANY], (v: unknown) => marshal(v, { escapeHTML: true, indent: "  " })),
  toRawJson: def([ANY], (v: unknown) => marshal(v, { escapeHTML: false })),
  mustToRawJson: def([ANY], (v: unknown) => marshal(v, { escapeHTML: false })),
  fromJson: s1((s) => {
    try {
      return unmarshal(s);
    } catch {
      return null;
    }
  }),
  mustFromJson: s1(unmarshal),
  toYaml: def([ANY], toYaml),
  fromYaml: s1(fromYaml),
};
