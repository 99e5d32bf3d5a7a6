/**
 * The app page's actions through the env's agent: describe-like details of a workload or pod, and
 * Flux reconcile. The agent's answer is untrusted JSON, so `parseDetails` keeps only fields of the
 * expected types before anything renders; every value is escaped by Preact.
 */
import type { VNode } from "preact";
import type { FluxObjectState } from "../../core/agent/state.ts";
import { Badge, ErrorBox, Time } from "./bits.tsx";
import { Csrf, Layout, type Viewer } from "./layout.tsx";
import { revisionSha, seconds } from "./model.ts";

export interface ObjectDetails {
  kind: string;
  namespace: string;
  name: string;
  createdAt?: string;
  facts: [string, string][];
  labels: [string, string][];
  annotations: [string, string][];
  conditions: { type: string; status: string; reason: string; message: string; lastTransition?: string }[];
  containers: {
    name: string;
    image: string;
    ports: string[];
    ready?: boolean;
    restarts?: number;
    state: string;
    lastState: string;
    resources: string;
  }[];
  events: { type: string; reason: string; message: string; count: number; lastSeen?: string }[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const pairs = (v: unknown): [string, string][] =>
  isObj(v) ? Object.entries(v).map(([k, x]): [string, string] => [k, str(x)]) : [];

/** A container state (`{running: {startedAt}}`, `{waiting: {reason, message}}`, …) as one line. */
function stateLine(v: unknown): string {
  if (!isObj(v)) return "";
  const [name, detail] = Object.entries(v)[0] ?? [];
  if (!name) return "";
  const d = isObj(detail) ? detail : {};
  const why = [str(d.reason), d.exitCode !== undefined ? `exit ${str(d.exitCode)}` : "", str(d.message)]
    .filter(Boolean)
    .join(", ");
  return why ? `${name}: ${why}` : name;
}

function resourcesLine(v: unknown): string {
  if (!isObj(v)) return "";
  return ["requests", "limits"]
    .map((k) => {
      const r = pairs(v[k]);
      return r.length ? `${k} ${r.map(([n, x]) => `${n}=${x}`).join(" ")}` : "";
    })
    .filter(Boolean)
    .join("; ");
}

/** The agent's describe output (src/agent/commands.ts `describe`), checked field by field. */
export function parseDetails(data: unknown): ObjectDetails {
  const o = isObj(data) ? data : {};
  const facts: [string, string][] = [];
  const fact = (label: string, v: unknown) => str(v) && facts.push([label, str(v)]);
  fact("Phase", o.phase);
  fact("Node", o.node);
  fact("Pod IP", o.podIP);
  fact("Started", o.startTime);
  fact("Strategy", o.strategy);
  if (isObj(o.replicas)) {
    const r = o.replicas;
    const n = (k: string) => str(r[k]) || "0";
    fact(
      "Replicas",
      `${n("desired")} desired, ${n("current")} current, ${n("updated")} updated, ${n("ready")} ready, ` +
        `${n("available")} available`,
    );
  }
  if (isObj(o.selector) && isObj(o.selector.matchLabels)) {
    fact(
      "Selector",
      pairs(o.selector.matchLabels)
        .map(([k, v]) => `${k}=${v}`)
        .join(", "),
    );
  }
  return {
    kind: str(o.kind) || "Object",
    namespace: str(o.namespace),
    name: str(o.name),
    ...(str(o.createdAt) ? { createdAt: str(o.createdAt) } : {}),
    facts,
    labels: pairs(o.labels),
    annotations: pairs(o.annotations),
    conditions: list(o.conditions)
      .filter(isObj)
      .map((c) => ({
        type: str(c.type),
        status: str(c.status),
        reason: str(c.reason),
        message: str(c.message),
        ...(str(c.lastTransition) ? { lastTransition: str(c.lastTransition) } : {}),
      })),
    containers: list(o.containers)
      .filter(isObj)
      .map((c) => ({
        name: str(c.name),
        image: str(c.image),
        ports: list(c.ports).map(str).filter(Boolean),
        ...(typeof c.ready === "boolean" ? { ready: c.ready } : {}),
        ...(typeof c.restarts === "number" ? { restarts: c.restarts } : {}),
        state: stateLine(c.state),
        lastState: stateLine(c.lastState),
        resources: resourcesLine(c.resources),
      })),
    events: list(o.events)
      .filter(isObj)
      .map((e) => ({
        type: str(e.type),
        reason: str(e.reason),
        message: str(e.message),
        count: typeof e.count === "number" ? e.count : 1,
        ...(str(e.lastSeen) ? { lastSeen: str(e.lastSeen) } : {}),
      })),
  };
}

function Pairs(props: { title: string; items: [string, string][] }): VNode | null {
  if (!props.items.length) return null;
  return (
    <details>
      <summary>
        {props.title} ({props.items.length})
      </summary>
      <ul class="small">
        {props.items.map(([k, v]) => (
          <li>
            <code>{k}</code>: <code class="clip">{v}</code>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Describe-like details of one object: facts, conditions, containers, events, labels. */
export function DetailsView(props: { d: ObjectDetails; now: number }): VNode {
  const { d, now } = props;
  return (
    <div class="object-details" role="region" aria-label={`${d.kind} ${d.name}`}>
      <h3>
        {d.kind}{" "}
        <code>
          {d.namespace}/{d.name}
        </code>
      </h3>
      <dl class="facts">
        <dt>Created</dt>
        <dd>
          <Time t={seconds(d.createdAt)} now={now} />
        </dd>
        {d.facts.map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
      </dl>
      <h4>Conditions</h4>
      {d.conditions.length ? (
        <ul class="conditions">
          {d.conditions.map((c) => (
            <li>
              <Badge kind={c.status === "True" ? "ok" : c.status === "False" ? "bad" : "warn"}>{c.type}</Badge>{" "}
              {c.reason ? <strong>{c.reason}</strong> : null} {c.message}{" "}
              {c.lastTransition ? <Time t={seconds(c.lastTransition)} now={now} /> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">None reported.</p>
      )}
      <h4>Containers</h4>
      {d.containers.length ? (
        <ul class="containers">
          {d.containers.map((c) => (
            <li>
              <strong>{c.name}</strong> <code class="clip">{c.image}</code>
              {c.ready !== undefined ? (
                <>
                  {" "}
                  <Badge kind={c.ready ? "ok" : "bad"}>{c.ready ? "ready" : "not ready"}</Badge>
                </>
              ) : null}
              <div class="small">
                {c.state ? <>state {c.state}</> : null}
                {c.restarts !== undefined ? <> · {c.restarts} restarts</> : null}
                {c.lastState ? <> · last {c.lastState}</> : null}
                {c.ports.length ? <> · ports {c.ports.join(", ")}</> : null}
                {c.resources ? <> · {c.resources}</> : null}
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">None.</p>
      )}
      <h4>Events</h4>
      {d.events.length ? (
        <ul class="events">
          {d.events.map((e) => (
            <li>
              <Badge kind={e.type === "Warning" ? "warn" : "info"}>{e.type || "Event"}</Badge>{" "}
              <strong>{e.reason}</strong> {e.message} {e.count > 1 ? <span class="muted">×{e.count}</span> : null}{" "}
              <Time t={seconds(e.lastSeen)} now={now} />
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No events (Kubernetes keeps them for an hour).</p>
      )}
      <Pairs title="Labels" items={d.labels} />
      <Pairs title="Annotations" items={d.annotations} />
    </div>
  );
}

/** What fills the page's details panel: the object's details, or why they could not be read. */
export function DetailsResult(props: {
  what: string;
  now: number;
  details?: ObjectDetails;
  error?: { message: string; status: number };
}): VNode {
  if (props.error) {
    return (
      <div class="action-result">
        <p>
          <strong>Details of {props.what}</strong>
        </p>
        <ErrorBox message={props.error.message} status={props.error.status} />
      </div>
    );
  }
  return <div class="action-result">{props.details ? <DetailsView d={props.details} now={props.now} /> : null}</div>;
}

export interface ReconcileOutcome {
  reconciled?: { kind: string; namespace: string; name: string; requestedAt?: string }[];
  error?: { message: string; status: number };
}

export function ReconcileResult(props: ReconcileOutcome & { now: number }): VNode {
  if (props.error) return <ErrorBox message={props.error.message} status={props.error.status} />;
  return (
    <p class="notice" role="status">
      Reconcile requested for{" "}
      {(props.reconciled ?? []).map((r, i) => (
        <>
          {i ? ", " : ""}
          {r.kind} <code>{`${r.namespace}/${r.name}`}</code>
        </>
      ))}
      : Flux fetches the repo and applies it now.
    </p>
  );
}

/** A form that posts an action and puts the answer into `target` (a plain post without JS). */
export function ActionForm(props: {
  action: string;
  target: string;
  viewer: Viewer;
  label: string;
  fields?: Record<string, string>;
  ariaLabel?: string;
}): VNode {
  return (
    <form
      method="post"
      action={props.action}
      class="inline"
      hx-post={props.action}
      hx-target={props.target}
      hx-swap="innerHTML"
    >
      <Csrf viewer={props.viewer} />
      {Object.entries(props.fields ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class="secondary small" aria-label={props.ariaLabel}>
        {props.label}
      </button>
    </form>
  );
}

function FluxRevision(props: { rev?: string }): VNode | null {
  const sha = revisionSha(props.rev);
  return sha ? <code title={props.rev}>{sha.slice(0, 8)}</code> : null;
}

/** The env's Flux sources and Kustomizations as the agent reports them, with Reconcile now. */
export function FluxCard(props: {
  env: string;
  flux: FluxObjectState[];
  viewer: Viewer;
  canReconcile: boolean;
  connected: boolean;
}): VNode {
  const shown = props.flux.filter((f) => f.kind === "GitRepository" || f.kind === "Kustomization");
  return (
    <section id="flux" class="card">
      <h2>Flux in {props.env}</h2>
      {shown.length ? (
        <ul class="flux-objects">
          {shown.map((f) => (
            <li>
              {f.kind} <code>{`${f.namespace}/${f.name}`}</code>{" "}
              <Badge kind={f.ready === "True" ? "ok" : f.ready === "False" ? "bad" : "warn"}>
                {f.suspended
                  ? "suspended"
                  : f.ready === "True"
                    ? "ready"
                    : f.ready === "False"
                      ? "not ready"
                      : "unknown"}
              </Badge>{" "}
              <FluxRevision rev={f.appliedRevision ?? f.fetchedRevision} />
              {f.message ? <div class="small muted">{f.message}</div> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">The agent reports no Flux GitRepository or Kustomization for this env.</p>
      )}
      {props.canReconcile && props.connected && shown.length ? (
        <ActionForm
          action={`/envs/${encodeURIComponent(props.env)}/reconcile`}
          target="#flux-result"
          viewer={props.viewer}
          label="Reconcile now"
        />
      ) : null}
      <div id="flux-result" aria-live="polite" />
    </section>
  );
}

/** Without JavaScript a form post lands here: the same result as a page of its own. */
export function ActionPage(props: { viewer: Viewer; title: string; back: string; children: VNode }): VNode {
  return (
    <Layout title={props.title} viewer={props.viewer} section="envs">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={props.back}>← Back</a>
      </nav>
      <h1>{props.title}</h1>
      <section class="card">{props.children}</section>
    </Layout>
  );
}
