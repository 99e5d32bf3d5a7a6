/**
 * A fast reader for the YAML that manifests are made of: block maps and sequences, one-line
 * plain and quoted scalars, `|` literal blocks, `{}` and one-line `[…]` of scalars, comments and
 * `---` separators. It
 * builds the same nodes (values, types, sources, start offsets) as `yaml`'s parser in gimlet's
 * YAML 1.1 mode, at a fraction of a cold CLI run's cost. Anything else — other flow collections,
 * multi-line plain or quoted scalars, anchors, tags, folded blocks, tabs in indentation, odd
 * documents, and every error — returns undefined, and the caller uses the full parser, so
 * messages and edge cases stay the full parser's.
 */
import { Document, LineCounter, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from "yaml";
import { resolveGoNumber, yaml11ParseOptions } from "./yaml11.ts";

/** Thrown inside the reader to give up; never escapes. */
class Unsupported extends Error {}
const giveUp = (): never => {
  throw new Unsupported();
};

interface Line {
  /** Offset of the line's first character in the text. */
  start: number;
  /** Offset just past the line's content (at the newline or the end of the text). */
  end: number;
  /** Column of the first character that is not a space; for an empty line, its length. */
  indent: number;
  /** False for lines of only spaces and for comment lines. */
  significant: boolean;
  /** True when a newline ends the line (the last line may lack one). */
  newline: boolean;
}

const nullWord = /^(?:~|[Nn]ull|NULL)?$/;
const trueWord = /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const falseWord = /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
/** Characters that cannot start a plain scalar here (indicators, and the cases left to the parser). */
const notPlainStart = /^(?:[,[\]{}#&*!|>'"%@`<]|[-?:](?:\s|$))/;
/** Characters a reader refuses raw or reads as breaks, a BOM, CR; document-end markers and directives. */
const unsupportedText = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\r]|^(?:\.\.\.|%)/m;
const escapes: Record<string, string> = {
  "\\": "\\",
  '"': '"',
  "/": "/",
  n: "\n",
  t: "\t",
  "\t": "\t",
  r: "\r",
  "0": "\0",
  a: "\x07",
  b: "\b",
  e: "\x1b",
  f: "\f",
  v: "\v",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
  " ": " ",
};

export interface FastParsed {
  docs: Document.Parsed[];
  lines: LineCounter;
}

/** Reads `text` as parseAllDocuments with `{ uniqueKeys: true, ...yaml11ParseOptions }` would, or gives undefined. */
export function parseYaml11Fast(text: string): FastParsed | undefined {
  if (unsupportedText.test(text)) return undefined;
  try {
    return new Reader(text).read();
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

class Reader {
  private readonly lines: Line[] = [];
  private i = 0;
  private docEnd = 0;
  private doc!: Document.Parsed;

  constructor(private readonly text: string) {}

  read(): FastParsed {
    const { text, lines } = this;
    const counter = new LineCounter();
    for (let start = 0; start <= text.length; ) {
      counter.addNewLine(start);
      let end = text.indexOf("\n", start);
      const newline = end >= 0;
      if (!newline) end = text.length;
      let indent = start;
      while (indent < end && text.charCodeAt(indent) === 32) indent++;
      const c = text[indent];
      if (c === "\t") giveUp(); // tabs in indentation: left to the parser
      const significant = indent < end && c !== "#";
      lines.push({ start, end, indent: indent - start, significant, newline });
      if (!newline) break;
      start = end + 1;
      if (start === text.length) {
        counter.addNewLine(start);
        break;
      }
    }
    const docs: Document.Parsed[] = [];
    let seenContent = false;
    while (this.i < lines.length) {
      // One document: up to the next `---` line.
      const first = this.i;
      let end = first;
      while (end < lines.length && !(end > first && this.isMarker(end))) end++;
      if (this.isMarker(first)) this.i++;
      this.docEnd = end;
      const contentLine = this.nextSignificant();
      if (contentLine === undefined) {
        // Comments or nothing between markers: the parser makes an empty document of it.
        if (this.isMarker(first) || seenContent) giveUp();
        this.i = end;
        continue;
      }
      seenContent = true;
      const options = { ...yaml11ParseOptions, uniqueKeys: true, prettyErrors: false };
      this.doc = new Document(undefined, options) as Document.Parsed;
      if (lines[contentLine]!.indent !== 0) giveUp();
      const contents = this.block(contentLine, -1);
      if (this.nextSignificant() !== undefined) giveUp(); // something the block did not take
      const docStart = this.isMarker(first) ? lines[first]!.start : contents.range![0];
      const docEndOffset = end < lines.length ? lines[end]!.start : text.length;
      this.doc.contents = contents as Document.Parsed["contents"];
      this.doc.range = [docStart, docEndOffset, docEndOffset];
      docs.push(this.doc);
      this.i = end;
    }
    if (docs.length === 0) giveUp();
    return { docs, lines: counter };
  }

  private isMarker(n: number): boolean {
    const l = this.lines[n];
    if (!l || !this.text.startsWith("---", l.start)) return false;
    const rest = this.text.slice(l.start + 3, l.end);
    if (rest.trim() === "") return true;
    return /^[ \t]/.test(rest) ? giveUp() : false; // content on the marker line: left to the parser
  }

  /** Index of the next significant line of this document (moving `i` past blank and comment lines). */
  private nextSignificant(): number | undefined {
    while (this.i < this.docEnd && !this.lines[this.i]!.significant) this.i++;
    return this.i < this.docEnd ? this.i : undefined;
  }

  private isSeqLine(n: number): boolean {
    const l = this.lines[n]!;
    const at = l.start + l.indent;
    return this.text[at] === "-" && (at + 1 === l.end || this.text[at + 1] === " ");
  }

  /** A block collection starting at line `n`; `parent` is the indentation it must exceed. */
  private block(n: number, parent: number): Node {
    const l = this.lines[n]!;
    if (l.indent <= parent) giveUp();
    return this.isSeqLine(n) ? this.seq(n) : this.map(n, l.indent, l.start + l.indent);
  }

  private seq(n: number): YAMLSeq {
    const indent = this.lines[n]!.indent;
    const seq = new YAMLSeq(this.doc.schema);
    const first = this.lines[n]!.start + indent;
    let last = first;
    for (let k: number | undefined = n; k !== undefined; k = this.nextSignificant()) {
      const l = this.lines[k]!;
      if (l.indent < indent || (l.indent === indent && !this.isSeqLine(k))) break; // the parent's next line
      if (l.indent > indent) giveUp();
      const dash = l.start + indent;
      let at = dash + 1;
      while (at < l.end && this.text.charCodeAt(at) === 32) at++;
      this.i = k + 1;
      const item = this.valueAt(k, at, indent, false);
      seq.items.push(item);
      last = item.range![2];
    }
    seq.range = [first, last, last];
    return seq;
  }

  /** A map whose first key is at offset `keyAt` on line `n` (after `- ` for a map in a sequence). */
  private map(n: number, indent: number, keyAt: number): YAMLMap {
    const map = new YAMLMap(this.doc.schema);
    const seen = new Set<unknown>();
    let last = keyAt;
    let at = keyAt;
    for (let k: number | undefined = n; k !== undefined; ) {
      const l = this.lines[k]!;
      const key = this.key(l, at);
      if (key.node.value === "<<" || seen.has(key.node.value)) giveUp(); // merge keys, duplicate-key errors
      seen.add(key.node.value);
      let v = key.colon + 1;
      while (v < l.end && this.text.charCodeAt(v) === 32) v++;
      this.i = k + 1;
      const value = this.valueAt(k, v, indent, true);
      map.items.push(new Pair(key.node, value));
      last = value.range![2];
      k = this.nextSignificant();
      if (k === undefined) break;
      const next = this.lines[k]!;
      if (next.indent < indent) break;
      if (next.indent > indent || this.isSeqLine(k)) giveUp();
      at = next.start + next.indent;
    }
    map.range = [keyAt, last, last];
    return map;
  }

  private key(l: Line, at: number): { node: Scalar; colon: number } {
    const t = this.text;
    const c = t[at];
    let node: Scalar;
    let colon: number;
    if (c === '"' || c === "'") {
      const q = this.quoted(at, l.end);
      node = q.node;
      colon = q.end;
      if (t[colon] !== ":") giveUp();
    } else {
      colon = t.indexOf(":", at);
      // The key ends at the first colon followed by a space or the line's end.
      while (colon >= 0 && colon < l.end && !(colon + 1 === l.end || t[colon + 1] === " ")) {
        colon = t.indexOf(":", colon + 1);
      }
      if (colon < 0 || colon >= l.end) giveUp();
      const src = t.slice(at, colon);
      if (src === "" || src !== src.trimEnd() || notPlainStart.test(src) || /\s#|^(?:---|\.\.\.)/.test(src)) giveUp();
      node = this.plain(src, at);
    }
    return { node, colon };
  }

  /**
   * A node at offset `at` on line `n` (after the key's `: ` or the item's `- `): the value of a
   * map key (`inMap`) or a sequence item. `indent` is the collection's indentation.
   */
  private valueAt(n: number, at: number, indent: number, inMap: boolean): Node {
    const l = this.lines[n]!;
    const t = this.text;
    if (at >= l.end || t[at] === "#") {
      // Nothing on the line: a nested block, or an empty (null) value.
      const k = this.nextSignificant();
      if (k !== undefined) {
        const next = this.lines[k]!;
        if (next.indent > indent || (inMap && next.indent === indent && this.isSeqLine(k))) {
          return this.block(k, inMap && this.isSeqLine(k) ? indent - 1 : indent);
        }
      }
      const empty = new Scalar(null);
      const pos = Math.min(at, l.end);
      empty.range = [pos, pos, pos];
      empty.source = "";
      empty.type = "PLAIN";
      return empty;
    }
    const c = t[at];
    let node: Node;
    if (c === '"' || c === "'") {
      const q = this.quoted(at, l.end);
      this.lineRest(l, q.end);
      node = q.node;
    } else if (c === "|") {
      node = this.literal(n, at, indent);
    } else if (c === "[" && t[at + 1] !== "]") {
      node = this.flowSeq(l, at);
    } else if (c === "[" || c === "{") {
      const close = c === "[" ? "]" : "}";
      if (t[at + 1] !== close) giveUp();
      this.lineRest(l, at + 2);
      node = c === "[" ? new YAMLSeq(this.doc.schema) : new YAMLMap(this.doc.schema);
      (node as YAMLSeq).flow = true;
      node.range = [at, at + 2, at + 2];
    } else {
      let end = t.indexOf(" #", at);
      if (end < 0 || end > l.end) end = l.end;
      const src = t.slice(at, end).trimEnd();
      if (notPlainStart.test(src) || src.includes(": ") || src.endsWith(":") || src.includes("\t#")) {
        const compactMap = !inMap && !src.startsWith("- ") && !notPlainStart.test(src) && !src.includes("\t");
        if (compactMap) return this.map(n, at - l.start, at);
        giveUp();
      }
      node = this.plain(src, at);
    }
    // A one-line value must not be followed by lines that continue it.
    const k = this.nextSignificant();
    if (k !== undefined && this.lines[k]!.indent > indent) giveUp();
    return node;
  }

  /** `[a, "b", 'c']` on one line: scalars only (`args: ["--verbose"]`); nesting, pairs and the rest decline. */
  private flowSeq(l: Line, at: number): YAMLSeq {
    const t = this.text;
    const seq = new YAMLSeq(this.doc.schema);
    seq.flow = true;
    let k = at + 1;
    for (;;) {
      while (k < l.end && t[k] === " ") k++;
      const c = t[k];
      let item: Scalar;
      if (c === '"' || c === "'") {
        const q = this.quoted(k, l.end);
        item = q.node;
        k = q.end;
        while (k < l.end && t[k] === " ") k++;
      } else {
        let end = k;
        while (end < l.end && !",[]{}#".includes(t[end]!)) end++;
        const src = t.slice(k, end).trimEnd();
        if (src === "" || notPlainStart.test(src) || src.includes(":") || src.includes("\t")) giveUp();
        item = this.plain(src, k);
        k += src.length;
        while (k < l.end && t[k] === " ") k++;
      }
      seq.items.push(item);
      if (t[k] === "]") break;
      if (t[k] !== ",") giveUp();
      k++;
    }
    this.lineRest(l, k + 1);
    seq.range = [at, k + 1, k + 1];
    return seq;
  }

  /** After a value on a line, only spaces and a comment may follow. */
  private lineRest(l: Line, from: number): void {
    const rest = this.text.slice(from, l.end);
    if (rest.trim() !== "" && !/^ +#/.test(rest)) giveUp();
  }

  private plain(src: string, at: number): Scalar {
    let value: unknown;
    if (nullWord.test(src)) value = null;
    else if (trueWord.test(src)) value = true;
    else if (falseWord.test(src)) value = false;
    else if (/^[-+0-9.]/.test(src)) {
      value = resolveGoNumber(src);
      if (typeof value === "number" && !Number.isFinite(value)) giveUp(); // an error, with the parser's message
    } else value = src;
    const node = new Scalar(value);
    node.range = [at, at + src.length, at + src.length];
    node.source = src;
    node.type = "PLAIN";
    return node;
  }

  /** A quoted scalar that closes on its line; `end` is the offset after the closing quote. */
  private quoted(at: number, lineEnd: number): { node: Scalar; end: number } {
    const t = this.text;
    const q = t[at];
    let value = "";
    let k = at + 1;
    for (;;) {
      if (k >= lineEnd) giveUp(); // multi-line quoted scalars: left to the parser
      const c = t[k]!;
      if (c === q) {
        if (q === "'" && t[k + 1] === "'") {
          value += "'";
          k += 2;
          continue;
        }
        break;
      }
      if (q === '"' && c === "\\") {
        const e = t[k + 1]!;
        const hex = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
        if (hex) {
          const digits = t.slice(k + 2, k + 2 + hex);
          if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex) giveUp();
          const cp = parseInt(digits, 16);
          if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) giveUp();
          value += String.fromCodePoint(cp);
          k += 2 + hex;
          continue;
        }
        const s = escapes[e];
        if (s === undefined) giveUp();
        value += s;
        k += 2;
        continue;
      }
      value += c;
      k++;
    }
    const node = new Scalar(value);
    node.range = [at, k + 1, k + 1];
    node.source = value;
    node.type = q === '"' ? "QUOTE_DOUBLE" : "QUOTE_SINGLE";
    return { node, end: k + 1 };
  }

  /** A `|` block scalar whose header is at `at` on line `n`; the collection's indentation is `indent`. */
  private literal(n: number, at: number, indent: number): Scalar {
    const t = this.text;
    const l = this.lines[n]!;
    let h = at + 1;
    let chomp = "";
    if (t[h] === "-" || t[h] === "+") chomp = t[h++]!;
    this.lineRest(l, h);
    if (/[0-9]/.test(t[h] ?? "")) giveUp();
    if (!l.newline) giveUp();
    const lines = this.lines;
    let k = n + 1;
    // The block's indentation is the first non-empty line's; leading empty lines may not be longer.
    let first = k;
    while (first < this.docEnd && lines[first]!.indent === lines[first]!.end - lines[first]!.start) first++;
    if (first >= this.docEnd) giveUp();
    const m = lines[first]!.indent;
    if (m <= indent) giveUp(); // an empty block scalar
    let value = "";
    let trailing = "";
    let lastContent = k - 1;
    for (; k < this.docEnd; k++) {
      const line = lines[k]!;
      const blank = line.indent === line.end - line.start;
      if (blank) {
        if (line.indent > m) giveUp();
        trailing += "\n";
        continue;
      }
      if (line.indent < m) break;
      value += trailing + t.slice(line.start + m, line.end) + "\n";
      trailing = "";
      lastContent = k;
      if (!line.newline) giveUp();
    }
    // Comment lines after the block belong to the map, not to the block: re-read from there.
    this.i = lastContent + 1;
    if (chomp === "-") value = value.replace(/\n+$/, "");
    else if (chomp === "+") value += trailing;
    const endLine = lines[lastContent]!;
    const end = endLine.newline ? endLine.end + 1 : endLine.end;
    const node = new Scalar(value);
    node.range = [at, end, end];
    node.source = value;
    node.type = "BLOCK_LITERAL";
    return node;
  }
}
