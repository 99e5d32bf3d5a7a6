/**
 * @module Go `text/template` in TypeScript, with the Sprig functions Gimlet manifests and stack
 * templates use (and Helm's toYaml/fromYaml/required), plus `sanitizeDNSName`.
 *
 * @example renderTemplate('{{ .APP | upper }}', { APP: "web" }) // "WEB"
 */
import { UserError } from "../errors.ts";
import { builtins } from "./builtins.ts";
import { Exec, ExecError, type Func, type LazyFunc } from "./exec.ts";
import { parse, ParseError, type ParseResult } from "./parse.ts";
import { dataFuncs } from "./sprig-data.ts";
import { mathFuncs } from "./sprig-math.ts";
import { miscFuncs, sanitizeDNSName } from "./sprig-misc.ts";
import { stringFuncs } from "./sprig-strings.ts";

export { sanitizeDNSName };

export interface TemplateOptions {
  /** "error" (default, Go's missingkey=error), "zero", or "default" (prints <no value>). */
  missingKey?: "error" | "zero" | "default";
  funcs?: Record<string, (...args: never[]) => unknown>;
  now?: () => Date;
  /** Name used in error positions (a file name). */
  name?: string;
  /** Added to reported line numbers, for a template embedded in a bigger file. */
  lineOffset?: number;
}

export class TemplateError extends UserError {
  override name = "TemplateError";
}

export interface Template {
  execute(data: unknown): string;
}

function lineCol(src: string, pos: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < pos && i < src.length; i++) {
    if (src.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: pos - last };
}

function funcTable(opts: TemplateOptions): Record<string, Func | LazyFunc> {
  return {
    ...builtins,
    ...stringFuncs,
    ...dataFuncs,
    ...mathFuncs,
    ...miscFuncs(opts.now ?? (() => new Date())),
    sanitizeDNSName: (s: unknown) => sanitizeDNSName(String(s)),
    ...((opts.funcs ?? {}) as Record<string, Func>),
  };
}

const parseCache = new Map<string, ParseResult>();

export function parseTemplate(text: string, opts: TemplateOptions = {}): Template {
  const funcs = funcTable(opts);
  const name = opts.name ?? "template";
  const fail = (e: ParseError | ExecError, what: string) => {
    const { line, column } = lineCol(text, e.pos);
    return new TemplateError(`${what}${e.message}`, { pos: { file: name, line: line + (opts.lineOffset ?? 0), column } });
  };
  let parsed = opts.funcs ? undefined : parseCache.get(text);
  if (!parsed) {
    try {
      parsed = parse(text, (f) => f in funcs);
    } catch (e) {
      if (e instanceof ParseError) throw fail(e, "template: ");
      throw e;
    }
    if (!opts.funcs) {
      if (parseCache.size > 200) parseCache.clear();
      parseCache.set(text, parsed);
    }
  }
  const tree = parsed;
  return {
    execute(data: unknown): string {
      try {
        return new Exec({ missingKey: opts.missingKey ?? "error", funcs, defines: tree.defines }).run(tree.root, data);
      } catch (e) {
        if (e instanceof ExecError) throw fail(e, "");
        throw e;
      }
    },
  };
}

export function renderTemplate(text: string, data: unknown, opts: TemplateOptions = {}): string {
  // Most manifests hold no template at all: skip parsing them.
  if (!text.includes("{{")) return text;
  return parseTemplate(text, opts).execute(data);
}
