/**
 * `stack generate`: render the stack for stack.yaml's config, render the previous generation from
 * `.stack/old` (the stack.yaml used last time, with its own stack version), and write the 3-way
 * merge of the two with the files on disk. Everything is rendered and merged before anything is
 * written; with a conflict and no `--allow-conflicts` nothing is written at all.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, rename, rmdir, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { ConflictError, UserError, ValidationError } from "../core/errors.ts";
import { lintStackConfig } from "../core/stack/lint.ts";
import {
  parseStackConfig,
  setRepository,
  stringifyStackConfig,
  type LoadedStackConfig,
  type StackConfig,
} from "../core/stack/definition.ts";
import { planRegenerate, theirsLabel, oursLabel, type RegeneratePlan } from "../core/stack/merge.ts";
import { renderStack, type StackFiles } from "../core/stack/render.ts";
import { currentTag, isVersionLocked, parseStackRef, withTag, type StackRef } from "../core/stack/source.ts";
import { latestVersion, versionsSince } from "../core/stack/versions.ts";
import { StackLoader, type LoadedStack } from "./load.ts";

export interface GenerateOptions {
  /** Path of stack.yaml. */
  config: string;
  /** Where generated files go; default: the directory of stack.yaml. */
  outputDir?: string;
  allowConflicts?: boolean;
  loader?: StackLoader;
}

export interface GenerateResult {
  /** The tag stack.yaml was locked to, when it named no version. */
  lockedTo?: string;
  /** Newer versions known for the pinned one. */
  newerVersions: string[];
  plan: RegeneratePlan;
  /** Warnings about the baseline (`.stack/old` unreadable, its stack version gone). */
  warnings: string[];
  /** The stack definition's `message` (markdown). */
  message: string;
  outputDir: string;
}

export function baselinePath(configPath: string): string {
  return join(dirname(resolve(configPath)), ".stack", "old");
}

export function readStackYaml(path: string): LoadedStackConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: "pass the stack file with -c, or write one with `gimlet stack configure`",
    });
  }
  return parseStackConfig(text, path);
}

function render(stack: LoadedStack, config: StackConfig): StackFiles {
  return renderStack(stack.files, config.config, stack.ignored, `${stack.label}:`);
}

/** The previous generation, or undefined (with a warning when there was one but it cannot be rebuilt). */
async function previousGeneration(
  configPath: string,
  loader: StackLoader,
  warnings: string[],
): Promise<StackFiles | undefined> {
  const oldPath = baselinePath(configPath);
  if (!existsSync(oldPath)) return undefined;
  try {
    const old = parseStackConfig(readFileSync(oldPath, "utf8"), oldPath).config;
    const stack = await loader.load(parseStackRef(old.stack.repository, dirname(resolve(configPath))));
    return render(stack, old);
  } catch (e) {
    const why = e instanceof UserError ? e.describe() : (e as Error).message;
    warnings.push(`cannot rebuild the previous generation from ${oldPath} (${why}); your files are kept as they are`);
    return undefined;
  }
}

function readCurrent(outputDir: string, paths: Iterable<string>): Record<string, string | undefined> {
  const current: Record<string, string | undefined> = {};
  for (const p of paths) {
    const full = safeJoin(outputDir, p);
    current[p] = existsSync(full) ? readFileSync(full, "utf8") : undefined;
  }
  return current;
}

function safeJoin(root: string, path: string): string {
  const full = resolve(root, path);
  if (!full.startsWith(resolve(root) + sep))
    throw new UserError(`the stack renders a file outside the output directory: ${path}`);
  return full;
}

async function writeAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(tmp, content);
  await rename(tmp, path);
}

/** Removes directories left empty by deletes, up to (not including) `root`. */
async function pruneEmptyDirs(root: string, dir: string): Promise<void> {
  const stop = resolve(root);
  for (let d = resolve(dir); d.startsWith(stop + sep); d = dirname(d)) {
    if ((await readdir(d)).length) return;
    await rmdir(d);
  }
}

/** Every conflict, file by file, with both sides: what a user needs to resolve it by hand. */
export function describeConflicts(plan: RegeneratePlan, outputDir: string): string {
  const indent = (s: string) =>
    s === ""
      ? "    (nothing)\n"
      : s
          .replace(/\n$/, "")
          .split("\n")
          .map((l) => `    | ${l}\n`)
          .join("");
  return plan.conflicts
    .map((c) =>
      c.hunks
        .map(
          (h) =>
            `${join(outputDir, c.path)}:${h.line}: conflict\n  ${oursLabel}:\n${indent(h.ours)}  ${theirsLabel}:\n${indent(h.theirs)}`,
        )
        .join(""),
    )
    .join("");
}

export async function generateStack(o: GenerateOptions): Promise<GenerateResult> {
  const loader = o.loader ?? new StackLoader();
  const configPath = o.config;
  const loaded = readStackYaml(configPath);
  let config = loaded.config;
  const baseDir = dirname(resolve(configPath));
  let ref: StackRef = parseStackRef(config.stack.repository, baseDir);
  const warnings: string[] = [];

  let lockedTo: string | undefined;
  if (!isVersionLocked(ref)) {
    const latest = latestVersion((await loader.versions(ref)) ?? []);
    if (latest) {
      lockedTo = latest;
      config = { ...config, stack: { repository: withTag(config.stack.repository, latest) } };
      ref = parseStackRef(config.stack.repository, baseDir);
    }
  }
  const stack = await loader.load(ref);
  // A config the schemas refuse would render broken objects: refuse it before anything is written.
  const problems = lintStackConfig(stack.definition, { ...loaded, config });
  if (problems.length)
    throw new ValidationError(problems, `${problems.length} problem(s) in ${configPath}; run gimlet stack lint`);
  const next = render(stack, config);
  const tag = currentTag(ref);
  const newerVersions = tag ? (versionsSince((await loader.knownVersions(ref)) ?? [], tag) ?? []) : [];

  const previous = await previousGeneration(configPath, loader, warnings);
  const outputDir = resolve(o.outputDir ?? baseDir);
  const paths = new Set([...Object.keys(previous ?? {}), ...Object.keys(next)]);
  const plan = planRegenerate({ previous, next, current: readCurrent(outputDir, paths) });
  if (plan.conflicts.length && !o.allowConflicts) {
    const n = plan.conflicts.length;
    throw new ConflictError(
      `${n} file${n === 1 ? "" : "s"} changed both by you and by the stack; nothing was written. Make your change ` +
        "and the stack's agree, or rerun with --allow-conflicts to write conflict markers:\n" +
        describeConflicts(plan, outputDir).trimEnd(),
    );
  }

  for (const f of plan.files) {
    if (f.action === "write" || f.action === "conflict") await writeAtomic(safeJoin(outputDir, f.path), f.content);
  }
  for (const f of plan.files) {
    if (f.action !== "delete") continue;
    const full = safeJoin(outputDir, f.path);
    await unlink(full);
    await pruneEmptyDirs(outputDir, dirname(full));
  }
  if (lockedTo) {
    await writeAtomic(
      resolve(configPath),
      setRepository(readFileSync(configPath, "utf8"), config.stack.repository, configPath),
    );
  }
  const old = stringifyStackConfig(config);
  const oldPath = baselinePath(configPath);
  if (!existsSync(oldPath) || readFileSync(oldPath, "utf8") !== old) await writeAtomic(oldPath, old);
  return {
    ...(lockedTo ? { lockedTo } : {}),
    newerVersions,
    plan,
    warnings,
    message: stack.definition.message,
    outputDir,
  };
}
