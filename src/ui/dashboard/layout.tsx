/**
 * The dashboard's frame: one layout with the nav, the embedded assets, and at most one SSE stream per
 * page (`live`), whose named events make the page's fragments refetch themselves. Pure functions of
 * props; the server's routes/pages.ts gathers the props.
 */
import type { ComponentChildren, VNode } from "preact";
import { render } from "preact-render-to-string";

export const assetPrefix = "/assets/";

export type Section = "envs" | "activity" | "settings" | "repos" | "";

export interface Viewer {
  login: string;
  role: string;
  /** The session's CSRF token: every form that changes something carries it. */
  csrf: string;
  /**
   * The event stream's position when the page's data was read: the page's stream starts there, so
   * an event that came while the page loaded still makes its fragment refetch.
   */
  since?: string;
}

export interface LayoutProps {
  title: string;
  viewer?: Viewer;
  section?: Section;
  /** The page's event stream (`/ui/events?…`); its named events bubble to body. */
  live?: string;
  /** A line on top: what the last action did. */
  notice?: string;
  children: ComponentChildren;
}

export function Csrf(props: { viewer: Viewer }): VNode {
  return <input type="hidden" name="_csrf" value={props.viewer.csrf} />;
}

function Nav(props: { viewer: Viewer; section: Section }): VNode {
  const item = (s: Section, href: string, label: string) => (
    <a href={href} aria-current={props.section === s ? "page" : undefined}>
      {label}
    </a>
  );
  return (
    <nav class="main-nav" aria-label="Main">
      <a class="brand" href="/">
        gimlet
      </a>
      {item("envs", "/", "Environments")}
      {item("repos", "/repos", "Repositories")}
      {item("activity", "/activity", "Activity")}
      {item("settings", "/settings", "Settings")}
      <form class="signout" method="post" action="/logout">
        <Csrf viewer={props.viewer} />
        <span class="who">{props.viewer.login}</span>{" "}
        <button type="submit" class="link">
          Sign out
        </button>
      </form>
    </nav>
  );
}

export function Layout(props: LayoutProps): VNode {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content="includeIndicatorCSS:false" />
        <title>{props.title ? `${props.title} · gimlet` : "gimlet"}</title>
        <link rel="stylesheet" href={`${assetPrefix}style.css`} />
        <script src={`${assetPrefix}htmx.min.js`} defer />
        <script src={`${assetPrefix}hx-sse.min.js`} defer />
      </head>
      <body class="dash">
        <a class="skip" href="#main">
          Skip to content
        </a>
        {props.viewer ? <Nav viewer={props.viewer} section={props.section ?? ""} /> : null}
        <main class="wide" id="main">
          {props.notice ? (
            <p class="notice" role="status">
              {props.notice}
            </p>
          ) : null}
          {props.children}
        </main>
        {props.live ? <div id="live" hx-sse:connect={liveUrl(props.live, props.viewer?.since)} hx-swap="none" /> : null}
      </body>
    </html>
  );
}

function liveUrl(url: string, since: string | undefined): string {
  return since ? `${url}${url.includes("?") ? "&" : "?"}after=${encodeURIComponent(since)}` : url;
}

export function page(vnode: VNode): string {
  return "<!doctype html>" + render(vnode);
}

/** A fragment for htmx to swap in. */
export function fragment(vnode: VNode): string {
  return render(vnode);
}

/**
 * Props of an element that refetches itself when the page's stream names `event`: htmx GETs `url`
 * and replaces the element (the fragment carries the same attributes, so it keeps listening).
 * `delay` (a debounce), not `throttle`: throttle drops the last event of a burst, and the last one
 * (say "release processed" right after "queued") is the one whose state must show. The stream
 * itself sends at most one event per quarter second, so a busy env cannot starve the debounce.
 */
export function refetchOn(event: string, url: string): Record<string, string> {
  return { "hx-get": url, "hx-trigger": `${event} from:body delay:150ms`, "hx-swap": "outerHTML" };
}
