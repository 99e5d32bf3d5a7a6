/**
 * Where things live in a gitops repo, and the names that may appear in a path. Env and app names
 * are DNS-1123 labels, so no `..`, slash or dot can ever make a path escape the repo.
 */
import { UserError } from "../errors.ts";
import { isDnsLabel } from "../k8s.ts";

export function isSafeName(s: string): boolean {
  return isDnsLabel(s);
}

/**
 * Folders the layout itself puts where apps live: `<env>/` in a folder-per-env repo, the root of a
 * repo per env (reference §3.2). Bootstrap writes Flux's sync objects to `flux/`, the two-lane apply
 * reads `dependencies/`, and `.gimlet/` holds gimlet's own metadata.
 */
export const layoutDirs = { flux: "flux", dependencies: "dependencies", meta: ".gimlet" } as const;

/** Folders under an env that are not apps. */
export const reservedDirs: ReadonlySet<string> = new Set(Object.values(layoutDirs));

/**
 * Whether `s` names one of the layout's own folders. An app by that name would overwrite (and its
 * delete would remove) Flux's sync objects, which Flux then prunes from the cluster; an env by that
 * name collides with the same folder at the root of a repo per env.
 */
export function isReservedName(s: string): boolean {
  return reservedDirs.has(s);
}

/**
 * The one check of env and app names: every path builder (`envDir`, `appDir`) and so every
 * deploy, delete, cleanup, rollback and CLI write goes through it.
 */
export function assertSafeName(s: string, what: "env" | "app"): string {
  if (!isSafeName(s)) {
    throw new UserError(`${JSON.stringify(s)} is not a valid ${what} name`, {
      path: what,
      hint: "use lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit",
    });
  }
  if (isReservedName(s)) {
    throw new UserError(`${JSON.stringify(s)} is reserved and cannot be an ${what} name`, {
      path: what,
      hint: `the gitops layout uses the folders ${[...reservedDirs].join(", ")} itself; pick another name`,
    });
  }
  return s;
}

export interface Layout {
  env: string;
  /** Repo per env: apps sit at the repo root instead of under `<env>/`. */
  repoPerEnv?: boolean;
}

/** The env's folder in the repo: `<env>` or "" (the root) for a repo per env. */
export function envDir(l: Layout): string {
  assertSafeName(l.env, "env");
  return l.repoPerEnv ? "" : l.env;
}

export function appDir(l: Layout, app: string): string {
  assertSafeName(app, "app");
  return join(envDir(l), app);
}

export function join(...parts: string[]): string {
  return parts.filter((p) => p !== "").join("/");
}

/**
 * A file path inside a rendered change set must be a plain relative path: no `..`, no absolute
 * path, no backslash, no empty segment.
 */
export function assertRelativePath(p: string): string {
  const parts = p.split("/");
  if (p.startsWith("/") || p.includes("\\") || parts.some((s) => s === "" || s === "." || s === "..")) {
    throw new UserError(`unsafe path in change set: ${JSON.stringify(p)}`, {
      hint: "paths are relative and may not contain .. or empty segments",
    });
  }
  return p;
}
