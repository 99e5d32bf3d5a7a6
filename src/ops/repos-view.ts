/**
 * Repositories as the dashboard shows them: which repos pushed artifacts, each repo's commits (one
 * per artifact) with the CI links its items carry and the env/app pairs its manifests deploy to,
 * and where a release requested from there stands. Artifacts are the only source: a repo is known
 * once CI pushed an artifact for it. `visible` says which envs the viewer may see.
 */
import { NotFoundError } from "../core/errors.ts";
import { isSafeName } from "../core/gitops/index.ts";
import { decodeRequest, type QueueResult } from "../core/queue.ts";
import { artifactVars, type Artifact } from "../core/release/index.ts";
import { renderTemplate } from "../core/template/index.ts";
import type { CommitTarget, FollowedRelease, RepoCommitView } from "../core/views.ts";
import type { EventRecord } from "../store/index.ts";
import type { OpsDeps } from "./deps.ts";
import { fluxAppliedAt } from "./flux-status.ts";
import { queuedRequest } from "./queue.ts";
import type { Visible } from "./tracking.ts";

export type { CommitTarget, FollowedRelease, RepoCommitView };

/** How many of the newest queued rows the index reads, and artifacts a repo's branch list reads. */
export const indexScan = 5000;
export const branchScan = 1000;
const chunk = 500;

export interface RepoSummary {
  name: string;
  /** Artifacts seen, one per CI run. */
  artifacts: number;
  /** Newest first. */
  branches: string[];
  last: { sha: string; message: string; author: string; branch: string; created: number; url: string };
}

/**
 * Newest artifacts first, read in chunks of `max` rows at most (`all`: there were no more). Without a
 * repository every queued row is read in queue order and the artifacts kept: the store reads that
 * by its key, where ordering artifacts by time sorts the whole table for every chunk (measured on
 * 5,000 artifacts: 1 ms against 15-60 ms per 500 rows).
 */
async function scan(d: OpsDeps, max: number, repository?: string): Promise<{ rows: EventRecord[]; all: boolean }> {
  const read = (limit: number, offset: number) =>
    repository ? d.store.artifacts({ repository, limit, offset }) : d.store.events({ limit, offset });
  const rows: EventRecord[] = [];
  for (let offset = 0; offset < max; offset += chunk) {
    const got = await read(Math.min(chunk, max - offset), offset);
    rows.push(...got.filter((r) => r.type === "artifact"));
    if (got.length < Math.min(chunk, max - offset)) return { rows, all: true };
  }
  // Exactly `max` rows read: one more tells whether there were more.
  return { rows, all: !(await read(1, max)).length };
}

function parsed(r: EventRecord): Partial<Artifact> {
  try {
    const a = JSON.parse(r.blob) as unknown;
    return a && typeof a === "object" ? (a as Partial<Artifact>) : {};
  } catch {
    // An unreadable blob still names its repo, sha and branch through the row's columns.
    return {};
  }
}

function version(r: EventRecord, a: Partial<Artifact>) {
  const v = (a.version ?? {}) as Partial<Artifact["version"]>;
  const str = (x: unknown, dflt = "") => (typeof x === "string" ? x : dflt);
  return {
    sha: str(v.sha, r.sha),
    message: str(v.message),
    author: str(v.authorName),
    branch: str(v.branch, r.branch),
    // The commit's time as CI gave it; the artifact's arrival when it gave none.
    created: typeof v.created === "number" && v.created > 0 ? v.created : r.created,
    url: str(v.url),
  };
}

/** Every repository among the newest `max` artifacts, the one pushed to last first. */
export async function repoIndex(d: OpsDeps, max = indexScan): Promise<{ repos: RepoSummary[]; complete: boolean }> {
  const { rows, all } = await scan(d, max);
  const byName = new Map<string, { first: EventRecord; artifacts: number; branches: Set<string> }>();
  for (const r of rows) {
    const e = byName.get(r.repository) ?? { first: r, artifacts: 0, branches: new Set<string>() };
    byName.set(r.repository, e);
    e.artifacts++;
    if (r.branch) e.branches.add(r.branch);
  }
  const repos = [...byName].map(([name, e]) => ({
    name,
    artifacts: e.artifacts,
    branches: [...e.branches],
    last: version(e.first, parsed(e.first)),
  }));
  return { repos, complete: all };
}

/**
 * A manifest's env or app name as the worker will see it: plain, or a template over the artifact's
 * variables (`app: web-{{ .BRANCH }}`). Rendered on the request path, so with a small budget and
 * without the regex functions, whose patterns come from the artifact.
 */
function resolveName(raw: unknown, vars: Record<string, string>): string | undefined {
  if (typeof raw !== "string" || raw.length > 253) return undefined;
  if (!raw.includes("{{")) return raw;
  const refuse = () => {
    throw new Error("not on the request path");
  };
  const funcs = Object.fromEntries(
    ["regexMatch", "regexFind", "regexFindAll", "regexReplaceAll", "regexReplaceAllLiteral", "regexSplit"].map((n) => [
      n,
      refuse,
    ]),
  );
  try {
    return renderTemplate(raw, vars, { limits: { maxSteps: 2000, maxOutputBytes: 1024 }, funcs });
  } catch {
    return undefined;
  }
}

/** The env/app pairs an artifact's manifests name, once each, in the envs the viewer sees. */
export function commitTargets(a: Partial<Artifact>, envs: Set<string>, visible?: Visible): CommitTarget[] {
  const vars = a.version ? artifactVars(a as Artifact) : {};
  const out: CommitTarget[] = [];
  const seen = new Set<string>();
  for (const m of Array.isArray(a.environments) ? a.environments : []) {
    if (!m || typeof m !== "object") continue;
    const env = resolveName(m.env, vars);
    const app = resolveName(m.app, vars);
    const shownEnv = env ?? String(m.env ?? "");
    if (visible && !visible(shownEnv)) continue;
    const shownApp = app ?? String(m.app ?? "");
    if (seen.has(`${shownEnv}/${shownApp}`)) continue;
    seen.add(`${shownEnv}/${shownApp}`);
    const blocked =
      env === undefined || app === undefined
        ? "its name is a template this page cannot resolve: use gimlet release make"
        : !isSafeName(env) || !isSafeName(app)
          ? "not a valid env/app name"
          : !envs.has(env)
            ? "no such environment on this server"
            : undefined;
    out.push({ env: shownEnv, app: shownApp, ...(blocked ? { blocked } : {}) });
  }
  return out;
}

function links(a: Partial<Artifact>): { name: string; url: string }[] {
  const out: { name: string; url: string }[] = [];
  for (const item of Array.isArray(a.items) ? a.items : []) {
    if (!item || typeof item !== "object") continue;
    const { name, url } = item as { name?: unknown; url?: unknown };
    if (typeof url !== "string" || !/^https?:\/\//i.test(url)) continue;
    out.push({ name: typeof name === "string" && name.trim() ? name.trim().slice(0, 60) : "link", url });
  }
  return out;
}

export interface RepoCommitsQuery {
  repo: string;
  branch?: string;
  offset: number;
  limit: number;
}

export interface RepoCommitsPage {
  repo: string;
  /** Branches among the repo's newest artifacts, newest first, with their artifact counts. */
  branches: { name: string; count: number }[];
  /** False when the repo has more artifacts than the branch list read. */
  complete: boolean;
  commits: RepoCommitView[];
  more: boolean;
}

/** A page of the repo's commits, newest first. @throws NotFoundError when no artifact names the repo. */
export async function repoCommits(d: OpsDeps, q: RepoCommitsQuery, visible?: Visible): Promise<RepoCommitsPage> {
  const { rows, all } = await scan(d, branchScan, q.repo);
  if (!rows.length) {
    throw new NotFoundError(`repository ${JSON.stringify(q.repo.slice(0, 200))} is not known`, {
      hint: "a repository shows once CI pushed an artifact for it; /repos lists the known ones",
    });
  }
  const counts = new Map<string, number>();
  for (const r of rows) if (r.branch) counts.set(r.branch, (counts.get(r.branch) ?? 0) + 1);
  const page = await d.store.artifacts({
    repository: q.repo,
    ...(q.branch ? { branch: q.branch } : {}),
    limit: q.limit + 1,
    offset: q.offset,
  });
  const envs = new Set((await d.store.envs()).map((e) => e.name));
  const commits = page.slice(0, q.limit).map((r) => {
    const a = parsed(r);
    return {
      ...version(r, a),
      artifactId: r.artifactId || r.id,
      links: links(a),
      targets: commitTargets(a, envs, visible),
    };
  });
  return {
    repo: q.repo,
    branches: [...counts].map(([name, count]) => ({ name, count })),
    complete: all,
    commits,
    more: page.length > q.limit,
  };
}

/**
 * A release request as its follow page shows it. One the viewer may not see, or that is not a
 * release, is not found: its id says nothing about other envs. @throws NotFoundError
 */
export async function followRelease(d: OpsDeps, id: string, visible?: Visible): Promise<FollowedRelease> {
  const ev = await queuedRequest(d, id);
  const req = ev.type === "release" ? decodeRequest(ev.type, ev.blob) : undefined;
  if (req?.type !== "release" || (visible && !visible(req.env))) throw new NotFoundError(`no release with id ${id}`);
  const art = await d.store.artifactEvent(req.artifactId);
  const results = (ev.results as QueueResult[]).filter((r) => !visible || visible(r.env));
  const commits = await Promise.all(results.map((r) => (r.hash ? d.store.gitopsCommit(r.hash) : undefined)));
  // The time shown beside "Flux applied" is when it applied, not its first word.
  const appliedAt = await Promise.all(results.map((r, i) => (commits[i] ? fluxAppliedAt(d, r.hash) : undefined)));
  return {
    id: ev.id,
    status: ev.status,
    statusDesc: ev.statusDesc,
    created: ev.created,
    env: req.env,
    app: req.app ?? "",
    triggeredBy: req.triggeredBy,
    ...(art
      ? (() => {
          const v = version(art, parsed(art));
          return { artifact: { id: req.artifactId, repo: art.repository, sha: v.sha, message: v.message, url: v.url } };
        })()
      : {}),
    results: results.map((r, i) => {
      const c = commits[i];
      return {
        ...r,
        flux: c?.status ?? "",
        fluxDesc: c?.statusDesc ?? "",
        ...(c ? { fluxAt: appliedAt[i] ?? c.created } : {}),
      };
    }),
  };
}
