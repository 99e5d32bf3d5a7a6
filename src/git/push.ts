/**
 * A lean smart-HTTP push (receive-pack, protocol v0) that sends exactly the objects our new
 * commits introduced. isomorphic-git's own push walks whole trees to decide what to send, which
 * on a 1,000-app repo costs seconds; we know the changed paths, so the pack is a handful of objects.
 */
import git from "isomorphic-git";
import { UserError } from "../core/errors.ts";
import { concatBytes } from "../core/bytes.ts";
import { flushPkt, parsePktLines, pktLine, pktText } from "./pktline.ts";
import { basicCredentials, type RemoteAuth } from "./remote-auth.ts";
import type { GitRepo } from "./repo.ts";

const zero = "0".repeat(40);

function headers(auth: RemoteAuth | undefined, extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { "User-Agent": "git/gimlet", ...extra };
  const c = basicCredentials(auth);
  if (c) h.Authorization = `Basic ${btoa(`${c.username}:${c.password}`)}`;
  return h;
}

/** The refs a receive-pack endpoint advertises. */
export async function advertisedRefs(url: string, auth?: RemoteAuth): Promise<Map<string, string>> {
  const res = await fetch(`${url.replace(/\/$/, "")}/info/refs?service=git-receive-pack`, { headers: headers(auth) });
  if (res.status === 401 || res.status === 403)
    throw new UserError(`the gitops remote refused access (HTTP ${res.status})`, { hint: "check the token" });
  if (!res.ok) throw new UserError(`the gitops remote answered HTTP ${res.status} to ${url}/info/refs`);
  const { pkts } = parsePktLines(new Uint8Array(await res.arrayBuffer()));
  const refs = new Map<string, string>();
  for (const p of pkts) {
    if (!p) continue;
    const line = pktText(p).split("\0")[0]!;
    if (line.startsWith("#")) continue;
    const [sha, name] = line.split(" ");
    if (sha && name && sha !== zero) refs.set(name, sha);
  }
  return refs;
}

async function readTreeMap(
  repo: GitRepo,
  oid: string | undefined,
): Promise<Map<string, { oid: string; type: string }>> {
  const m = new Map<string, { oid: string; type: string }>();
  if (!oid) return m;
  const { tree } = await git.readTree({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
  for (const e of tree) m.set(e.path, { oid: e.oid, type: e.type });
  return m;
}

/** Trees and blobs in `tree` that `base` lacks, descending only into folders that differ. */
async function newObjects(repo: GitRepo, tree: string, base: string | undefined, out: Set<string>): Promise<void> {
  if (tree === base || out.has(tree)) return;
  out.add(tree);
  const [a, b] = await Promise.all([readTreeMap(repo, tree), readTreeMap(repo, base)]);
  for (const [name, e] of a) {
    const old = b.get(name);
    if (old?.oid === e.oid) continue;
    if (e.type === "tree") await newObjects(repo, e.oid, old?.type === "tree" ? old.oid : undefined, out);
    else if (e.type === "blob") out.add(e.oid);
  }
}

/** Commits from `tip` back to (excluding) `remoteHead`; undefined if `remoteHead` is not an ancestor. */
async function commitsSince(
  repo: GitRepo,
  tip: string,
  remoteHead: string | undefined,
  limit = 500,
): Promise<{ sha: string; tree: string; parentTree?: string }[] | undefined> {
  const out: { sha: string; tree: string; parentTree?: string }[] = [];
  let sha: string | undefined = tip;
  while (sha && sha !== remoteHead) {
    if (out.length >= limit) return undefined;
    const { commit }: { commit: { tree: string; parent: string[] } } = await git.readCommit({
      fs: repo.fs,
      gitdir: repo.gitdir,
      oid: sha,
      cache: repo.cache,
    });
    if (commit.parent.length > 1) return undefined; // merges: leave to the general path
    const parent: string | undefined = commit.parent[0];
    const parentTree = parent
      ? (await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid: parent, cache: repo.cache })).commit.tree
      : undefined;
    out.push({ sha, tree: commit.tree, parentTree });
    sha = parent;
  }
  if (sha !== remoteHead) return remoteHead ? undefined : out; // reached the root without meeting remoteHead
  return out;
}

export type LeanPushOutcome = "pushed" | "rejected" | "unsupported";

/** Pushes `tip` to `refs/heads/<branch>` at `url`. "unsupported": history shape we leave to isomorphic-git. */
export async function leanPush(
  repo: GitRepo,
  url: string,
  branch: string,
  tip: string,
  auth?: RemoteAuth,
): Promise<LeanPushOutcome> {
  const ref = `refs/heads/${branch}`;
  const remoteHead = (await advertisedRefs(url, auth)).get(ref);
  if (remoteHead === tip) return "pushed";
  if (remoteHead) {
    const known = await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid: remoteHead, cache: repo.cache }).then(
      () => true,
      () => false,
    );
    if (!known) return "rejected"; // someone pushed what we have not fetched
  }
  const commits = await commitsSince(repo, tip, remoteHead);
  if (!commits) return remoteHead ? "rejected" : "unsupported";
  const oids = new Set<string>();
  for (const c of commits) {
    oids.add(c.sha);
    await newObjects(repo, c.tree, c.parentTree, oids);
  }
  const { packfile } = await git.packObjects({ fs: repo.fs, gitdir: repo.gitdir, oids: [...oids], cache: repo.cache });
  const body = concatBytes([
    pktLine(`${remoteHead ?? zero} ${tip} ${ref}\0report-status agent=gimlet\n`),
    flushPkt,
    packfile!,
  ]);
  const res = await fetch(`${url.replace(/\/$/, "")}/git-receive-pack`, {
    method: "POST",
    headers: headers(auth, {
      "Content-Type": "application/x-git-receive-pack-request",
      Accept: "application/x-git-receive-pack-result",
    }),
    body: body as unknown as BodyInit,
  });
  if (res.status === 401 || res.status === 403)
    throw new UserError(`push to the gitops remote was refused (HTTP ${res.status})`, {
      hint: "check the token's write access",
    });
  if (!res.ok) throw new UserError(`push failed: HTTP ${res.status} from ${url}`);
  const { pkts } = parsePktLines(new Uint8Array(await res.arrayBuffer()));
  const lines = pkts.filter((p): p is Uint8Array => p !== null).map(pktText);
  const unpack = lines.find((l) => l.startsWith("unpack "));
  if (unpack !== "unpack ok")
    throw new UserError(`the gitops remote could not unpack our push: ${unpack ?? "(no status)"}`);
  const status = lines.find((l) => l.endsWith(` ${ref}`) || l.includes(` ${ref} `));
  if (status?.startsWith("ok ")) return "pushed";
  // "failed to lock" / "failed to update ref": another push moved the ref after our advertisement.
  if (status && /non-fast-forward|fetch first|stale|failed to lock|failed to update ref/.test(status))
    return "rejected";
  throw new UserError(`push of ${branch} failed: ${status ?? lines.join("; ")}`);
}
