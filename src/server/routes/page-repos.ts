/**
 * Repositories: the index, a repo's commits by branch, and deploying a commit to an env/app its
 * manifests name — the diff first, then a page that follows the queued release to "applied".
 */
import type { Context, Hono } from "hono";
import { may } from "../../core/access.ts";
import { NotFoundError, UserError } from "../../core/errors.ts";
import * as ops from "../../ops/index.ts";
import * as ui from "../../ui/dashboard/index.ts";
import { classify } from "../http-errors.ts";
import { ownScope } from "../policy.ts";
import { can, type PageEnv } from "../web-auth.ts";
import { intQuery, noticeOf, type PageKit } from "./page-kit.ts";
import { withRenderer } from "./releases.ts";
import { safeName } from "./util.ts";

/** Commits on one page of a repo. */
export const commitsPerPage = 20;

const badPart = (s: string) => !s || s === "." || s === ".." || s.length > 100 || /[\u0000-\u001f\u007f\\]/.test(s);

/**
 * The repository a page path names (the inverse of ui's repoPath): OWNER (slashes allowed, encoded,
 * for subgroups; `_` for a name without an owner) and NAME, no part empty, `.` or `..`.
 */
export function repoOfPath(owner: string, name: string): string {
  if (owner.split("/").some(badPart) || badPart(name) || name.includes("/")) {
    throw new UserError(`${JSON.stringify(`${owner}/${name}`.slice(0, 200))} is not a repository name`, {
      path: "repository",
      hint: "repositories are OWNER/NAME as CI pushed them; /repos links to each",
    });
  }
  return owner === "_" ? name : `${owner}/${name}`;
}

function branchQuery(c: Context): string {
  const b = c.req.query("branch") ?? "";
  if (b.length > 255 || /[\u0000-\u001f\u007f]/.test(b)) {
    throw new UserError("branch must be a branch name (at most 255 characters)", { path: "branch" });
  }
  return b;
}

export function repoPages(app: Hono<PageEnv>, k: PageKit): void {
  const { d, o, guard, viewer, now } = k;
  const visible = (c: Context<PageEnv>) => (env: string) => may(c.get("user"), "dashboard.view", { env });
  const repoParam = (c: Context<PageEnv>) => repoOfPath(c.req.param("owner") ?? "", c.req.param("name") ?? "");

  app.get("/repos", ...guard, async (c) => {
    can(c, "dashboard.view", ownScope(c.get("user")));
    const { repos, complete } = await ops.repoIndex(o);
    return c.html(ui.page(ui.ReposIndexPage({ viewer: viewer(c), now: now(), repos, complete })));
  });

  app.get("/fragments/repos", ...guard, async (c) => {
    can(c, "dashboard.view", ownScope(c.get("user")));
    const { repos, complete } = await ops.repoIndex(o);
    return c.html(ui.fragment(ui.ReposList({ now: now(), repos, complete })));
  });

  app.get("/repos/deploy", ...guard, async (c) => {
    const env = safeName(c.req.query("env") ?? "", "env");
    const name = safeName(c.req.query("app") ?? "", "app");
    can(c, "release.request", { env });
    const artifactId = c.req.query("artifact") ?? "";
    const artifact = await ops.artifactSummary(o, artifactId);
    const dryRun = (renderer: ops.ManifestRenderer) =>
      ops.previewRelease({ ...o, renderer }, { env, app: name, artifactId });
    const preview = await withRenderer(d, dryRun).then(
      (p) => ({ files: p.files, summary: p.summary }),
      (e: Error) => ({ previewError: classify(e)?.message ?? `the release cannot be previewed: ${e.message}` }),
    );
    return c.html(ui.page(ui.DeployConfirm({ viewer: viewer(c), artifact, env, app: name, ...preview })));
  });

  app.post("/repos/deploy", ...guard, async (c) => {
    const form = c.get("form")!;
    const env = safeName(String(form.get("env") ?? ""), "env");
    const name = safeName(String(form.get("app") ?? ""), "app");
    can(c, "release.request", { env });
    const artifactId = String(form.get("artifact") ?? "");
    const artifact = await ops.artifactSummary(o, artifactId);
    const { id } = await ops.requestRelease(o, { env, app: name, artifactId, triggeredBy: c.get("user").login });
    return c.redirect(`${ui.followPath({ id }, artifact.repo)}?done=deploy`, 303);
  });

  /** A page of the repo's commits on the `branch` asked for, each target marked deployable by this viewer. */
  async function commitsOf(c: Context<PageEnv>) {
    can(c, "dashboard.view", ownScope(c.get("user")));
    const user = c.get("user");
    const repo = repoParam(c);
    const branch = branchQuery(c);
    const page = Math.max(1, intQuery(c, "page", 1, 100_000));
    const q = { repo, branch, offset: (page - 1) * commitsPerPage, limit: commitsPerPage };
    const r = await ops.repoCommits(o, q, visible(c));
    const commits = r.commits.map((x) => ({
      ...x,
      targets: x.targets.map((t) => ({
        ...t,
        deployable: !t.blocked && may(user, "release.request", { env: t.env }),
      })),
    }));
    return { now: now(), repo, branch, branches: r.branches, commits, page, more: r.more };
  }

  app.get("/repos/:owner/:name", ...guard, async (c) => {
    const props = { viewer: viewer(c), ...(await commitsOf(c)) };
    return c.html(ui.page(ui.RepoPage(props)));
  });

  app.get("/repos/:owner/:name/commits", ...guard, async (c) => {
    return c.html(ui.fragment(ui.RepoCommits(await commitsOf(c))));
  });

  /** The branch switcher's options, `branch` (the select's current value) selected; no commits needed. */
  app.get("/repos/:owner/:name/branches", ...guard, async (c) => {
    can(c, "dashboard.view", ownScope(c.get("user")));
    const selected = branchQuery(c);
    const r = await ops.repoCommits(o, { repo: repoParam(c), branch: "", offset: 0, limit: 0 }, visible(c));
    return c.html(ui.fragment(ui.BranchOptions({ selected, branches: r.branches })));
  });

  /** The release `id`, when it deploys a commit of the repo in the path and the viewer sees its env. */
  async function followed(c: Context<PageEnv>) {
    can(c, "dashboard.view", ownScope(c.get("user")));
    const repo = repoParam(c);
    const id = c.req.param("id") ?? "";
    const release = await ops.followRelease(o, id, visible(c));
    if (release.artifact?.repo !== repo) throw new NotFoundError(`no release with id ${id} for ${repo}`);
    return { repo, release };
  }

  app.get("/repos/:owner/:name/deploys/:id", ...guard, async (c) => {
    const { repo, release } = await followed(c);
    const props = { viewer: viewer(c), now: now(), repo, release, notice: noticeOf(c) };
    return c.html(ui.page(ui.ReleaseFollowPage(props)));
  });

  app.get("/repos/:owner/:name/deploys/:id/progress", ...guard, async (c) => {
    const { repo, release } = await followed(c);
    return c.html(ui.fragment(ui.ReleaseProgress({ release, repo, now: now() })));
  });
}
