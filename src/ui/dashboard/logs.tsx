/**
 * The app page's logs panel. Without JavaScript the form opens the logs as streamed plain text; with
 * htmx it swaps in a panel whose own event stream appends lines (`<hx-partial>` beforeend) until
 * the pods' streams end or "Stop" swaps the form back, which closes the stream.
 */
import { h, type VNode } from "preact";

const base = (env: string, app: string) => `/envs/${encodeURIComponent(env)}/apps/${encodeURIComponent(app)}`;

export interface LogOptionsView {
  follow: boolean;
  container?: string;
  tail: number;
}

export function LogsForm(props: { env: string; app: string; pods: string[] }): VNode {
  const b = base(props.env, props.app);
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
        <label for="log-container">Container</label>
        <input id="log-container" type="text" name="container" placeholder="default: the first" />
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
  const b = base(props.env, props.app);
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
