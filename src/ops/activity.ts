/**
 * What the dashboard lists beyond releases: every queued request with its targets and Flux's word on
 * the gitops commits it made, each app's latest release.
 * `visible` says which envs the viewer may see (the transport asks its access policy).
 */
import { NotFoundError } from "../core/errors.ts";
import type { Artifact } from "../core/release/index.ts";
import type { EventStatus, EventType } from "../store/index.ts";
import type { OpsDeps } from "./deps.ts";
import { releaseHistory, type HistoryEntry } from "./releases.ts";
import type { Visible } from "./tracking.ts";
import type { ActivityEntry } from "../core/views.ts";

export interface ActivityQuery {
  env?: string;
  app?: string;
  status?: EventStatus;
  type?: EventType;
  limit: number;
  offset: number;
}

export type { ActivityEntry };

/** The env/app pairs a queued request names: from its results, its request, or its artifact's environments. */
function eventTargets(blob: string, results: unknown[]): { env: string; app?: string }[] {
  const out: { env: string; app?: string }[] = [];
  const seen = new Set<string>();
  const add = (env: unknown, app: unknown) => {
    if (typeof env !== "string" || !env) return;
    const a = typeof app === "string" ? app : "";
    if (seen.has(`${env}/${a}`)) return;
    seen.add(`${env}/${a}`);
    out.push({ env, ...(a ? { app: a } : {}) });
  };
  for (const r of results) {
    if (r && typeof r === "object") add((r as { env?: unknown }).env, (r as { app?: unknown }).app);
  }
  try {
    const b = JSON.parse(blob) as Record<string, unknown>;
    add(b.env, b.app);
    const envs = Array.isArray(b.environments) ? b.environments : [];
    for (const e of envs) if (e && typeof e === "object") add(e.env, e.app);
  } catch {
    // An unreadable blob names no targets; the list still shows the event.
  }
  return out;
}

const triggeredByOf = (blob: string): string | undefined => {
  try {
    const t = (JSON.parse(blob) as { triggeredBy?: unknown }).triggeredBy;
    return typeof t === "string" && t ? t : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Newest first. Env and app filters look into each request, so the store is read in pages until
 * `limit + 1` entries match (the extra one says whether there are more) or 5,000 rows were read.
 */
export async function recentActivity(
  d: OpsDeps,
  q: ActivityQuery,
  visible?: Visible,
): Promise<{ items: ActivityEntry[]; more: boolean }> {
  const matched: ActivityEntry[] = [];
  const want = q.offset + q.limit + 1;
  const chunk = 200;
  for (let read = 0; matched.length < want && read < 5000; read += chunk) {
    const rows = await d.store.events({ limit: chunk, offset: read, status: q.status, type: q.type });
    for (const r of rows) {
      const targets = eventTargets(r.blob, r.results);
      const seen = targets.filter((t) => !visible || visible(t.env));
      if (visible && targets.length && !seen.length) continue;
      if (q.env && !seen.some((t) => t.env === q.env)) continue;
      if (q.app && !seen.some((t) => t.app === q.app)) continue;
      const byHash = new Map((r.results as { hash?: string; env?: string }[]).map((x) => [x?.hash, x?.env ?? ""]));
      matched.push({
        id: r.id,
        type: r.type,
        status: r.status,
        statusDesc: r.statusDesc,
        created: r.created,
        repository: r.repository,
        sha: r.sha,
        triggeredBy: triggeredByOf(r.blob),
        targets: seen,
        commits: r.gitopsHashes
          .filter((h) => !visible || visible(byHash.get(h) ?? ""))
          .map((sha) => ({ sha, env: byHash.get(sha) ?? "", status: "", desc: "" })),
      });
    }
    if (rows.length < chunk) break;
  }
  const items = matched.slice(q.offset, q.offset + q.limit);
  for (const it of items) {
    for (const c of it.commits) {
      const fc = await d.store.gitopsCommit(c.sha);
      if (fc) Object.assign(c, { status: fc.status, desc: fc.statusDesc, env: c.env || fc.env });
    }
  }
  return { items, more: matched.length > q.offset + q.limit };
}

/** Each named app's newest release in the env that is not rolled back (apps without one are left out). */
export async function latestReleases(d: OpsDeps, env: string, apps: string[]): Promise<Map<string, HistoryEntry>> {
  const out = new Map<string, HistoryEntry>();
  const one = async (app: string) => {
    let [h] = await releaseHistory(d, { env, app, limit: 1, offset: 0 });
    // A rolled-back release is not the current one: the one the rollback restored, further down, is.
    if (h?.rolledBack) h = (await releaseHistory(d, { env, app, limit: 50, offset: 0 })).find((x) => !x.rolledBack);
    if (h) out.set(app, h);
  };
  // The first alone: on an empty mirror it fills it from git, which the others would each do again.
  if (apps.length) await one(apps[0]!);
  await Promise.all(apps.slice(1).map(one));
  return out;
}

/** One stored artifact as a deploy page shows it. @throws NotFoundError */
export async function artifactSummary(d: OpsDeps, id: string) {
  const ev = id ? await d.store.artifactEvent(id) : undefined;
  if (!ev) {
    const hint = "the repositories page lists them";
    throw new NotFoundError(`artifact ${JSON.stringify(id.slice(0, 100))} not found`, { hint });
  }
  const v = ((JSON.parse(ev.blob) as Partial<Artifact>).version ?? {}) as Partial<Artifact["version"]>;
  const sha = v.sha ?? ev.sha;
  return { id, repo: ev.repository, sha, message: v.message ?? "", author: v.authorName ?? "", url: v.url ?? "" };
}
