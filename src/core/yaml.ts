/**
 * YAML in and out, with one set of options so every file gimlet writes looks the same
 * (block style, sequences not indented under their key, no line folding — like kubectl and helm).
 */
import { Document, LineCounter, parseAllDocuments, visit, type ScalarTag, type SchemaOptions } from "yaml";
import { UserError } from "./errors.ts";
import { emitYaml } from "./yaml-emit.ts";
import { parseYaml11Fast } from "./yaml-fast.ts";
import { resolveGoNumber, yaml11ParseOptions } from "./yaml11.ts";

/** Inputs beyond this are refused before parsing: a manifest is kilobytes, not megabytes. */
export const maxYamlBytes = 4 * 1024 * 1024;
/** yaml's own default is 100; a manifest never needs more and a billion-laughs needs many. */
const maxAliasCount = 50;

const stringifyOptions = { indentSeq: false, lineWidth: 0, minContentWidth: 0 } as const;

/**
 * Strings a YAML 1.1 reader (Kubernetes, kubectl, go-yaml) would take for something else:
 * y/n/yes/no/on/off, ~, `<<` (the merge key), numbers in 1.1 forms (0o17 aside: 017, 1_000, 1:20, .inf). They are
 * double-quoted, as go-yaml does, so `value: "yes"` stays a string in the cluster.
 */
const yaml11Word =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|)$/;
const yaml11Number =
  /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
export function isYaml11Special(s: string): boolean {
  if (s === "<<" || yaml11Word.test(s)) return true;
  if (yaml11Number.test(s) && /[0-9]|inf|nan/i.test(s)) return true;
  return /^[-+0-9.]/.test(s) && typeof resolveGoNumber(s) === "number";
}

/**
 * Characters a YAML reader refuses raw (C0 but tab and newline, DEL, C1, non-characters) or reads
 * as something else (NEL, LS and PS are line breaks in YAML 1.1; a BOM marks encoding). The
 * `yaml` package writes them raw, and kubectl's decoder then rejects the whole object.
 */
const needsEscape =
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const goEscapes: Record<number, string> = {
  0: "\\0",
  7: "\\a",
  8: "\\b",
  9: "\\t",
  10: "\\n",
  11: "\\v",
  12: "\\f",
  13: "\\r",
  27: "\\e",
  34: '\\"',
  92: "\\\\",
  133: "\\N",
  8232: "\\L",
  8233: "\\P",
};

/** A double-quoted scalar escaped as go-yaml's emitter escapes one (`\x7F`, `\N`, `\L`, `\uFEFF`). */
export function goDoubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const printable =
      c === 0x0a ||
      (c >= 0x20 && c <= 0x7e) ||
      (c >= 0xa0 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) ||
      c >= 0x10000;
    if (goEscapes[c] !== undefined) out += goEscapes[c];
    else if (printable) out += ch;
    else if (c <= 0xff) out += `\\x${c.toString(16).toUpperCase().padStart(2, "0")}`;
    else out += `\\u${c.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return `${out}"`;
}

type Tags = Extract<NonNullable<SchemaOptions["customTags"]>, unknown[]>;

const escapedString: ScalarTag = {
  identify: (v: unknown) => typeof v === "string" && needsEscape.test(v),
  default: true,
  tag: "tag:yaml.org,2002:str",
  resolve: (s: string) => s,
  stringify: (item) => goDoubleQuoted(String(item.value)),
};

const emitRules = { isYaml11Special, needsEscape, goDoubleQuoted };

/** YAML of a value, block style; plain data goes through the direct writer, anything else through yaml's Document. */
export function toYaml(value: unknown): string {
  return emitYaml(value, emitRules) ?? toYamlByDocument(value);
}

/** The `yaml` package's writer with gimlet's quoting: the reference the direct writer (yaml-emit.ts) matches. */
export function toYamlByDocument(value: unknown): string {
  const doc = new Document(value, {
    aliasDuplicateObjects: false,
    customTags: (tags: Tags) => [escapedString, ...tags],
  });
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === "string" && isYaml11Special(node.value)) node.type = "QUOTE_DOUBLE";
    },
  });
  return doc.toString(stringifyOptions);
}

/** Multi-document YAML as helm and kustomize print it: each document starts with `---`. */
export function toMultiDocYaml(values: readonly unknown[]): string {
  return values.map((v) => `---\n${toYaml(v)}`).join("");
}

export interface ParsedDocs {
  docs: Document.Parsed[];
  lines: LineCounter;
}

export interface ParseOptions {
  /**
   * Read plain scalars as YAML 1.1, as sigs.k8s.io/yaml does (the original Gimlet, helm, kubectl):
   * `yes` is true, `0644` is 420. Default: YAML 1.2.
   */
  yaml11?: boolean;
}

/** Parses every document, turning the first syntax error into a UserError with file:line:col. */
export function parseYamlDocs(text: string, file?: string, lineOffset = 0, opts: ParseOptions = {}): ParsedDocs {
  if (text.length > maxYamlBytes) {
    throw new UserError(
      `file is ${(text.length / 1024 / 1024).toFixed(1)} MiB; the limit is ${maxYamlBytes / 1024 / 1024} MiB`,
      {
        pos: { file },
        hint: "split it, or check that the right file was passed",
      },
    );
  }
  // Plain manifests take the fast reader; everything else (and every error) the full parser.
  const fast = opts.yaml11 ? parseYaml11Fast(text) : undefined;
  if (fast) return fast;
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    ...(opts.yaml11 ? yaml11ParseOptions : {}),
  });
  if (!Array.isArray(docs)) throw new UserError("not a YAML stream", { pos: { file } });
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      const p = lines.linePos(err.pos[0]);
      throw new UserError(`YAML syntax error: ${firstLine(err.message)}`, {
        pos: { file, line: p.line + lineOffset, column: p.col },
      });
    }
  }
  return { docs, lines };
}

/** Converts a parsed document to plain data, refusing alias bombs. */
export function docToJs(doc: Document.Parsed, file?: string): unknown {
  try {
    return doc.toJS({ maxAliasCount });
  } catch (e) {
    throw new UserError(`cannot load YAML: ${(e as Error).message}`, {
      pos: { file },
      hint: "YAML aliases are limited to avoid expansion bombs; write the values out",
      cause: e,
    });
  }
}

/** Plain data of every non-empty document in a multi-document string. */
export function parseYamlAll(text: string, file?: string, lineOffset = 0, opts: ParseOptions = {}): unknown[] {
  const { docs } = parseYamlDocs(text, file, lineOffset, opts);
  return docs.map((d) => docToJs(d, file)).filter((v) => v !== null && v !== undefined);
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}
