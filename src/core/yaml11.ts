/**
 * YAML 1.1 as the original Gimlet, helm and kubectl read it: sigs.k8s.io/yaml on go-yaml v2.
 * The `yaml` package's own 1.1 schema differs from go-yaml v2 in places (sexagesimal `1:20`,
 * timestamps, `0o17`), so plain scalars are resolved here by go-yaml v2's rules, checked against
 * real Go in tests/oracles/helm/yaml11.
 */
import { isScalar, visit, type Document, type ScalarTag, type SchemaOptions } from "yaml";

type Tags = Extract<NonNullable<SchemaOptions["customTags"]>, unknown[]>;

/** go-yaml v2's yamlStyleFloat, applied after underscores are removed. */
const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** strconv.ParseInt(s, 0, 64)'s syntax: base prefixes, a leading 0 for octal. */
const goInt = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const infinities: Record<string, number> = {};
for (const s of ["", "+", "-"])
  for (const w of [".inf", ".Inf", ".INF"]) infinities[s + w] = s === "-" ? -Infinity : Infinity;
for (const w of [".nan", ".NaN", ".NAN"]) infinities[w] = NaN;

function parseGoInt(sign: string, body: string): number {
  const prefix = body.slice(0, 2).toLowerCase();
  const base =
    prefix === "0x" ? 16 : prefix === "0o" ? 8 : prefix === "0b" ? 2 : body.length > 1 && body[0] === "0" ? 8 : 10;
  const digits = base === 10 || (base === 8 && prefix !== "0o") ? body : body.slice(2);
  const n = parseInt(digits, base);
  return sign === "-" && n !== 0 ? -n : n;
}

/** A plain scalar starting with a digit, sign or dot: go-yaml v2's number, or the text itself. */
export function resolveGoNumber(s: string): number | string {
  if (s in infinities) return infinities[s]!;
  if (s[0] === ".") return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s) ? Number(s) : s;
  const plain = s.replace(/_/g, "");
  const m = goInt.exec(plain);
  if (m) return parseGoInt(m[1]!, m[2]!);
  if (yamlStyleFloat.test(plain)) return Number(plain);
  return s;
}

const goNumber: ScalarTag = {
  default: true,
  tag: "tag:yaml.org,2002:float",
  test: /^[-+0-9.]/,
  resolve(s: string, onError: (msg: string) => void) {
    const v = resolveGoNumber(s);
    // sigs.k8s.io/yaml converts to JSON, which has no infinities: the original refused these.
    if (typeof v === "number" && !Number.isFinite(v))
      onError(`${s} is not a number JSON can hold; quote it ("${s}") if it is text`);
    return v;
  },
};

/**
 * Text that is one plain scalar on its own — no indicator, space, colon, `#` or document marker —
 * so a whole YAML parse of it is only a tag match. Anything else is left to the parser.
 */
const simplePlain = /^(?![-.]{2}|-$)[A-Za-z0-9._/+=-][A-Za-z0-9._/+=@%~-]*$/;
const yaml11Null = /^(?:[Nn]ull|NULL)$/;
const yaml11True = /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const yaml11False = /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;

/**
 * What `parse(s, yaml11ParseOptions)` returns for text that is a simple plain scalar, without
 * parsing; undefined when `s` is anything else (or an infinity, which that parse refuses).
 */
export function resolvePlain11(s: string): { value: unknown } | undefined {
  if (!simplePlain.test(s)) return undefined;
  if (yaml11Null.test(s)) return { value: null };
  if (yaml11True.test(s)) return { value: true };
  if (yaml11False.test(s)) return { value: false };
  if (!/^[-+0-9.]/.test(s)) return { value: s };
  const v = resolveGoNumber(s);
  return typeof v === "number" && !Number.isFinite(v) ? undefined : { value: v };
}

/** Custom tags for `yaml`'s 1.1 mode: go-yaml v2 numbers; no sexagesimals, no timestamps. */
export function yaml11Tags(tags: Tags): Tags {
  const dropped = /:(int|float|timestamp)$/;
  return [...tags.filter((t) => typeof t === "string" || !dropped.test(t.tag)), goNumber];
}

export const yaml11ParseOptions: SchemaOptions & { version: "1.1" } = { version: "1.1", customTags: yaml11Tags };

/** What a plain scalar means in YAML 1.2 (the `yaml` package's core schema). */
function resolve12(s: string): unknown {
  if (/^(?:~|null|Null|NULL)?$/.test(s)) return null;
  if (/^(?:true|True|TRUE)$/.test(s)) return true;
  if (/^(?:false|False|FALSE)$/.test(s)) return false;
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(s)) return NaN;
  return s;
}

export interface Yaml11Difference {
  /** Offset of the scalar in the parsed text. */
  offset: number;
  /** Path of keys and indexes to the scalar; the key itself when `isKey`. */
  path: (string | number)[];
  source: string;
  yaml11: unknown;
  yaml12: unknown;
  isKey: boolean;
}

const same = (a: unknown, b: unknown) => Object.is(a, b) || (typeof a === "number" && typeof b === "number" && a === b);

/**
 * Plain scalars of a document (parsed in 1.1 mode) that a YAML 1.2 reader would read otherwise:
 * `yes`/`on`/`y` (booleans in 1.1, text in 1.2), `0644` (octal), `1_000`, `0b101`, `1:20`, ….
 */
export function yaml11Differences(doc: Document.Parsed): Yaml11Difference[] {
  const out: Yaml11Difference[] = [];
  visit(doc, {
    Scalar(key, node, path) {
      if (node.type !== "PLAIN" || typeof node.source !== "string" || !node.range) return;
      const v12 = resolve12(node.source);
      if (same(node.value, v12)) return;
      const keys: (string | number)[] = [];
      let isKey = false;
      for (let i = 0; i < path.length; i++) {
        const p = path[i] as unknown as { items?: unknown[]; key?: unknown };
        const next = (path[i + 1] ?? node) as unknown;
        if (Array.isArray(p.items)) {
          const idx = p.items.indexOf(next);
          if (idx >= 0 && !("key" in (next as object))) keys.push(idx);
        } else if (p.key !== undefined) {
          if (next === p.key) isKey = true;
          else if (isScalar(p.key)) keys.push(String(p.key.value));
        }
      }
      if (key === "key") isKey = true;
      out.push({ offset: node.range[0], path: keys, source: node.source, yaml11: node.value, yaml12: v12, isKey });
    },
  });
  return out;
}
