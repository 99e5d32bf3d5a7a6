/**
 * Rendering a stack: every file of the stack (but stack-definition.yaml, ignored and binary files,
 * and anything deeper than four directories, as the original's globs `*` … `*\/*\/*\/*`) is a Go
 * template run with the stack.yaml `config` map as data. Outputs that are only whitespace are
 * dropped, so a template wrapped in `{{ if .nginx.enabled }}` disappears when nginx is off.
 */
import { localLimits, parseTemplate } from "../template/index.ts";

export const definitionFile = "stack-definition.yaml";
export const ignoreFile = ".stackignore";
/** Files up to this many path segments are templates (`a/b/c/d.yaml` is 4). */
export const maxDepth = 4;

/** path → content, paths relative to the stack's root with `/` separators. */
export type StackFiles = Record<string, string>;

/** Whether `path` is one of the stack's templates (before `.stackignore`). */
function isTemplatePath(path: string): boolean {
  const segs = path.split("/");
  return path !== definitionFile && segs.length <= maxDepth && !segs.includes(".git");
}

/**
 * Renders every template of `files` with `config`; errors are TemplateErrors naming the file,
 * line and column. `ignored` applies `.stackignore` (the adapter owns the gitignore matcher).
 */
export function renderStack(
  files: StackFiles,
  config: Record<string, unknown>,
  ignored: (path: string) => boolean = () => false,
  /** Put before each path in error positions, e.g. the stack's name and version. */
  label = "",
): StackFiles {
  const out: StackFiles = {};
  for (const path of Object.keys(files).sort()) {
    const text = files[path]!;
    if (!isTemplatePath(path) || ignored(path) || text.includes("\0")) continue;
    // missingkey=default, Go's default and the original's: `.loki.enabled` with no loki is empty.
    const rendered = parseTemplate(text, { name: label + path, missingKey: "default", limits: localLimits }).execute(
      config,
    );
    if (rendered.trim() !== "") out[path] = rendered;
  }
  return out;
}
