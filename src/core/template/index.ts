/**
 * Go's `text/template` with Sprig's functions, in TypeScript: what gimlet manifests are written
 * in. Output matches Go's byte for byte (the tests compare against real Go); errors are
 * {@link TemplateError}s with file:line:column.
 *
 * @example
 * ```ts
 * renderTemplate('image: "{{ .REPO }}:{{ .SHA | trunc 8 }}"', { REPO: "app", SHA: "0123456789" });
 * // → 'image: "app:01234567"'
 * ```
 *
 * @module
 */
import { UserError, type SourcePos } from "../errors.ts";
import type { ListNode } from "./ast.ts";
import { builtins } from "./builtins.ts";
import { execute, ExecError, type ExecEnv } from "./exec.ts";
import { funcMap } from "./funcs.ts";
import { Budget, type LimitError, type TemplateLimits } from "./limits.ts";
import { parse, ParseError, type ParsedTemplate } from "./parse.ts";

export { sanitizeDNSName } from "./sanitize.ts";
export { Budget, LimitError, localLimits, untrustedLimits, type TemplateLimits } from "./limits.ts";

export interface TemplateOptions {
  /** What a missing map key does: "error" (default, Go's missingkey=error), "zero" (empty string), "default" (prints <no value>). */
  missingKey?: "error" | "zero" | "default";
  /** Extra functions; they override the defaults. */
  funcs?: Record<string, (...args: any[]) => unknown>;
  /** Clock for `now` and friends; default () => new Date(). */
  now?: () => Date;
  /** Template or file name used in error positions. */
  name?: string;
  /** Added to reported line numbers (the template is embedded in a bigger file). */
  lineOffset?: number;
  /**
   * Step and size bounds of each run (default {@link untrustedLimits}), or a {@link Budget} that
   * several runs share so the bounds hold for all of them together.
   */
  limits?: Partial<TemplateLimits> | Budget;
}

export interface Template {
  execute(data: unknown): string;
}

/** A template that failed to parse or to execute; `pos` points at the action that failed. */
export class TemplateError extends UserError {
  override name = "TemplateError";
  /** The resource limit that stopped the run, when it was one. */
  get limit(): LimitError | undefined {
    const c = this.options.cause;
    return c instanceof ExecError ? c.limit : c instanceof TemplateError ? c.limit : undefined;
  }
}

const cacheLimit = 256;
const treeCache = new Map<string, ParsedTemplate>();

/** Parsing depends only on the text and on which function names exist. */
function parseCached(text: string, funcs: ReadonlyMap<string, unknown>, extra: string[], name: string): ParsedTemplate {
  const key = extra.length ? `${extra.sort().join(",")}\u0000${text}` : text;
  let tree = treeCache.get(key);
  if (tree) {
    // Refresh recency so the cache stays least-recently-used.
    treeCache.delete(key);
    treeCache.set(key, tree);
    return tree;
  }
  tree = parse(text, (fn) => funcs.has(fn) || builtins.has(fn), name);
  if (treeCache.size >= cacheLimit) treeCache.delete(treeCache.keys().next().value!);
  treeCache.set(key, tree);
  return tree;
}

function position(text: string, offset: number, opts: TemplateOptions): SourcePos {
  if (offset < 0) return { file: opts.name };
  const before = text.slice(0, offset);
  const lastNl = before.lastIndexOf("\n");
  let line = 1;
  for (let i = before.indexOf("\n"); i >= 0; i = before.indexOf("\n", i + 1)) line++;
  return { file: opts.name, line: line + (opts.lineOffset ?? 0), column: offset - lastNl };
}

const missingKeyRe = /^map has no entry for key "(.*)"$/;

function toTemplateError(e: unknown, text: string, opts: TemplateOptions): unknown {
  if (e instanceof ParseError) return new TemplateError(e.message, { pos: position(text, e.pos, opts), cause: e });
  if (e instanceof ExecError) {
    const missing = missingKeyRe.exec(e.message);
    const hint = missing
      ? `define ${missing[1]}, or make it optional with {{ index . ${JSON.stringify(missing[1])} | default "…" }}`
      : undefined;
    const limitHint = e.limit
      ? "templates run with bounded steps and output; make the template do less work"
      : undefined;
    const h = hint ?? limitHint;
    return new TemplateError(`at <${e.context}>: ${e.message}`, {
      pos: position(text, e.pos, opts),
      cause: e,
      ...(h ? { hint: h } : {}),
    });
  }
  return e;
}

class CompiledTemplate implements Template {
  private readonly env: ExecEnv;

  constructor(
    /** The parse tree, shared by every Template made from the same text. */
    readonly tree: ParsedTemplate,
    private readonly text: string,
    private readonly opts: TemplateOptions,
    funcs: ExecEnv["funcs"],
  ) {
    const templates = new Map<string, ListNode>(tree.defines);
    const name = opts.name ?? "template";
    if (!templates.has(name)) templates.set(name, tree.root);
    this.env = { funcs, builtins, missingKey: opts.missingKey ?? "error", templates };
  }

  execute(data: unknown): string {
    try {
      const l = this.opts.limits;
      return execute(this.env, this.tree.root, data, l instanceof Budget ? l : new Budget(l));
    } catch (e) {
      throw toTemplateError(e, this.text, this.opts);
    }
  }
}

/** Parses once; the returned template can run many times. Parse trees are cached by text. */
export function parseTemplate(text: string, opts: TemplateOptions = {}): Template {
  const funcs = funcMap(opts.now, opts.funcs);
  const extra = opts.funcs ? Object.keys(opts.funcs) : [];
  try {
    return new CompiledTemplate(parseCached(text, funcs, extra, opts.name ?? "template"), text, opts, funcs);
  } catch (e) {
    throw toTemplateError(e, text, opts);
  }
}

/** Parses and executes in one go. */
export function renderTemplate(text: string, data: unknown, opts: TemplateOptions = {}): string {
  return substituteFields(text, data, opts.limits) ?? parseTemplate(text, opts).execute(data);
}

const fieldAction = /\{\{ *\.([A-Za-z_][A-Za-z0-9_]*) *\}\}/g;

/**
 * The most common manifest template, text with `{{ .SHA }}`-style fields of string variables,
 * without starting the engine (a CLI run renders a couple of them, and the engine's first run is
 * most of the cost). It produces what the engine would, charging the budget the same steps (one
 * for the list, one per text or action node) and output; anything else — another action, a
 * missing or non-string field, a limit that would be hit — is undefined, for the engine to run.
 */
function substituteFields(text: string, data: unknown, limits: TemplateOptions["limits"]): string | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const proto = Object.getPrototypeOf(data);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const vars = data as Record<string, unknown>;
  let out = "";
  let nodes = 0;
  let last = 0;
  for (const m of text.matchAll(fieldAction)) {
    // The engine's lexer takes the first `{{` after the last action: it must be this one.
    if (text.indexOf("{{", last) !== m.index) return undefined;
    const value = Object.hasOwn(vars, m[1]!) ? vars[m[1]!] : undefined;
    if (typeof value !== "string") return undefined;
    if (m.index > last) nodes++;
    out += text.slice(last, m.index) + value;
    nodes++;
    last = m.index + m[0].length;
  }
  if (nodes === 0 || text.includes("{{", last)) return undefined;
  if (last < text.length) {
    out += text.slice(last);
    nodes++;
  }
  const budget = limits instanceof Budget ? limits : new Budget(limits);
  const { maxSteps, maxOutputBytes } = budget.limits;
  if (budget.steps + 1 + nodes > maxSteps || budget.written + out.length > maxOutputBytes) return undefined;
  budget.steps += 1 + nodes;
  budget.written += out.length;
  return out;
}
