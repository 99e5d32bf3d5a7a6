/**
 * From manifest text to typed manifests: template the text (cleanup excluded, as the original
 * does), parse every document, check its shape. Positions in errors point at the source file.
 */
import { Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node, type Scalar } from "yaml";
import { UserError, ValidationError, type SourcePos } from "../errors.ts";
import { isDnsLabel } from "../k8s.ts";
import { Budget, renderTemplate, TemplateError, sanitizeDNSName, type TemplateLimits } from "../template/index.ts";
import { docToJs, parseYamlDocs } from "../yaml.ts";
import type { CleanupPolicy, Manifest } from "./model.ts";
import { checkShape, manifestShape } from "./shape.ts";
import type { Vars } from "./vars.ts";

export interface LoadedManifest {
  manifest: Manifest;
  file: string;
  /** 0-based index of the document in a multi-document file. */
  index: number;
  /** Source position of a field path like ["values", "image", "tag"], best effort. */
  posOf(path: readonly (string | number)[]): SourcePos;
}

export interface LoadOptions {
  file?: string;
  vars?: Vars;
  /** "error" (default, like the original), or "zero" to tolerate missing variables (lint). */
  missingKey?: "error" | "zero";
  now?: () => Date;
  /** Bounds for all the templating of the text together (default: the engine's untrusted limits). */
  limits?: Partial<TemplateLimits>;
}

/** Loads every manifest in `text`. Throws UserError / ValidationError with positions. */
export function loadManifests(text: string, opts: LoadOptions = {}): LoadedManifest[] {
  const file = opts.file ?? "<stdin>";
  // YAML 1.1, as the original read manifests (sigs.k8s.io/yaml): `yes` is true, `0644` is 420.
  const { docs, lines } = parseYamlDocs(text, file, 0, { yaml11: true });
  return loadDocs(docs, lines, file, opts);
}

/**
 * Loads manifests that are already data (an artifact's `environments`), with the same templating
 * and checks as text but no YAML round trip. Errors name `opts.file` and the field path; there is
 * no line to point at.
 */
export function loadManifestObjects(objects: readonly unknown[], opts: LoadOptions = {}): LoadedManifest[] {
  const file = opts.file ?? "<data>";
  const docs = objects.map((o) => new Document(o, { aliasDuplicateObjects: false }) as unknown as Document.Parsed);
  return loadDocs(docs, undefined, file, opts);
}

function loadDocs(
  docs: Document.Parsed[],
  lines: LineCounter | undefined,
  file: string,
  opts: LoadOptions,
): LoadedManifest[] {
  const vars = opts.vars ?? {};
  // One budget for the whole text: many templated values must not each get the full allowance.
  const budget = new Budget(opts.limits);
  const out: LoadedManifest[] = [];
  const problems: UserError[] = [];
  docs.forEach((doc, index) => {
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return; // an empty document between `---` lines
    const at = posFinder(doc, lines, file);
    const cleanupNode = isMap(doc.contents)
      ? (doc.contents.items.find((p) => isScalar(p.key) && p.key.value === "cleanup")?.value as Node | undefined)
      : undefined;
    const cleanupRaw = cleanupNode ? cleanupNode.toJS(doc, { maxAliasCount: 10 }) : undefined;
    templateScalars(doc, cleanupNode, vars, file, lines, opts, budget);
    for (const p of checkShape(doc.contents as Node, manifestShape)) {
      problems.push(new UserError(p.message, { pos: offsetPos(lines, file, p.offset), path: p.path, hint: p.hint }));
    }
    if (problems.length) return;
    const manifest = docToJs(doc, file) as Manifest;
    manifest.namespace ||= "default";
    for (const field of ["app", "env", "namespace"] as const) {
      const v = manifest[field];
      if (!isDnsLabel(v)) {
        problems.push(
          new UserError(`${JSON.stringify(v)} is not a valid name`, {
            pos: at([field]),
            path: field,
            hint: `use lowercase letters, digits and '-', at most 63 characters (e.g. ${JSON.stringify(sanitizeDNSName(v) || "my-" + field)})`,
          }),
        );
      }
    }
    if (cleanupRaw !== undefined && cleanupRaw !== null)
      manifest.cleanup = resolveCleanup(cleanupRaw, vars, file, opts.now, budget);
    out.push({ manifest, file, index, posOf: at });
  });
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) throw new ValidationError(problems);
  if (out.length === 0) throw new UserError("no manifest found", { pos: { file }, hint: "the file is empty" });
  return out;
}

/**
 * Resolves Go templates the way the original does: in string values (the original templated the
 * YAML it re-marshalled, where every templated value is a quoted string), cleanup excluded — it is
 * resolved later with only BRANCH. Working on parsed scalars keeps YAML escapes right
 * (`"{{ printf \"x-%s\" .BRANCH }}"`) and every error at its place in the file.
 */
function templateScalars(
  doc: Document.Parsed,
  skip: Node | undefined,
  vars: Vars,
  file: string,
  lines: LineCounter | undefined,
  opts: LoadOptions,
  budget: Budget,
): void {
  eachScalar(doc.contents, skip, (node) => {
    if (typeof node.value !== "string" || !node.value.includes("{{")) return;
    try {
      const missingKey = opts.missingKey === "zero" ? "zero" : "error";
      node.value = renderTemplate(node.value, vars, { name: file, missingKey, now: opts.now, limits: budget });
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      if (!lines || !node.range) throw new TemplateError(e.message, { pos: { file }, cause: e });
      // Positions inside the value → positions in the file (exact for plain and quoted one-liners).
      const start = lines.linePos(node.range![0]);
      const quoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE" ? 1 : 0;
      const block = node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED" ? 1 : 0;
      const p = e.pos ?? {};
      const line = start.line + block + ((p.line ?? 1) - 1);
      const column = p.line === 1 && !block ? start.col + quoted + (p.column ?? 1) - 1 : (p.column ?? 1);
      throw new TemplateError(e.message, { pos: { file, line, column }, cause: e });
    }
  });
}

/**
 * Every scalar under `node`, keys before values, in document order, but not under the pair whose
 * value is `skip` — what `visit` with a Scalar visitor sees, without its generic machinery (a
 * cold CLI run walks the manifest once).
 */
function eachScalar(node: unknown, skip: Node | undefined, f: (s: Scalar) => void): void {
  if (isScalar(node)) f(node);
  else if (isMap(node) || isSeq(node)) {
    for (const item of node.items) {
      if (!isPair(item)) eachScalar(item, skip, f);
      else if (!skip || item.value !== skip) {
        eachScalar(item.key, skip, f);
        eachScalar(item.value, skip, f);
      }
    }
  }
}

function resolveCleanup(
  raw: unknown,
  vars: Vars,
  file: string,
  now: (() => Date) | undefined,
  budget: Budget,
): CleanupPolicy {
  const data = { BRANCH: vars.BRANCH ?? "" };
  const resolve = (v: unknown) =>
    typeof v === "string"
      ? renderTemplate(v, data, { name: `${file} (cleanup)`, missingKey: "default", now, limits: budget })
      : v;
  const c = raw as Record<string, unknown>;
  const app = c.app === undefined || c.app === null ? "" : (resolve(c.app) as string);
  const branch = c.branch !== undefined && c.branch !== null ? { branch: resolve(c.branch) as string } : {};
  // The original's zero value of the cleanup event is branchDeleted.
  return { ...(c as unknown as CleanupPolicy), app, event: "branchDeleted", ...branch };
}

function offsetPos(lines: LineCounter | undefined, file: string, offset: number): SourcePos {
  if (!lines) return { file };
  const p = lines.linePos(offset);
  return { file, line: p.line, column: p.col };
}

function posFinder(doc: Document.Parsed, lines: LineCounter | undefined, file: string) {
  return (path: readonly (string | number)[]): SourcePos => {
    // Walk up the path until a node exists: a missing key is reported at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as Node | undefined;
      if (node?.range) return offsetPos(lines, file, node.range[0]);
    }
    return { file };
  };
}
