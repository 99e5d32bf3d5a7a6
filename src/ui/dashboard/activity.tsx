/** Activity (`/activity`): every queued request with its status, error, gitops commits and Flux's word on them. */
import type { VNode } from "preact";
import { Badge, Empty, Sha, Time, query } from "./bits.tsx";
import { Layout, refetchOn, type Viewer } from "./layout.tsx";
import type { ActivityEntry } from "../../core/views.ts";
import { fluxLabel } from "./model.ts";

export type ActivityItem = ActivityEntry;

export interface ActivityFilter {
  env?: string;
  app?: string;
  status?: string;
  offset: number;
}

export interface ActivityProps {
  viewer: Viewer;
  now: number;
  items: ActivityItem[];
  filter: ActivityFilter;
  more: boolean;
}

const statusKind = (s: string) => (s === "processed" ? "ok" : s === "error" ? "bad" : "warn") as "ok" | "bad" | "warn";

function filterQuery(f: ActivityFilter, offset = f.offset) {
  return query({ env: f.env, app: f.app, status: f.status, offset: offset || undefined });
}

export function ActivityList(props: {
  items: ActivityItem[];
  now: number;
  filter: ActivityFilter;
  more: boolean;
}): VNode {
  const f = props.filter;
  return (
    <div id="activity" {...refetchOn("activity-changed", `/activity/list${filterQuery(f)}`)}>
      {props.items.length ? (
        <ol class="events">
          {props.items.map((e) => (
            <li id={`event-${e.id}`}>
              <div class="rel-head">
                <strong>{e.type}</strong> <Badge kind={statusKind(e.status)}>{e.status}</Badge>{" "}
                {e.targets.map((t) =>
                  t.app ? (
                    <a href={`/envs/${encodeURIComponent(t.env)}/apps/${encodeURIComponent(t.app)}`}>
                      {t.env}/{t.app}
                    </a>
                  ) : (
                    <a href={`/envs/${encodeURIComponent(t.env)}`}>{t.env}</a>
                  ),
                )}{" "}
                {e.repository ? (
                  <span class="muted">
                    {e.repository} <Sha sha={e.sha} />
                  </span>
                ) : null}
              </div>
              <div class="muted small">
                <Time t={e.created} now={props.now} />
                {e.triggeredBy ? ` by ${e.triggeredBy}` : ""} · <code>{e.id}</code>
              </div>
              {e.status === "error" && e.statusDesc ? <p class="reason">{e.statusDesc}</p> : null}
              {e.commits.length ? (
                <ul class="commits">
                  {e.commits.map((c) => {
                    const l = fluxLabel(c.status, c.desc);
                    return (
                      <li>
                        gitops <code title={c.sha}>{c.sha.slice(0, 8)}</code>{" "}
                        {c.env ? <span class="muted">{c.env}</span> : null}{" "}
                        {l ? (
                          <Badge kind={l === "applied" ? "ok" : l === "failed" ? "bad" : "warn"} title={c.desc}>
                            {l}
                          </Badge>
                        ) : (
                          <span class="muted">no word from Flux yet</span>
                        )}
                      </li>
                    );
                  })}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      ) : (
        <Empty title={f.env || f.app || f.status ? "No events match these filters." : "No activity yet."}>
          <p>Artifacts pushed by CI, releases, rollbacks and deletes show up here as they happen.</p>
        </Empty>
      )}
      <nav class="pager" aria-label="Pages">
        {f.offset > 0 ? <a href={`/activity${filterQuery(f, Math.max(0, f.offset - 50))}`}>← Newer</a> : null}
        {props.more ? <a href={`/activity${filterQuery(f, f.offset + 50)}`}>Older →</a> : null}
      </nav>
    </div>
  );
}

export function ActivityPage(p: ActivityProps): VNode {
  const f = p.filter;
  return (
    <Layout title="Activity" viewer={p.viewer} section="activity" live="/ui/events?topic=activity">
      <h1>Activity</h1>
      <form class="filters" method="get" action="/activity" role="search">
        <label for="f-env">Env</label>
        <input id="f-env" type="text" name="env" value={f.env ?? ""} />
        <label for="f-app">App</label>
        <input id="f-app" type="text" name="app" value={f.app ?? ""} />
        <label for="f-status">Status</label>
        <select id="f-status" name="status">
          {["", "new", "processing", "processed", "error"].map((s) => (
            <option value={s} selected={(f.status ?? "") === s}>
              {s || "any"}
            </option>
          ))}
        </select>
        <button type="submit">Filter</button>
      </form>
      <ActivityList items={p.items} now={p.now} filter={f} more={p.more} />
    </Layout>
  );
}
