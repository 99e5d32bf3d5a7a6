/**
 * App (`/envs/ENV/apps/APP`): workload and pods from the live state, restart, describe-like details
 * and Flux reconcile through the agent, and the release history (history.tsx) whose "roll back to
 * this" leads to a confirmation page (rollback.tsx).
 */
import type { VNode } from "preact";
import type { AppState } from "../../core/agent/state.ts";
import type { EnvStateView } from "../../core/agent/view.ts";
import { appPath, Badge, HealthBadge, Time, tone } from "./bits.tsx";
import { ActionForm, FluxCard } from "./details.tsx";
import { StaleBanner } from "./env.tsx";
import { History, type ReleaseEntry, rolloutOf } from "./history.tsx";
import { Csrf, Layout, refetchOn, type Viewer } from "./layout.tsx";
import { containersOf, LogsForm } from "./logs.tsx";
import { appHealth, podHealth, seconds } from "./model.ts";

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
  const details = props.canDetails && props.live?.agent.connected ? `${appPath(props.env, props.app)}/details` : "";
  const url = `${appPath(props.env, props.app)}/live`;
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
        <form method="post" action={`${appPath(props.env, props.app)}/restart`} class="inline">
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
