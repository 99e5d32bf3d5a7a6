/**
 * Stacks in git repositories: https remotes are cloned once into a cache
 * (`$XDG_CACHE_HOME/gimlet/stacks/<hash>`, default `~/.cache/…`) and fetched when a ref may have
 * moved; `file:///abs/path` repositories (air-gapped mirrors) are read in place, since
 * isomorphic-git has no file transport. Files are read from the commit's tree, never checked out.
 */
import git from "isomorphic-git";
import http from "isomorphic-git/http/web";
import * as fs from "node:fs";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { maxDepth, type StackFiles } from "../core/stack/render.ts";
import type { StackVersionRef } from "../core/stack/source.ts";

export interface GitStackRepo {
  gitdir: string;
  /** Shown in messages. */
  url: string;
  remote: boolean;
  cache: object;
  /** Fetched from the remote in this process already. */
  fetched: boolean;
}

export function stackCacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "gimlet", "stacks");
}

function cacheDirOf(url: string): string {
  const hash = new Bun.CryptoHasher("sha256").update(url).digest("hex").slice(0, 24);
  return join(stackCacheRoot(), hash);
}

function onAuth() {
  const token = process.env.GIMLET_STACK_TOKEN;
  return token ? () => ({ username: "gimlet", password: token }) : undefined;
}

function networkError(url: string, e: unknown): UserError {
  const msg = (e as Error).message ?? String(e);
  return new UserError(`cannot fetch stack ${url}: ${msg}`, {
    path: "stack.repository",
    hint: "check the URL and the network; a private repo needs GIMLET_STACK_TOKEN; offline, use file:///path/to/a/mirror",
    cause: e,
  });
}

/** Opens the cached clone of `url`, cloning it on first use. */
export async function openRemoteStack(url: string): Promise<GitStackRepo> {
  const gitdir = cacheDirOf(url);
  if (existsSync(join(gitdir, "HEAD"))) return { gitdir, url, remote: true, cache: {}, fetched: false };
  mkdirSync(stackCacheRoot(), { recursive: true });
  // Clone next to the cache entry and rename, so an interrupted clone never looks like a cache.
  const tmp = `${gitdir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    await git.clone({ fs, http, dir: tmp, gitdir: tmp, url, noCheckout: true, onAuth: onAuth() });
    renameSync(tmp, gitdir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(join(gitdir, "HEAD"))) return { gitdir, url, remote: true, cache: {}, fetched: true };
    throw networkError(url, e);
  }
  return { gitdir, url, remote: true, cache: {}, fetched: true };
}

/** Opens a local repository (working copy or bare) named by a file:// URL. */
export function openLocalStack(path: string, url: string): GitStackRepo {
  const dotgit = join(path, ".git");
  if (existsSync(dotgit)) return { gitdir: dotgit, url, remote: false, cache: {}, fetched: true };
  if (existsSync(join(path, "HEAD")) && existsSync(join(path, "objects")))
    return { gitdir: path, url, remote: false, cache: {}, fetched: true };
  throw new UserError(`${path} is not a git repository`, {
    path: "stack.repository",
    hint: "a file:// URL names a git repository; for a plain directory write its path without file://",
  });
}

/** Brings branches and tags up to date (once per process). */
export async function fetchStack(repo: GitStackRepo): Promise<void> {
  if (!repo.remote || repo.fetched) return;
  try {
    await git.fetch({
      fs,
      http,
      gitdir: repo.gitdir,
      remote: "origin",
      tags: true,
      prune: true,
      pruneTags: true,
      onAuth: onAuth(),
      cache: repo.cache,
    });
  } catch (e) {
    throw networkError(repo.url, e);
  }
  repo.fetched = true;
}

export async function listStackTags(repo: GitStackRepo): Promise<string[]> {
  await fetchStack(repo);
  return git.listTags({ fs, gitdir: repo.gitdir });
}

/** Tags as the cache has them, without fetching. */
export function listCachedTags(repo: GitStackRepo): Promise<string[]> {
  return git.listTags({ fs, gitdir: repo.gitdir });
}

async function tryResolve(repo: GitStackRepo, ref: string): Promise<string | undefined> {
  try {
    return await git.resolveRef({ fs, gitdir: repo.gitdir, ref });
  } catch {
    return undefined;
  }
}

async function resolveOnce(repo: GitStackRepo, ref: StackVersionRef | undefined): Promise<string | undefined> {
  if (!ref) return (await tryResolve(repo, "HEAD")) ?? undefined;
  if ("tag" in ref) return tryResolve(repo, `refs/tags/${ref.tag}`);
  if ("branch" in ref) {
    return (
      (await tryResolve(repo, `refs/remotes/origin/${ref.branch}`)) ??
      (await tryResolve(repo, `refs/heads/${ref.branch}`))
    );
  }
  try {
    return await git.expandOid({ fs, gitdir: repo.gitdir, oid: ref.sha, cache: repo.cache });
  } catch {
    return undefined;
  }
}

function describeRef(ref: StackVersionRef | undefined): string {
  if (!ref) return "HEAD";
  return "tag" in ref ? `tag ${ref.tag}` : "branch" in ref ? `branch ${ref.branch}` : `commit ${ref.sha}`;
}

/**
 * The commit a ref names. Tags and commits already in the cache are used without the network
 * (a pinned stack regenerates offline); a branch, HEAD or anything missing is fetched first.
 */
export async function resolveStackRef(repo: GitStackRepo, ref: StackVersionRef | undefined): Promise<string> {
  const immutable = ref !== undefined && !("branch" in ref);
  if (!immutable) await fetchStack(repo);
  let oid = await resolveOnce(repo, ref);
  if (!oid && !repo.fetched) {
    await fetchStack(repo);
    oid = await resolveOnce(repo, ref);
  }
  if (!oid) {
    const tags = await git.listTags({ fs, gitdir: repo.gitdir });
    const known = ref && "tag" in ref && tags.length ? ` (tags: ${tags.slice(-10).join(", ")})` : "";
    throw new UserError(`${describeRef(ref)} not found in ${repo.url}${known}`, {
      path: "stack.repository",
      hint: "fix the ?tag=, ?sha= or ?branch= of stack.repository, or run `gimlet stack update`",
    });
  }
  return oid;
}

/** Every file (≤ 4 directories deep) of the commit's tree, as text. */
export async function readStackTree(repo: GitStackRepo, oid: string): Promise<StackFiles> {
  const files: StackFiles = {};
  const decoder = new TextDecoder();
  const walk = async (treeOid: string, prefix: string, depth: number): Promise<void> => {
    const { tree } = await git.readTree({ fs, gitdir: repo.gitdir, oid: treeOid, cache: repo.cache });
    await Promise.all(
      tree.map(async (e) => {
        const path = prefix + e.path;
        if (e.type === "tree") {
          if (depth < maxDepth && e.path !== ".git") await walk(e.oid, `${path}/`, depth + 1);
        } else if (e.type === "blob" && e.mode !== "120000") {
          const { blob } = await git.readBlob({ fs, gitdir: repo.gitdir, oid: e.oid, cache: repo.cache });
          files[path] = decoder.decode(blob);
        }
      }),
    );
  };
  await walk(oid, "", 1);
  return files;
}
