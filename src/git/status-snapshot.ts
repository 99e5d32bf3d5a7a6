/**
 * The current release of every app of an env, saved with the commit it was read at
 * (`<gitdir>/gimlet/status-v1-<env>.json`), so a restarted server reads one file instead of every
 * app's release.json: at 10,000 apps that is 20,000 loose objects, about half a second. The file
 * is a cache: a commit's tree never changes, so a snapshot is right for its commit whenever it is
 * read; a missing, torn or foreign file is ignored and the status read from git again.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Release } from "../core/gitops/index.ts";
import type { GitRepo } from "./repo.ts";

export interface StatusSnapshot {
  head: string;
  status: Record<string, Release | null>;
}

const fileOf = (repo: GitRepo, env: string) => join(repo.gitdir, "gimlet", `status-v1-${encodeURIComponent(env)}.json`);

/** The saved snapshot of `env` when there is a sound one written for the same `gitopsRepo` name. */
export async function loadStatusSnapshot(
  repo: GitRepo,
  env: string,
  gitopsRepo: string,
): Promise<StatusSnapshot | undefined> {
  const text = await readFile(fileOf(repo, env), "utf8").catch(() => undefined);
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<StatusSnapshot> & { env?: unknown; gitopsRepo?: unknown };
    const sound =
      v.env === env &&
      v.gitopsRepo === gitopsRepo &&
      typeof v.head === "string" &&
      /^[0-9a-f]{40}$/.test(v.head) &&
      typeof v.status === "object" &&
      v.status !== null &&
      !Array.isArray(v.status);
    return sound ? { head: v.head!, status: v.status! } : undefined;
  } catch {
    return undefined;
  }
}

/** Saves a snapshot under a temporary name and renames it: a reader never sees half of one. */
export async function saveStatusSnapshot(
  repo: GitRepo,
  env: string,
  gitopsRepo: string,
  s: StatusSnapshot,
): Promise<void> {
  const file = fileOf(repo, env);
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  // Not recursive: a repo removed meanwhile is not brought back as an empty folder.
  await mkdir(join(repo.gitdir, "gimlet")).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== "EEXIST") throw e;
  });
  try {
    await writeFile(tmp, JSON.stringify({ env, gitopsRepo, head: s.head, status: s.status }));
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
