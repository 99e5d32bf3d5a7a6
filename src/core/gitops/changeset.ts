/**
 * A change set is what a gitops write does, as data: which folders are replaced wholesale and which
 * files are written. Builders here are pure; `src/git` applies a change set to a tree.
 */
import { assertRelativePath, appDir, envDir, join, type Layout } from "./paths.ts";
import { encodeRelease, type Release } from "./release.ts";
import type { FileChange } from "./split.ts";

export interface ChangeSet {
  /** Folders whose whole content is removed before writing (stale files vanish). */
  replace: string[];
  /** Files written, relative to the repo root. */
  write: FileChange[];
}

/**
 * A release of one app: `<env>/<app>/` holds exactly the rendered files and `release.json`, and
 * `<env>/release.json` records the env's most recent release (any app).
 */
export function releaseChangeSet(
  layout: Layout,
  app: string,
  files: readonly FileChange[],
  release: Release,
): ChangeSet {
  const dir = appDir(layout, app);
  const meta = encodeRelease(release);
  const write = files.map((f) => ({ path: join(dir, assertRelativePath(f.path)), content: ensureNewline(f.content) }));
  if (write.some((f) => f.path === join(dir, "release.json")))
    write.splice(
      write.findIndex((f) => f.path === join(dir, "release.json")),
      1,
    );
  write.push(
    { path: join(dir, "release.json"), content: meta },
    { path: join(envDir(layout), "release.json"), content: meta },
  );
  return { replace: [dir], write };
}

/** Removing an app: its folder goes; `<env>/release.json` stays, as in the original. */
export function deleteChangeSet(layout: Layout, app: string): ChangeSet {
  return { replace: [appDir(layout, app)], write: [] };
}

/** Plain files written as they are, under the app's folder (`gitops write` of raw YAML). */
export function filesChangeSet(layout: Layout, app: string, files: readonly FileChange[]): ChangeSet {
  const dir = appDir(layout, app);
  return {
    replace: [dir],
    write: files.map((f) => ({ path: join(dir, assertRelativePath(f.path)), content: ensureNewline(f.content) })),
  };
}

function ensureNewline(s: string): string {
  return s.endsWith("\n") ? s : s + "\n";
}
