/** Environments (`/`): each env's repo, agent, app health and Flux state, and what to do next. */
import type { VNode } from "preact";
import type { EnvStateView } from "../../core/agent/view.ts";
import { Badge, Command, Empty, Time } from "./bits.tsx";
import { Csrf, Layout, refetchOn, type Viewer } from "./layout.tsx";
import { envKustomization, healthCounts, revisionSha } from "./model.ts";

export interface EnvSummary {
  name: string;
  repoUrl: string;
  builtin: boolean;
  branch: string;
  created: number;
  live?: EnvStateView;
}

export interface EnvsProps {
  viewer: Viewer;
  envs: EnvSummary[];
  now: number;
  /** The URL clusters reach this server at, for the commands shown. */
  serverUrl: string;
  /** The server's data dir: `env bootstrap` works on it directly, so its command names it. */
  local?: string;
  canCreate: boolean;
  notice?: string;
}

/**
 * What to run next for an env without Flux or agent. `local` names the server's state for commands
 * that work on it directly (`--data-dir D`, plus `--database …` on a shared database).
 */
export function nextSteps(e: EnvSummary, serverUrl: string, local = "--data-dir DATA_DIR"): string[] {
  const steps: string[] = [];
  const hasFlux = !!e.live?.state.flux.length;
  if (!hasFlux) {
    steps.push(
      e.builtin
        ? `gimlet env bootstrap ${e.name} --host ${serverUrl} ${local}`
        : `gimlet gitops bootstrap --env ${e.name} --gitops-repo-url ${e.repoUrl || "REPO_URL"} --server ${serverUrl}`,
    );
  }
  if (!e.live?.agent.connected && !e.live?.updated) {
    steps.push(
      `gimlet user create agent-${e.name} --role agent --env ${e.name}`,
      `gimlet agent manifests --env ${e.name} --server ${serverUrl} --token AGENT_TOKEN | kubectl apply -f -`,
    );
  }
  return steps;
}

function Agent(props: { live?: EnvStateView; now: number }): VNode {
  const a = props.live?.agent;
  if (a?.connected) return <Badge kind="ok">agent online</Badge>;
  return (
    <span>
      <Badge kind="warn">agent offline</Badge>{" "}
      {a?.lastSeen ? (
        <span class="muted">
          last seen <Time t={a.lastSeen} now={props.now} />
        </span>
      ) : (
        <span class="muted">never connected</span>
      )}
    </span>
  );
}

export function EnvCard(props: { env: EnvSummary; now: number; serverUrl: string; local?: string }): VNode {
  const e = props.env;
  const counts = healthCounts(e.live?.state.apps ?? []);
  const ks = envKustomization(e.live?.state.flux ?? [], e.name);
  const steps = nextSteps(e, props.serverUrl, props.local);
  return (
    <section class="card" id={`env-${e.name}`} aria-labelledby={`env-${e.name}-h`}>
      <h2 id={`env-${e.name}-h`}>
        <a href={`/envs/${encodeURIComponent(e.name)}`}>{e.name}</a>
      </h2>
      <dl class="facts">
        <dt>Gitops repo</dt>
        <dd>
          {e.builtin ? <Badge kind="info">hosted</Badge> : <code>{e.repoUrl}</code>}{" "}
          <span class="muted">{e.branch}</span>
        </dd>
        <dt>Agent</dt>
        <dd>
          <Agent live={e.live} now={props.now} />
          {e.live?.stale && e.live.updated ? (
            <span class="muted">
              {" "}
              · state from <Time t={e.live.updated} now={props.now} />
            </span>
          ) : null}
        </dd>
        <dt>Apps</dt>
        <dd class="counts">
          <Badge kind="ok">{counts.healthy} healthy</Badge> <Badge kind="warn">{counts.progressing} progressing</Badge>{" "}
          <Badge kind={counts.failing ? "bad" : "info"}>{counts.failing} failing</Badge>
        </dd>
        <dt>Flux</dt>
        <dd>
          {ks ? (
            <span>
              <Badge kind={ks.ready === "True" ? "ok" : ks.ready === "False" ? "bad" : "warn"}>
                {ks.ready === "True" ? "ready" : ks.ready === "False" ? "not ready" : "unknown"}
              </Badge>{" "}
              applied <code>{revisionSha(ks.appliedRevision)?.slice(0, 8) ?? "—"}</code>
              {ks.message ? <span class="muted"> · {ks.message}</span> : null}
            </span>
          ) : (
            <span class="muted">no Kustomization reported</span>
          )}
        </dd>
      </dl>
      {steps.length ? (
        <details class="next" open={!e.live?.updated}>
          <summary>Next steps</summary>
          <Command>{steps.join("\n")}</Command>
        </details>
      ) : null}
    </section>
  );
}

export function EnvCards(props: { envs: EnvSummary[]; now: number; serverUrl: string; local?: string }): VNode {
  return (
    <div id="env-cards" class="cards" {...refetchOn("envs-changed", "/fragments/envs")}>
      {props.envs.map((e) => (
        <EnvCard env={e} now={props.now} serverUrl={props.serverUrl} local={props.local} />
      ))}
    </div>
  );
}

export function CreateEnvForm(props: { viewer: Viewer }): VNode {
  return (
    <form class="panel inline-form" method="post" action="/settings/envs">
      <Csrf viewer={props.viewer} />
      <label for="env-name">New environment</label>
      <input id="env-name" type="text" name="name" required pattern="[a-z0-9][a-z0-9-]*" placeholder="staging" />
      <label class="check">
        <input type="radio" name="kind" value="builtin" checked /> hosted gitops repo
      </label>
      <label class="check">
        <input type="radio" name="kind" value="remote" /> remote repo:
      </label>
      <input type="text" name="repoUrl" placeholder="https://github.com/acme/gitops.git" aria-label="Remote repo URL" />
      <input type="password" name="repoToken" placeholder="token for the remote repo" aria-label="Remote repo token" />
      <button type="submit">Create</button>
    </form>
  );
}

export function EnvsPage(p: EnvsProps): VNode {
  return (
    <Layout title="Environments" viewer={p.viewer} section="envs" live="/ui/events?topic=envs" notice={p.notice}>
      <h1>Environments</h1>
      {p.envs.length ? (
        <EnvCards envs={p.envs} now={p.now} serverUrl={p.serverUrl} local={p.local} />
      ) : (
        <Empty title="No environments yet.">
          <p>Create one here, or from a shell:</p>
          <Command>{"gimlet env create staging --builtin"}</Command>
        </Empty>
      )}
      {p.canCreate ? <CreateEnvForm viewer={p.viewer} /> : null}
    </Layout>
  );
}
