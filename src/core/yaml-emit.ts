/**
 * A direct YAML writer for plain JSON-like data (objects, arrays, strings, finite numbers,
 * booleans, null). It writes exactly what the `yaml` package's Document writer writes with
 * gimlet's options (see toYaml in yaml.ts) — the same quoting, block scalars and indentation —
 * without building a node tree first: a CLI call renders once, so cold-start cost is what counts,
 * and the Document path cost more than parsing and rendering together.
 *
 * The string rules are ports of yaml 2.x's stringifyString with lineWidth 0 (no folding), plus
 * gimlet's two: strings a YAML 1.1 reader would take for something else are double-quoted, and
 * control characters are escaped as go-yaml does. Anything that is not plain data returns
 * undefined, and the caller falls back to the Document writer.
 */

export interface EmitRules {
  /** Strings a YAML 1.1 reader (go-yaml, kubectl) would not read back as strings. */
  isYaml11Special(s: string): boolean;
  /** Characters that must be escaped, and the go-yaml escaping of them. */
  needsEscape: RegExp;
  goDoubleQuoted(s: string): string;
}

const step = "  ";
/** Characters and sequences a plain scalar cannot start with, contain or end with (yaml's plainString). */
const notPlain = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** The core schema's non-string tests (null, bool, int, oct, hex, floats): such a string is quoted. */
const coreNonString = new RegExp(
  "^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\\.(?:inf|Inf|INF)" +
    "|\\.nan|\\.NaN|\\.NAN|[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)?$",
);
const documentMarker = /^(%|---|\.\.\.)/m;
const blockEndNewlines = /(^|(?<!\n))\n+(?!\n|$)/g;
/** A double-quoted string with a newline is written over several lines from this JSON length on. */
const minMultiLineLength = 40;

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Plain data → YAML (with the final newline), or undefined when `value` is not plain data or not a collection. */
export function emitYaml(value: unknown, rules: EmitRules): string | undefined {
  // Top-level scalars are rare: left to the Document writer.
  if (value === null || typeof value !== "object") return undefined;
  const out = new Emitter(rules).node(value, "", false);
  return out === undefined ? undefined : `${out}\n`;
}

class Emitter {
  constructor(private readonly rules: EmitRules) {}

  /** `indent` is the indentation of the node's own continuation lines (yaml's ctx.indent). */
  node(v: unknown, indent: string, implicitKey: boolean): string | undefined {
    switch (typeof v) {
      case "string":
        return this.string(v, indent, implicitKey);
      case "number":
        if (Number.isFinite(v)) return Object.is(v, -0) ? "-0" : JSON.stringify(v);
        return Number.isNaN(v) ? ".nan" : v < 0 ? "-.inf" : ".inf";
      case "boolean":
        return v ? "true" : "false";
      case "object":
        if (v === null) return "null";
        if (Array.isArray(v)) return this.seq(v, indent);
        return isPlainObject(v) ? this.map(v, indent) : undefined;
      case "undefined":
        return "null"; // only reached in arrays: yaml writes a missing item as null
      default:
        return undefined;
    }
  }

  seq(items: readonly unknown[], indent: string): string | undefined {
    if (items.length === 0) return "[]";
    const itemIndent = indent + step;
    let out = "";
    for (let i = 0; i < items.length; i++) {
      const s = this.node(items[i], itemIndent, false);
      if (s === undefined) return undefined;
      out += i === 0 ? `- ${s}` : `\n${indent}- ${s}`;
    }
    return out;
  }

  map(obj: Record<string, unknown>, indent: string): string | undefined {
    let out = "";
    let first = true;
    for (const key of Object.keys(obj)) {
      const value = obj[key];
      if (value === undefined) continue; // yaml drops undefined values from maps
      const pair = this.pair(key, value, indent);
      if (pair === undefined) return undefined;
      out += first ? pair : `\n${indent}${pair}`;
      first = false;
    }
    return first ? "{}" : out;
  }

  /** yaml's stringifyPair for a block map with a string key. */
  pair(key: string, value: unknown, indent: string): string | undefined {
    const inner = indent + step;
    const k = this.string(key, inner, true);
    const explicitKey = k.length > 1024;
    const head = explicitKey ? `? ${k}\n${indent}:` : `${k}:`;
    const isSeq = Array.isArray(value);
    const isCollection = isSeq || (value !== null && typeof value === "object");
    const valueIndent = isSeq && !explicitKey ? indent : inner; // sequences are not indented under their key
    const v = this.node(value, valueIndent, false);
    if (v === undefined) return undefined;
    if (!explicitKey && isCollection) {
      const empty = isSeq ? (value as unknown[]).length === 0 : v === "{}";
      if (!empty || v.includes("\n")) return `${head}\n${valueIndent}${v}`;
    }
    return v === "" || v[0] === "\n" ? head + v : `${head} ${v}`;
  }

  string(s: string, indent: string, implicitKey: boolean): string {
    const r = this.rules;
    if (r.needsEscape.test(s)) return r.goDoubleQuoted(s);
    if (r.isYaml11Special(s)) return doubleQuoted(s, indent, implicitKey);
    const hasNewline = s.includes("\n");
    if (implicitKey && hasNewline) return quoted(s, indent, implicitKey);
    if (notPlain.test(s)) {
      return implicitKey || !hasNewline ? quoted(s, indent, implicitKey) : block(s, indent, implicitKey);
    }
    if (!implicitKey && hasNewline) return block(s, indent, implicitKey);
    if (implicitKey && indent === step && documentMarker.test(s)) return quoted(s, indent, implicitKey);
    if (coreNonString.test(s)) return quoted(s, indent, implicitKey);
    return s;
  }
}

function quoted(s: string, indent: string, implicitKey: boolean): string {
  const single = s.includes('"') && !s.includes("'");
  return single ? singleQuoted(s, indent, implicitKey) : doubleQuoted(s, indent, implicitKey);
}

function singleQuoted(s: string, indent: string, implicitKey: boolean): string {
  if ((implicitKey && s.includes("\n")) || /[ \t]\n|\n[ \t]/.test(s)) return doubleQuoted(s, indent, implicitKey);
  const ind = indent || (documentMarker.test(s) ? step : "");
  return `'${s.replace(/'/g, "''").replace(/\n+/g, `$&\n${ind}`)}'`;
}

const shortEscapes: Record<string, string> = {
  "0000": "\\0",
  "0007": "\\a",
  "000b": "\\v",
  "001b": "\\e",
  "0085": "\\N",
  "00a0": "\\_",
  "2028": "\\L",
  "2029": "\\P",
};

/** yaml's doubleQuotedString: JSON escapes, YAML short escapes, long multi-line strings broken at newlines. */
function doubleQuoted(value: string, indent: string, implicitKey: boolean): string {
  const json = JSON.stringify(value);
  const ind = indent || (documentMarker.test(value) ? step : "");
  let str = "";
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === " " && json[i + 1] === "\\" && json[i + 2] === "n") {
      // a space before a newline is escaped so it is not folded away
      str += json.slice(start, i) + "\\ ";
      i += 1;
      start = i;
      ch = "\\";
    }
    if (ch !== "\\") continue;
    const next = json[i + 1];
    if (next === "u") {
      str += json.slice(start, i);
      const code = json.substr(i + 2, 4);
      str += shortEscapes[code] ?? (code.startsWith("00") ? `\\x${code.slice(2)}` : json.substr(i, 6));
      i += 5;
      start = i + 1;
    } else if (next === "n") {
      if (implicitKey || json[i + 2] === '"' || json.length < minMultiLineLength) {
        i += 1;
      } else {
        // a line break is written as an empty line (folding eats the first newline)
        str += json.slice(start, i) + "\n\n";
        while (json[i + 2] === "\\" && json[i + 3] === "n" && json[i + 4] !== '"') {
          str += "\n";
          i += 2;
        }
        str += ind;
        if (json[i + 2] === " ") str += "\\"; // a leading space would be folded away
        i += 1;
        start = i + 1;
      }
    } else {
      i += 1;
    }
  }
  return start ? str + json.slice(start) : json;
}

/** yaml's blockString with lineWidth 0: always literal (`|`), chomping and indentation indicators as needed. */
function block(s: string, indent: string, implicitKey: boolean): string {
  // A block cannot end in whitespace-only lines, nor be only whitespace with spaces in it: no line
  // would set its indentation, and a reader takes the spaces for indentation (yaml's writer
  // misses the second case: `" \n"` came back as `"\n"`).
  if (/\n[\t ]+$/.test(s) || (/^[\t \n]*$/.test(s) && /[\t ]/.test(s))) return quoted(s, indent, implicitKey);
  const ind = indent || (documentMarker.test(s) ? step : "");
  let value = s;
  let endStart = value.length;
  for (; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== "\n" && ch !== "\t" && ch !== " ") break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf("\n");
  const chomp = endNlPos === -1 ? "-" : value === end || endNlPos !== end.length - 1 ? "+" : "";
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === "\n") end = end.slice(0, -1);
    end = end.replace(blockEndNewlines, `$&${ind}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNlPos = -1;
  for (; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === " ") startWithSpace = true;
    else if (ch === "\n") startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${ind}`);
  }
  const header = (startWithSpace ? (ind ? "2" : "1") : "") + chomp;
  return `|${header}\n${ind}${start}${value.replace(/\n+/g, `$&${ind}`)}${end}`;
}
