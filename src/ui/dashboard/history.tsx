/** An app's release history, with "roll back to this" on each earlier release. */
import type { VNode } from "preact";
import type { AppState } from "../../core/agent/state.ts";
import type { Version } from "../../core/gitops/release.ts";
import type { TimelineStep } from "../../core/release/timeline.ts";
import { appPath, Badge, Empty, Sha, Time, tone, query } from "./bits.tsx";
import { refetchOn } from "./layout.tsx";
import { fluxLabel } from "./model.ts";
import { Timeline } from "./timeline.tsx";

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
  const b = appPath(props.env, props.app);
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
