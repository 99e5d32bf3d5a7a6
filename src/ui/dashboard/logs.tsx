/**
 * The app page's logs panel. Without JavaScript the form opens the logs as streamed plain text; with
 * htmx it swaps in a panel whose own event stream appends lines (`<hx-partial>` beforeend) until
 * the pods' streams end or "Stop" swaps the form back, which closes the stream.
 */
import { h, type VNode } from "preact";
import { appPath } from "./bits.tsx";

export interface LogOptionsView {
  follow: boolean;
  container?: string;
  tail: number;
}

/** The container names the app's pods declare, in order, each once (pods of one app mostly agree). */
export function containersOf(pods: readonly { name: string; containers?: string[] }[]): string[] {
  return [...new Set(pods.flatMap((p) => p.containers ?? []))];
}

export function LogsForm(props: { env: string; app: string; pods: string[]; containers?: string[] }): VNode {
  const b = appPath(props.env, props.app);
  return (
    <section id="logs" class="logs">
      <h3>Logs</h3>
      <form
        method="get"
        action={`${b}/logs.txt`}
        hx-get={`${b}/logs-panel`}
        hx-target="#logs"
        hx-swap="outerHTML"
        class="filters"
      >
        {props.containers?.length ? (
          <>
            <label for="log-container">Container</label>
            <select id="log-container" name="container">
              <option value="">the first ({props.containers[0]})</option>
              {props.containers.map((n) => (
                <option value={n}>{n}</option>
              ))}
            </select>
          </>
        ) : null}
        <label for="log-tail">Last lines</label>
        <input id="log-tail" type="text" name="tail" value="200" inputmode="numeric" />
        <label class="check">
          <input type="checkbox" name="follow" value="1" checked /> Follow
        </label>
        <button type="submit" class="secondary">
          Show logs
        </button>
      </form>
      <p class="muted small">
        From {props.pods.length === 1 ? "pod" : `${props.pods.length} pods`}: {props.pods.join(", ")}
      </p>
    </section>
  );
}

export function LogsPanel(props: { env: string; app: string; options: LogOptionsView }): VNode {
  const b = appPath(props.env, props.app);
  const q = new URLSearchParams({ tail: String(props.options.tail), ...(props.options.follow ? { follow: "1" } : {}) });
  if (props.options.container) q.set("container", props.options.container);
  return (
    <section id="logs" class="logs">
      <h3>
        Logs{" "}
        <button type="submit" class="secondary small" hx-get={`${b}/logs-form`} hx-target="#logs" hx-swap="outerHTML">
          Stop
        </button>
      </h3>
      <div id="log-stream" hx-sse:connect={`${b}/logs-stream?${q}`} hx-sse:close="end" hx-swap="none" />
      <pre id="log-lines" class="log" tabIndex={0} aria-live="polite" />
    </section>
  );
}

/** One batch of lines from one pod, appended to the panel (htmx 4's `<hx-partial>`, not a JSX intrinsic). */
export function LogLines(props: { pod: string; lines: string[]; dropped?: number; note?: string }): VNode<any> {
  return h(
    "hx-partial",
    { "hx-target": "#log-lines", "hx-swap": "beforeend" },
    props.dropped ? (
      <span class="muted">
        [{props.pod}] … {props.dropped} lines dropped …{"\n"}
      </span>
    ) : null,
    props.lines.map((l) => (
      <span>
        <span class="pod">{props.pod}</span> {l}
        {"\n"}
      </span>
    )),
    props.note ? (
      <span class="muted">
        [{props.pod}] {props.note}
        {"\n"}
      </span>
    ) : null,
  );
}
