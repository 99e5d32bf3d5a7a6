/**
 * Repositories: the index (`/repos`) of repos that pushed artifacts, and a repo's page
 * (`/repos/OWNER/NAME`) with its commits — sha, message, author, branch, time, CI links — and per
 * commit the env/app pairs its manifests deploy to, each with a deploy action behind the diff. Both
 * follow the page's event stream: a new artifact of a repo refetches the index, the repo's first page
 * and its branch switcher's options.
 */
import type { VNode } from "preact";
import type { CommitTarget, RepoCommitView } from "../../core/views.ts";
import { Command, Empty, Sha, Time, query } from "./bits.tsx";
import { Layout, refetchOn, type Viewer } from "./layout.tsx";

/**
 * A repo's page path. Names are `owner/name`; a deeper one (GitLab subgroups) keeps its last part
 * as the name and the rest, slashes encoded, as the owner; one without a slash gets the owner `_`.
 */
export function repoPath(full: string): string {
  const i = full.lastIndexOf("/");
  const [owner, name] = i < 0 ? ["_", full] : [full.slice(0, i), full.slice(i + 1)];
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}

export interface RepoSummaryView {
  name: string;
  artifacts: number;
  branches: string[];
  last: { sha: string; message: string; author: string; branch: string; created: number; url: string };
}

const firstLine = (s: string) => s.split("\n")[0] ?? "";
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The index's cards: the fragment a new artifact makes refetch. */
export function ReposList(p: { now: number; repos: RepoSummaryView[]; complete: boolean }): VNode {
  return (
    <div id="repos" {...refetchOn("repos-changed", "/fragments/repos")}>
      {p.repos.length ? (
        <>
          <div class="cards">
            {p.repos.map((r) => (
              <section class="card" id={`repo-${r.name}`}>
                <h2>
                  <a href={repoPath(r.name)}>{r.name}</a>
                </h2>
                <p>
                  <Sha sha={r.last.sha} url={r.last.url} /> <span class="msg">{firstLine(r.last.message)}</span>
                </p>
                <p class="muted small">
                  {r.last.author ? `${r.last.author} · ` : ""}
                  {r.last.branch ? `${r.last.branch} · ` : ""}
                  <Time t={r.last.created} now={p.now} />
                </p>
                <p class="small">
                  {plural(r.artifacts, "commit")} · {plural(r.branches.length, "branch", "branches")}
                  {r.branches.length ? <span class="muted">: {r.branches.slice(0, 5).join(", ")}</span> : null}
                  {r.branches.length > 5 ? <span class="muted">, …</span> : null}
                </p>
              </section>
            ))}
          </div>
          {p.complete ? null : (
            <p class="muted small">From the newest artifacts only; older repositories are not listed.</p>
          )}
        </>
      ) : (
        <Empty title="No artifacts yet.">
          <p>CI pushes an artifact per commit; its repository then shows here:</p>
          <Command>{"gimlet artifact push -f artifact.json"}</Command>
        </Empty>
      )}
    </div>
  );
}

export function ReposIndexPage(p: { viewer: Viewer; now: number; repos: RepoSummaryView[]; complete: boolean }): VNode {
  return (
    <Layout title="Repositories" viewer={p.viewer} section="repos" live="/ui/events?topic=repos">
      <h1>Repositories</h1>
      <ReposList now={p.now} repos={p.repos} complete={p.complete} />
    </Layout>
  );
}

/** A commit as ops lists it, each target marked for this viewer. */
export interface CommitView extends Omit<RepoCommitView, "targets"> {
  /** `deployable`: the viewer may deploy it and nothing blocks it; `blocked` says why not, when something does. */
  targets: (CommitTarget & { deployable: boolean })[];
}

export interface RepoPageProps {
  viewer: Viewer;
  now: number;
  repo: string;
  /** The branch shown ("" for all of them). */
  branch: string;
  branches: { name: string; count: number }[];
  commits: CommitView[];
  page: number;
  more: boolean;
}

/** The switcher's options, `selected` the one chosen: the fragment a new artifact of the repo refetches. */
export function BranchOptions(p: { selected: string; branches: RepoPageProps["branches"] }): VNode {
  const known = p.branches.some((b) => b.name === p.selected);
  return (
    <>
      <option value="" selected={!p.selected}>
        All branches
      </option>
      {p.branches.map((b) => (
        <option value={b.name} selected={b.name === p.selected}>
          {b.name} ({b.count})
        </option>
      ))}
      {p.selected && !known ? (
        <option value={p.selected} selected>
          {p.selected}
        </option>
      ) : null}
    </>
  );
}

/**
 * Live (first page) only its options refetch, inside the select: the select itself stays, so it keeps
 * focus, and htmx sends its current value as `branch`, so a choice not yet submitted stays chosen.
 */
function BranchSwitcher(p: {
  repo: string;
  branch: string;
  branches: RepoPageProps["branches"];
  live: boolean;
}): VNode {
  const live = p.live
    ? {
        "hx-get": `${repoPath(p.repo)}/branches`,
        "hx-trigger": "branches-changed from:body delay:150ms",
        "hx-swap": "innerHTML",
      }
    : {};
  return (
    <form method="get" action={repoPath(p.repo)} class="filters">
      <label for="branch">Branch</label>
      <select id="branch" name="branch" {...live}>
        <BranchOptions selected={p.branch} branches={p.branches} />
      </select>
      <button type="submit" class="secondary">
        Show
      </button>
    </form>
  );
}

function Targets(p: { commit: CommitView }): VNode | null {
  const x = p.commit;
  if (!x.targets.length) return null;
  return (
    <div class="rel-head" role="group" aria-label="Deploy targets">
      {x.targets.map((t) =>
        t.deployable ? (
          <form method="get" action="/repos/deploy" class="inline">
            <input type="hidden" name="artifact" value={x.artifactId} />
            <input type="hidden" name="env" value={t.env} />
            <input type="hidden" name="app" value={t.app} />
            <button type="submit" class="secondary small">
              Deploy to {t.env}/{t.app}…
            </button>
          </form>
        ) : (
          <span class="muted small" title={t.blocked}>
            {t.env}/{t.app}
            {t.blocked ? ` (${t.blocked})` : ""}
          </span>
        ),
      )}
    </div>
  );
}

export type RepoCommitsProps = Pick<RepoPageProps, "now" | "repo" | "branch" | "commits" | "page" | "more">;

/**
 * The commit list and its pager. The first page refetches itself when the repo gets an artifact on
 * the branch shown; a later page stays put, or its commits would shift under the reader.
 */
export function RepoCommits(p: RepoCommitsProps): VNode {
  const href = (page: number) => `${repoPath(p.repo)}${query({ branch: p.branch, page: page > 1 ? page : undefined })}`;
  const live =
    p.page === 1 ? refetchOn("commits-changed", `${repoPath(p.repo)}/commits${query({ branch: p.branch })}`) : {};
  return (
    <section class="card" id="commits" aria-label="Commits" {...live}>
      {p.commits.length ? (
        <ol class="releases">
          {p.commits.map((x) => (
            <li id={`commit-${x.artifactId}`}>
              <div class="rel-head">
                <Sha sha={x.sha} url={x.url} /> <span class="msg">{firstLine(x.message)}</span>
              </div>
              <div class="muted small">
                {x.author ? `${x.author} · ` : ""}
                {x.branch ? <a href={`${repoPath(p.repo)}${query({ branch: x.branch })}`}>{x.branch}</a> : "no branch"}{" "}
                · <Time t={x.created} now={p.now} />
                {x.links.map((l) => (
                  <>
                    {" · "}
                    <a href={l.url} rel="noopener noreferrer" class="ci-link">
                      {l.name}
                    </a>
                  </>
                ))}
              </div>
              <Targets commit={x} />
            </li>
          ))}
        </ol>
      ) : (
        <Empty title={p.page > 1 ? "No more commits." : `No commits on ${p.branch || "any branch"}.`}>
          <p>
            <a href={repoPath(p.repo)}>All branches</a>
          </p>
        </Empty>
      )}
      <nav class="pager" aria-label="Commit pages">
        {p.page > 1 ? <a href={href(p.page - 1)}>← Newer</a> : null}
        {p.page > 1 || p.more ? <span>Page {p.page}</span> : null}
        {p.more ? <a href={href(p.page + 1)}>Older →</a> : null}
      </nav>
    </section>
  );
}

/** The repo's stream: its artifacts on the branch shown (first page only: see RepoCommits). */
export function repoLive(repo: string, branch: string): string {
  return `/ui/events${query({ topic: "repo", repo, branch })}`;
}

export function RepoPage(p: RepoPageProps): VNode {
  return (
    <Layout
      title={p.repo}
      viewer={p.viewer}
      section="repos"
      live={p.page === 1 ? repoLive(p.repo, p.branch) : undefined}
    >
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/repos">Repositories</a> / {p.repo}
      </nav>
      <h1>{p.repo}</h1>
      <BranchSwitcher repo={p.repo} branch={p.branch} branches={p.branches} live={p.page === 1} />
      <RepoCommits now={p.now} repo={p.repo} branch={p.branch} commits={p.commits} page={p.page} more={p.more} />
    </Layout>
  );
}
