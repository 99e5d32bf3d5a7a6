/** Refs of a served repository, for advertisements and updates. */
import git from "isomorphic-git";
import type { GitRepo } from "../repo.ts";

export interface Ref {
  name: string;
  oid: string;
  /** For annotated tags: the commit they point to. */
  peeled?: string;
}

export async function listRefs(repo: GitRepo): Promise<Ref[]> {
  const names = (await git.listRefs({ fs: repo.fs, gitdir: repo.gitdir, filepath: "refs" }))
    .map((n) => `refs/${n}`)
    .filter((n) => !n.startsWith("refs/remotes/"));
  const out: Ref[] = [];
  for (const name of names.sort()) {
    try {
      const oid = await git.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref: name });
      const ref: Ref = { name, oid };
      if (name.startsWith("refs/tags/")) {
        const o = await git.readObject({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
        if (o.type === "tag")
          ref.peeled = (await git.readTag({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache })).tag.object;
      }
      out.push(ref);
    } catch {
      // a broken or racing ref is left out of the advertisement
    }
  }
  return out;
}

/** HEAD's target branch and its oid (oid undefined when the branch is unborn). */
export async function head(repo: GitRepo): Promise<{ target?: string; oid?: string }> {
  const target = await git.currentBranch({ fs: repo.fs, gitdir: repo.gitdir, fullname: true }).catch(() => undefined);
  let oid: string | undefined;
  try {
    oid = await git.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref: "HEAD" });
  } catch {
    oid = undefined;
  }
  return { target: target ?? undefined, oid };
}
