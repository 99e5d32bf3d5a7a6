/** Small pieces every page uses: times, badges, short shas, empty states, errors, paging. */
import type { ComponentChildren, VNode } from "preact";
import { ago, iso, type Health, type Paged } from "./model.ts";

/** A relative time with the absolute one in the tooltip (and machine-readable). */
export function Time(props: { t: number | undefined; now: number }): VNode {
  if (!props.t) return <span class="muted">—</span>;
  return (
    <time datetime={iso(props.t)} title={iso(props.t)}>
      {ago(props.t, props.now)}
    </time>
  );
}

export function HealthBadge(props: { health: Health }): VNode {
  return <span class={`badge h-${props.health}`}>{props.health === "unknown" ? "no live state" : props.health}</span>;
}

export function Badge(props: {
  kind: "ok" | "bad" | "warn" | "info";
  children: ComponentChildren;
  title?: string;
}): VNode {
  return (
    <span class={`badge b-${props.kind}`} title={props.title}>
      {props.children}
    </span>
  );
}

export function Sha(props: { sha: string | undefined; url?: string }): VNode {
  if (!props.sha) return <span class="muted">—</span>;
  const short = <code title={props.sha}>{props.sha.slice(0, 8)}</code>;
  return props.url && /^https?:\/\//.test(props.url) ? (
    <a href={props.url} rel="noopener noreferrer">
      {short}
    </a>
  ) : (
    short
  );
}

/** What to do when there is nothing to show: a sentence and the command or form that changes it. */
export function Empty(props: { title: string; children?: ComponentChildren }): VNode {
  return (
    <div class="empty">
      <p>
        <strong>{props.title}</strong>
      </p>
      {props.children}
    </div>
  );
}

export function Command(props: { children: string }): VNode {
  return (
    // Focusable: a keyboard user can scroll a long command sideways.
    <pre class="cmd" tabIndex={0}>
      <code>{props.children}</code>
    </pre>
  );
}

export function ErrorBox(props: { message: string; status?: number }): VNode {
  return (
    <div class="error-box" role="alert">
      <strong>{props.status && props.status >= 500 ? "Something went wrong" : "That did not work"}</strong>
      <p>{props.message}</p>
    </div>
  );
}

/** Previous/next links that keep the page's other query parameters. */
export function Pager(props: { paged: Paged<unknown>; href: (page: number) => string }): VNode | null {
  const { page, pages, total } = props.paged;
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {page > 1 ? <a href={props.href(page - 1)}>← Previous</a> : <span class="muted">← Previous</span>}
      <span>
        Page {page} of {pages} ({total})
      </span>
      {page < pages ? <a href={props.href(page + 1)}>Next →</a> : <span class="muted">Next →</span>}
    </nav>
  );
}

export function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "" && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** An app's page: `/envs/ENV/apps/APP`; its actions (restart, rollback, logs, details) hang below it. */
export const appPath = (env: string, app: string): string =>
  `/envs/${encodeURIComponent(env)}/apps/${encodeURIComponent(app)}`;

/** A badge's colour from two verdicts: good, else bad, else still waiting. */
export const tone = (good: boolean, bad: boolean): "ok" | "bad" | "warn" => (good ? "ok" : bad ? "bad" : "warn");
