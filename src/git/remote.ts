/**
 * Talking to the remote a gitops repo lives on: clone into a cache dir, fetch, push. https with a
 * token (sent as basic-auth password, what GitHub, GitLab and gimlet's hosted repos accept) or with
 * username and password.
 */
import git from "isomorphic-git";
import http from "isomorphic-git/http/web";
import { mkdir } from "node:fs/promises";
import { UserError } from "../core/errors.ts";
import { leanPush } from "./push.ts";
import { basicCredentials, type RemoteAuth } from "./remote-auth.ts";
import { openRepo, type GitRepo, type OpenOptions } from "./repo.ts";

export interface Remote {
  url: string;
  auth?: RemoteAuth;
}

function onAuth(auth?: RemoteAuth) {
  const credentials = basicCredentials(auth);
  return credentials && (() => credentials);
}

function checkUrl(url: string): void {
  if (!/^https?:\/\//.test(url)) {
    throw new UserError(`unsupported gitops repo URL ${JSON.stringify(url)}`, {
      hint: "use an http(s):// URL; ssh remotes are not supported yet",
    });
  }
}

/** Clones `remote` into `dir` as a bare repository (no working tree: the server never needs one). */
export async function cloneBare(
  remote: Remote,
  dir: string,
  opts: OpenOptions & { branch?: string } = {},
): Promise<GitRepo> {
  checkUrl(remote.url);
  await mkdir(dir, { recursive: true });
  await git.clone({
    fs: await import("node:fs"),
    http,
    dir,
    gitdir: dir,
    url: remote.url,
    ref: opts.branch,
    singleBranch: true,
    noCheckout: true,
    onAuth: onAuth(remote.auth),
  });
  const repo = openRepo(dir, opts);
  await git.setConfig({ fs: repo.fs, gitdir: repo.gitdir, path: "core.bare", value: true });
  return repo;
}

/** What every isomorphic-git network call takes: the repo, the remote (`origin` by default), the credentials. */
function transport(repo: GitRepo, remote: Remote | undefined) {
  return {
    fs: repo.fs,
    http,
    gitdir: repo.gitdir,
    ...(remote ? { url: remote.url } : { remote: "origin" }),
    onAuth: onAuth(remote?.auth),
    cache: repo.cache,
  };
}

/** Fetches `branch` from `origin` (or `url`); returns the remote's head. */
export async function fetchBranch(repo: GitRepo, branch: string, remote?: Remote): Promise<string | undefined> {
  const r = await git.fetch({ ...transport(repo, remote), ref: branch, singleBranch: true, tags: false });
  return r.fetchHead ?? undefined;
}

export type PushOutcome = "pushed" | "rejected";

async function originUrl(repo: GitRepo): Promise<string> {
  const url = await git.getConfig({ fs: repo.fs, gitdir: repo.gitdir, path: "remote.origin.url" });
  if (!url) throw new UserError("the gitops repo has no remote named origin", { hint: "git remote add origin <url>" });
  return String(url);
}

/** Pushes `branch`; a non-fast-forward rejection is an outcome, not an error. */
export async function pushBranch(repo: GitRepo, branch: string, remote?: Remote): Promise<PushOutcome> {
  const url = remote?.url ?? (await originUrl(repo));
  checkUrl(url);
  const tip = await git.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref: `refs/heads/${branch}` });
  const lean = await leanPush(repo, url, branch, tip, remote?.auth);
  if (lean === "unsupported") return isoPush(repo, branch, remote);
  if (lean === "pushed") {
    // What a fetch would record, so the next rebase starts from the right remote head.
    await git.writeRef({
      fs: repo.fs,
      gitdir: repo.gitdir,
      ref: `refs/remotes/origin/${branch}`,
      value: tip,
      force: true,
    });
  }
  return lean;
}

/** isomorphic-git's own push: for histories the lean push does not handle (merges, first push). */
async function isoPush(repo: GitRepo, branch: string, remote?: Remote): Promise<PushOutcome> {
  try {
    const r = await git.push({ ...transport(repo, remote), ref: branch, remoteRef: branch });
    if (r.ok) return "pushed";
    const err = Object.values(r.refs ?? {}).find((x) => !x.ok)?.error ?? r.error ?? "";
    if (/non-fast-forward|fetch first|rejected|stale/.test(err)) return "rejected";
    throw new UserError(`push of ${branch} failed: ${err}`);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "PushRejectedError") return "rejected";
    if (code === "GitPushError" && /non-fast-forward|fetch first|failed to update/.test((e as Error).message))
      return "rejected";
    if (code === "HttpError" && /401|403/.test((e as Error).message)) {
      throw new UserError(`push to the gitops repo was refused: ${(e as Error).message}`, {
        hint: "check the token's write access",
        cause: e,
      });
    }
    throw e;
  }
}

/** The remote-tracking head after a fetch, e.g. refs/remotes/origin/main. */
export async function remoteHead(repo: GitRepo, branch: string): Promise<string | undefined> {
  try {
    return await git.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref: `refs/remotes/origin/${branch}` });
  } catch {
    return undefined;
  }
}
