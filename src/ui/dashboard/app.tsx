/**
 * App (`/envs/ENV/apps/APP`): workload and pods from the live state, restart, describe-like details
 * and Flux reconcile through the agent, release history with "roll back to this" behind a
 * confirmation page.
 */
import type { VNode } from "preact";
import type { AppState } from "../../core/agent/state.ts";
import type { EnvStateView } from "../../core/agent/view.ts";
import type { Version } from "../../core/gitops/release.ts";
import type { TimelineStep } from "../../core/release/timeline.ts";
import { Badge, Empty, ErrorBox, HealthBadge, Sha, Time, query } from "./bits.tsx";
import { ActionForm, FluxCard } from "./details.tsx";
import { StaleBanner } from "./env.tsx";
import { Csrf, Layout, refetchOn, type Viewer } from "./layout.tsx";
import { containersOf, LogsForm } from "./logs.tsx";
import { appHealth, fluxLabel, podHealth, seconds } from "./model.ts";

/** A release as the history lists it (ops' HistoryEntry, the fields shown). */
export interface ReleaseEntry {
  created: number;
  gitopsRef: string;
  rolledBack: boolean;
  triggeredBy?: string;
  version?: Version;
  gitopsCommitStatus?: string;
  gitopsCommitStatusDesc?: string;
  /** The delivery timeline's steps, as the release's API timeline reports them. */
  delivery?: TimelineStep[];
}

const tone = (good: boolean, bad: boolean): "ok" | "bad" | "warn" => (good ? "ok" : bad ? "bad" : "warn");

/** "+3 s", "+2 min": how long a step took after the one before. */
export function took(seconds: number | undefined): string {
  if (seconds === undefined) return "";
  const s = Math.max(0, seconds);
  if (s < 120) return `+${s} s`;
  if (s < 7200) return `+${Math.round(s / 60)} min`;
  return `+${Math.round(s / 3600)} h`;
}

/** A step's colour: recorded is done; Flux's failure or a failed live rollout is bad; the rest is waiting. */
function stepTone(x: TimelineStep, rollout: string | undefined): "ok" | "bad" | "warn" {
  if (x.recorded) return "ok";
  if (x.step === "Flux applied" && /failed/.test(x.note ?? "")) return "bad";
  return x.step === "rollout complete" && (rollout === "failed" || x.failedAt !== undefined) ? "bad" : "warn";
}

/**
 * artifact created → received → requested → gitops commit → pushed → Flux applied → rollout complete:
 * each step's time (absolute in the tooltip) and its duration since the step before; a step with no
 * record says so. `rollout` is what the agent shows now of the current release, for a rollout not yet
 * recorded complete.
 */
export function Timeline(props: { steps: TimelineStep[]; now: number; rollout?: string }): VNode {
  return (
    <ol class="timeline" aria-label="Delivery">
      {props.steps.map((x) => {
        // A recorded failure outranks the live view: it says when, and stays after the pods change.
        const live =
          x.step === "rollout complete" && !x.recorded && props.rollout && x.failedAt === undefined
            ? props.rollout
            : "";
        return (
          <li class={`t-${stepTone(x, props.rollout)}`} title={x.recorded ? x.note : undefined}>
            {x.step}{" "}
            {x.at !== undefined ? (
              <>
                <Time t={x.at} now={props.now} />
                {x.took !== undefined ? (
                  <>
                    {" "}
                    <span class="muted" title="since the step before">
                      {took(x.took)}
                    </span>
                  </>
                ) : null}
              </>
            ) : (
              <span class="muted">
                not recorded
                {live ? ` (the agent shows the rollout ${live})` : x.note ? ` (${x.note})` : ""}
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}

export interface AppPageProps {
  viewer: Viewer;
  env: string;
  app: string;
  now: number;
  history: ReleaseEntry[];
  /** More releases exist after these. */
  more: boolean;
  offset: number;
  live?: EnvStateView;
  state?: AppState;
  canRollback: boolean;
  canRestart: boolean;
  canLogs?: boolean;
  /** May ask the agent for describe-like details (app.details). */
  canDetails?: boolean;
  /** May ask Flux to reconcile the env (flux.reconcile). */
  canReconcile?: boolean;
  notice?: string;
}

const base = (env: string, app: string) => `/envs/${encodeURIComponent(env)}/apps/${encodeURIComponent(app)}`;

export function LiveCard(props: {
  env: string;
  app: string;
  state?: AppState;
  live?: EnvStateView;
  now: number;
  viewer: Viewer;
  canRestart: boolean;
  canDetails?: boolean;
}): VNode {
  const { state: a, now } = props;
  const details = props.canDetails && props.live?.agent.connected ? `${base(props.env, props.app)}/details` : "";
  const url = `${base(props.env, props.app)}/live`;
  if (!a) {
    return (
      <section id="live-card" class="card" {...refetchOn("app-changed", url)}>
        <h2>Workload</h2>
        <p class="muted">
          {props.live?.agent.connected
            ? "The agent reports no Service or workload for this app."
            : "No live state: no agent reports for this env. Install one from the environment's next steps."}
        </p>
      </section>
    );
  }
  const w = a.workload;
  return (
    <section id="live-card" class="card" {...refetchOn("app-changed", url)}>
      <h2>
        Workload <HealthBadge health={appHealth(a)} />
      </h2>
      {w ? (
        <dl class="facts">
          <dt>{w.kind}</dt>
          <dd>
            <code>
              {a.namespace}/{w.name}
            </code>
          </dd>
          <dt>Image</dt>
          <dd>
            <code class="clip">{w.image ?? "—"}</code>
          </dd>
          <dt>Replicas</dt>
          <dd>
            {w.replicas.ready}/{w.replicas.desired} ready, {w.replicas.updated} updated
          </dd>
          <dt>Rollout</dt>
          <dd>
            <Badge kind={w.rollout.status === "complete" ? "ok" : w.rollout.status === "failed" ? "bad" : "warn"}>
              {w.rollout.status}
            </Badge>{" "}
            {w.rollout.message ? <span class="muted">{w.rollout.message}</span> : null}
          </dd>
        </dl>
      ) : (
        <p class="muted">No Deployment or StatefulSet.</p>
      )}
      {props.canRestart && w && props.live?.agent.connected ? (
        <form method="post" action={`${base(props.env, props.app)}/restart`} class="inline">
          <Csrf viewer={props.viewer} />
          <button type="submit" class="secondary">
            Restart
          </button>
        </form>
      ) : null}{" "}
      {details && w ? (
        <ActionForm action={details} target="#details-panel" viewer={props.viewer} label={`Details of ${w.kind}`} />
      ) : null}
      <h3>Pods</h3>
      {a.pods.length ? (
        <table class="pods">
          <thead>
            <tr>
              <th scope="col">Pod</th>
              <th scope="col">Status</th>
              <th scope="col">Ready</th>
              <th scope="col">Restarts</th>
              <th scope="col">Node</th>
              <th scope="col">Age</th>
              {details ? <th scope="col">Details</th> : null}
            </tr>
          </thead>
          <tbody>
            {a.pods.map((p) => (
              <tr id={`pod-${p.name}`}>
                <td data-label="Pod">
                  <code>{p.name}</code>
                </td>
                <td data-label="Status">
                  <Badge kind={tone(podHealth(p) === "healthy", podHealth(p) === "failing")}>{p.status}</Badge>
                  {p.statusDescription ? <div class="small reason">{p.statusDescription}</div> : null}
                </td>
                <td data-label="Ready">{p.ready}</td>
                <td data-label="Restarts">{p.restarts}</td>
                <td data-label="Node">{p.node ?? "—"}</td>
                <td data-label="Age">
                  <Time t={seconds(p.createdAt)} now={now} />
                </td>
                {details ? (
                  <td data-label="Details">
                    <ActionForm
                      action={details}
                      target="#details-panel"
                      viewer={props.viewer}
                      label="Details"
                      fields={{ pod: p.name }}
                      ariaLabel={`Details of pod ${p.name}`}
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No pods.</p>
      )}
      {a.events.length ? (
        <>
          <h3>Warnings</h3>
          <ul class="warnings">
            {a.events.map((e) => (
              <li>
                <strong>{e.reason}</strong> <code>{e.object}</code> {e.message}{" "}
                {e.count > 1 ? <span class="muted">×{e.count}</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

export function History(props: {
  env: string;
  app: string;
  history: ReleaseEntry[];
  now: number;
  canRollback: boolean;
  more: boolean;
  offset: number;
  /** The current release's rollout as the agent sees it ("complete", "progressing", "failed"). */
  rollout?: string;
}): VNode {
  const b = base(props.env, props.app);
  const current = props.history.find((h) => !h.rolledBack && props.offset === 0);
  const historyUrl = `${b}/history${query({ offset: props.offset || undefined })}`;
  return (
    <section id="history" class="card" {...refetchOn("app-changed", historyUrl)}>
      <h2>Release history</h2>
      {props.history.length ? (
        <ol class="releases">
          {props.history.map((h) => {
            const v = h.version;
            const flux = fluxLabel(h.gitopsCommitStatus, h.gitopsCommitStatusDesc);
            return (
              <li id={`release-${h.gitopsRef.slice(0, 12)}`} class={h.rolledBack ? "rolled-back" : ""}>
                <div class="rel-head">
                  <Sha sha={v?.sha} url={v?.url} /> <span class="msg">{v?.message?.split("\n")[0] ?? ""}</span>
                  {h === current ? <Badge kind="info">current</Badge> : null}
                  {h.rolledBack ? <Badge kind="warn">rolled back</Badge> : null}
                  {flux ? (
                    <Badge kind={tone(flux === "applied", flux === "failed")} title={h.gitopsCommitStatusDesc}>
                      {flux}
                    </Badge>
                  ) : null}
                </div>
                <div class="muted small">
                  <Time t={h.created} now={props.now} /> by {h.triggeredBy || "policy"} · {v?.repositoryName ?? ""}
                  {v?.branch ? ` @ ${v.branch}` : ""} {v?.authorName ? `· ${v.authorName}` : ""} · gitops{" "}
                  <code title={h.gitopsRef}>{h.gitopsRef.slice(0, 8)}</code>
                </div>
                {h.delivery ? (
                  <Timeline steps={h.delivery} now={props.now} rollout={h === current ? props.rollout : undefined} />
                ) : null}
                {props.canRollback && h !== current && !h.rolledBack ? (
                  <form method="get" action={`${b}/rollback`} class="inline">
                    <input type="hidden" name="to" value={h.gitopsRef} />
                    <button type="submit" class="secondary small">
                      Roll back to this…
                    </button>
                  </form>
                ) : null}
              </li>
            );
          })}
        </ol>
      ) : (
        <Empty title="No releases of this app yet.">
          <p>Releases appear here once an artifact deploys it (a deploy policy or `gimlet release make`).</p>
        </Empty>
      )}
      <nav class="pager" aria-label="Releases">
        {props.offset > 0 ? (
          <a href={`${b}${query({ offset: Math.max(0, props.offset - 20) || undefined })}`}>← Newer</a>
        ) : null}
        {props.more ? <a href={`${b}${query({ offset: props.offset + 20 })}`}>Older →</a> : null}
      </nav>
    </section>
  );
}

/** The workload's rollout, when it runs the current release's sha (else it says nothing about it). */
export function rolloutOf(history: ReleaseEntry[], state: AppState | undefined): string | undefined {
  const current = history.find((h) => !h.rolledBack);
  const sha = current?.version?.sha;
  const running = state?.workload?.sha ?? state?.sha;
  if (!sha || !running || !state?.workload) return undefined;
  return running.startsWith(sha) || sha.startsWith(running) ? state.workload.rollout.status : undefined;
}

export function AppPage(p: AppPageProps): VNode {
  const live = `/ui/events?topic=app&env=${encodeURIComponent(p.env)}&app=${encodeURIComponent(p.app)}`;
  return (
    <Layout title={`${p.app} in ${p.env}`} viewer={p.viewer} section="envs" live={live} notice={p.notice}>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Environments</a> / <a href={`/envs/${encodeURIComponent(p.env)}`}>{p.env}</a> / {p.app}
      </nav>
      <h1>{p.app}</h1>
      <StaleBanner live={p.live} now={p.now} />
      <div class="columns">
        <LiveCard
          env={p.env}
          app={p.app}
          state={p.state}
          live={p.live}
          now={p.now}
          viewer={p.viewer}
          canRestart={p.canRestart}
          canDetails={p.canDetails}
        />
        <History
          env={p.env}
          app={p.app}
          history={p.history}
          now={p.now}
          canRollback={p.canRollback}
          more={p.more}
          offset={p.offset}
          rollout={rolloutOf(p.history, p.state)}
        />
      </div>
      {/* Outside the live card, which refetches on every state change: the answer stays while pods change. */}
      {p.canDetails && p.live?.agent.connected && p.state ? (
        <section class="card" aria-labelledby="details-h">
          <h2 id="details-h">Details</h2>
          <div id="details-panel" aria-live="polite">
            <p class="muted">Details of the workload or of a pod, read from the cluster by the agent, show here.</p>
          </div>
        </section>
      ) : null}
      {p.live ? (
        <FluxCard
          env={p.env}
          flux={p.live.state.flux}
          viewer={p.viewer}
          canReconcile={!!p.canReconcile}
          connected={p.live.agent.connected}
        />
      ) : null}
      {/* Outside the live card: the card refetches on every state change, the log stream must not. */}
      {p.canLogs && p.live?.agent.connected && p.state?.pods.length ? (
        <div class="card">
          <LogsForm
            env={p.env}
            app={p.app}
            pods={p.state.pods.map((x) => x.name)}
            containers={containersOf(p.state.pods)}
          />
        </div>
      ) : null}
    </Layout>
  );
}

const firstLine = (s: string | undefined) => s?.split("\n")[0] ?? "";

export interface RollbackProps {
  viewer: Viewer;
  env: string;
  app: string;
  now: number;
  target: ReleaseEntry;
  current?: ReleaseEntry;
  /** Releases after the target that the rollback reverts. */
  reverted: ReleaseEntry[];
  /** The gitops files the rollback would change, as unified diffs (secret values masked). */
  files?: { path: string; change: string; diff: string }[];
  /** One line per changed object (`~ Deployment/web: … → …`), shown before the file diffs. */
  summary?: { op: string; text: string }[];
  /** Why the rollback cannot be previewed (it would fail the same way). */
  previewError?: string;
}

const lineClass = (line: string) => {
  if (line.startsWith("+") && !line.startsWith("+++")) return "add";
  return line.startsWith("-") && !line.startsWith("---") ? "del" : "";
};

export function FileDiffs(props: {
  files: { path: string; change: string; diff: string }[];
  summary?: { op: string; text: string }[];
}): VNode {
  if (!props.files.length) return <p class="muted">No gitops file would change.</p>;
  const objects = props.summary ?? [];
  return (
    <div class="diffs">
      {objects.length ? (
        <>
          <p>Objects that change:</p>
          <ul class="object-changes">
            {objects.map((o) => (
              <li class={o.op === "+" ? "add" : o.op === "-" ? "del" : undefined}>
                <code>{o.text}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p>Gitops files that change:</p>
      {props.files.map((f) => (
        <details open={props.files.length <= 3}>
          <summary>
            <code>{f.path}</code> <span class="muted">{f.change}</span>
          </summary>
          <pre class="diff" tabIndex={0}>
            {f.diff.split("\n").map((line) => (
              <span class={lineClass(line)}>
                {line}
                {"\n"}
              </span>
            ))}
          </pre>
        </details>
      ))}
    </div>
  );
}

export function RollbackConfirm(p: RollbackProps): VNode {
  const b = base(p.env, p.app);
  const v = p.target.version;
  return (
    <Layout title={`Roll back ${p.app}`} viewer={p.viewer} section="envs">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/">Environments</a> / <a href={`/envs/${encodeURIComponent(p.env)}`}>{p.env}</a> /{" "}
        <a href={b}>{p.app}</a> / roll back
      </nav>
      <h1>
        Roll back {p.app} in {p.env}?
      </h1>
      <div class="card">
        <p>
          {p.app} goes back to <Sha sha={v?.sha} url={v?.url} /> <em>{firstLine(v?.message)}</em>, released{" "}
          <Time t={p.target.created} now={p.now} /> by {p.target.triggeredBy || "policy"} (gitops commit{" "}
          <code>{p.target.gitopsRef.slice(0, 8)}</code>).
        </p>
        {p.current ? (
          <p>
            It now runs <Sha sha={p.current.version?.sha} /> <em>{firstLine(p.current.version?.message)}</em>.
          </p>
        ) : null}
        {p.reverted.length ? (
          <>
            <p>These releases are reverted in the gitops repo and marked rolled back:</p>
            <ul>
              {p.reverted.map((r) => (
                <li>
                  <code>{r.gitopsRef.slice(0, 8)}</code> <Sha sha={r.version?.sha} /> {firstLine(r.version?.message)} (
                  <Time t={r.created} now={p.now} />)
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {p.previewError ? (
          <ErrorBox message={p.previewError} />
        ) : p.files ? (
          <FileDiffs files={p.files} summary={p.summary} />
        ) : null}
        <form method="post" action={`${b}/rollback`} class="actions">
          <Csrf viewer={p.viewer} />
          <input type="hidden" name="to" value={p.target.gitopsRef} />
          {p.previewError ? null : (
            <button type="submit" id="confirm-rollback">
              Roll back
            </button>
          )}
          <a href={b}>Cancel</a>
        </form>
      </div>
    </Layout>
  );
}
