/** Env (`/envs/ENV`): the apps table with search, filters and server-side paging; rows update live. */
import type { VNode } from "preact";
import type { EnvStateView } from "../../core/agent/view.ts";
import { appPath, Badge, Command, Empty, HealthBadge, Pager, Sha, Time, query } from "./bits.tsx";
import { Layout, refetchOn, type Viewer } from "./layout.tsx";
import { podHealth, podsReady, type AppQuery, type AppRow, type Paged } from "./model.ts";

export interface EnvPageProps {
  viewer: Viewer;
  env: string;
  now: number;
  live?: EnvStateView;
  rows: Paged<AppRow>;
  query: AppQuery;
  /** Source repositories of the env's apps, for the filter. */
  repos: string[];
}

function tableQuery(q: AppQuery, page = q.page) {
  return query({ q: q.q, failing: q.failing ? "1" : undefined, repo: q.repo, page: page > 1 ? page : undefined });
}

function Pods(props: { row: AppRow }): VNode {
  const r = podsReady(props.row.live);
  if (!r) return <span class="muted">—</span>;
  const bad = props.row.live!.pods.filter((p) => podHealth(p) !== "healthy");
  return (
    <span>
      <span class={r.ready < r.total ? "warn-text" : ""}>
        {r.ready}/{r.total}
      </span>
      {bad.slice(0, 3).map((p) => (
        <>
          {" "}
          <Badge kind={podHealth(p) === "failing" ? "bad" : "warn"} title={p.statusDescription ?? p.name}>
            {p.status}
          </Badge>
        </>
      ))}
    </span>
  );
}

export function AppRowView(props: { env: string; row: AppRow; now: number }): VNode {
  const { row, env, now } = props;
  const v = row.release?.version;
  return (
    <tr id={`app-${row.name}`} class={`h-${row.health}`}>
      <td data-label="App">
        <a href={appPath(env, row.name)}>
          <strong>{row.name}</strong>
        </a>
        <div class="muted small">{row.repo ?? ""}</div>
      </td>
      <td data-label="Deployed">
        <Sha sha={v?.sha ?? row.live?.sha} url={v?.url} />
        {v?.message ? <div class="small line">{v.message.split("\n")[0]}</div> : null}
        {v?.authorName ? <div class="muted small">{v.authorName}</div> : null}
      </td>
      <td data-label="Health">
        <HealthBadge health={row.health} />
      </td>
      <td data-label="Pods">
        <Pods row={row} />
      </td>
      <td data-label="Ingress">
        {(row.live?.ingresses ?? []).map((i) =>
          /^https?:\/\//.test(i.url) ? (
            <div>
              <a href={i.url} rel="noopener noreferrer">
                {i.url.replace(/^https?:\/\//, "")}
              </a>
            </div>
          ) : null,
        )}
      </td>
      <td data-label="Released">
        <Time t={row.release?.created} now={now} />
        {row.release?.triggeredBy ? <div class="muted small">by {row.release.triggeredBy}</div> : null}
      </td>
      <td data-label="Flux" class="flux">
        {row.flux ? (
          <Badge kind={row.flux === "applied" ? "ok" : row.flux === "failed" ? "bad" : "warn"}>{row.flux}</Badge>
        ) : null}
      </td>
    </tr>
  );
}

/** The table and its pager: the fragment the page's stream makes refetch. */
export function AppsTable(props: { env: string; rows: Paged<AppRow>; query: AppQuery; now: number }): VNode {
  const base = `/envs/${encodeURIComponent(props.env)}`;
  return (
    <div id="apps" {...refetchOn("apps-changed", `${base}/apps-table${tableQuery(props.query)}`)}>
      {props.rows.items.length ? (
        <table class="apps">
          <thead>
            <tr>
              <th scope="col">App</th>
              <th scope="col">Deployed</th>
              <th scope="col">Health</th>
              <th scope="col">Pods</th>
              <th scope="col">Ingress</th>
              <th scope="col">Released</th>
              <th scope="col">Flux</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.items.map((r) => (
              <AppRowView env={props.env} row={r} now={props.now} />
            ))}
          </tbody>
        </table>
      ) : props.query.q || props.query.failing || props.query.repo ? (
        <Empty title="No app matches these filters.">
          <p>
            <a href={base}>Clear the filters</a>
          </p>
        </Empty>
      ) : (
        <Empty title={`Nothing is deployed to ${props.env} yet.`}>
          <p>Push an artifact whose manifest deploys here, or release one:</p>
          <Command>
            {`gimlet artifact push -f artifact.json\ngimlet release make --env ${props.env} --artifact ARTIFACT_ID`}
          </Command>
        </Empty>
      )}
      <Pager paged={props.rows} href={(p) => `${base}${tableQuery(props.query, p)}`} />
    </div>
  );
}

export function StaleBanner(props: { live?: EnvStateView; now: number }): VNode | null {
  const l = props.live;
  if (!l?.stale) return null;
  return (
    <p class="banner warn" role="status">
      {l.updated ? (
        <>
          The agent is offline; pods and health are the last known state, from <Time t={l.updated} now={props.now} />.
        </>
      ) : (
        <>No agent has reported for this env yet: the table shows releases from git only.</>
      )}
    </p>
  );
}

export function EnvPage(p: EnvPageProps): VNode {
  const base = `/envs/${encodeURIComponent(p.env)}`;
  const live = `/ui/events?topic=env&env=${encodeURIComponent(p.env)}`;
  return (
    <Layout title={p.env} viewer={p.viewer} section="envs" live={live}>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Environments</a> / {p.env}
      </nav>
      <h1>{p.env}</h1>
      <StaleBanner live={p.live} now={p.now} />
      <form class="filters" method="get" action={base} role="search">
        <label for="q" class="sr-only">
          Search apps
        </label>
        <input id="q" type="search" name="q" value={p.query.q ?? ""} placeholder="Search app, repo, sha, message" />
        <label for="repo" class="sr-only">
          Repository
        </label>
        <select id="repo" name="repo">
          <option value="">All repositories</option>
          {p.repos.map((r) => (
            <option value={r} selected={p.query.repo === r}>
              {r}
            </option>
          ))}
        </select>
        <label class="check">
          <input type="checkbox" name="failing" value="1" checked={!!p.query.failing} /> Failing only
        </label>
        <button type="submit">Filter</button>
      </form>
      <AppsTable env={p.env} rows={p.rows} query={p.query} now={p.now} />
    </Layout>
  );
}
