/**
 * Deploying a commit from its repository page: the confirmation with the diff the release would
 * write (`/repos/deploy`), then the page that follows the queued release live through the queue,
 * its gitops commit and Flux's word, to "applied" (`/repos/OWNER/NAME/deploys/ID`).
 */
import type { VNode } from "preact";
import type { FollowedRelease } from "../../core/views.ts";
import { appPath, Badge, ErrorBox, Sha, Time } from "./bits.tsx";
import { FileDiffs } from "./rollback.tsx";
import { Csrf, Layout, refetchOn, type Viewer } from "./layout.tsx";
import { fluxLabel } from "./model.ts";
import { repoPath } from "./repos.tsx";

export interface DeployProps {
  viewer: Viewer;
  artifact: { id: string; repo: string; sha: string; message: string; author: string; url: string };
  env: string;
  app: string;
  files?: { path: string; change: string; diff: string }[];
  /** One line per changed object, shown before the file diffs. */
  summary?: { op: string; text: string }[];
  previewError?: string;
}

const firstLine = (s: string) => s.split("\n")[0] ?? "";

/** Deploy a commit: first what the gitops repo would get, then the post that queues it. */
export function DeployConfirm(p: DeployProps): VNode {
  const a = p.artifact;
  return (
    <Layout title={`Deploy to ${p.env}`} viewer={p.viewer} section="repos">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/repos">Repositories</a> / <a href={repoPath(a.repo)}>{a.repo}</a> / deploy
      </nav>
      <h1>
        Deploy {p.app} to {p.env}?
      </h1>
      <div class="card">
        <p>
          {a.repo} <Sha sha={a.sha} url={a.url} /> <em>{firstLine(a.message)}</em>
          {a.author ? ` by ${a.author}` : ""}
        </p>
        {p.previewError ? (
          <ErrorBox message={p.previewError} />
        ) : p.files ? (
          <FileDiffs files={p.files} summary={p.summary} />
        ) : null}
        <form method="post" action="/repos/deploy" class="actions">
          <Csrf viewer={p.viewer} />
          <input type="hidden" name="artifact" value={a.id} />
          <input type="hidden" name="env" value={p.env} />
          <input type="hidden" name="app" value={p.app} />
          {p.previewError ? null : (
            <button type="submit" id="confirm-deploy">
              Deploy
            </button>
          )}
          <a href={repoPath(a.repo)}>Cancel</a>
        </form>
      </div>
    </Layout>
  );
}

/** A release request as the follow page shows it. */
export type FollowView = FollowedRelease;

type Kind = "ok" | "bad" | "warn" | "info";

/** Where the release stands as one word: "applied" only once Flux applied every commit it made. */
export function releaseStage(r: FollowView): { label: string; kind: Kind } {
  if (r.status === "error") return { label: "failed", kind: "bad" };
  if (r.status === "new") return { label: "queued", kind: "warn" };
  if (r.status !== "processed") return { label: "writing", kind: "warn" };
  if (r.results.some((x) => x.status === "failure" || fluxLabel(x.flux, x.fluxDesc) === "failed")) {
    return { label: "failed", kind: "bad" };
  }
  const written = r.results.filter((x) => x.hash);
  if (!written.length) return { label: "nothing to change", kind: "info" };
  if (written.every((x) => fluxLabel(x.flux, x.fluxDesc) === "applied")) return { label: "applied", kind: "ok" };
  return { label: written.some((x) => x.flux) ? "applying" : "committed", kind: "warn" };
}

export const followPath = (r: { id: string; artifact?: { repo: string } }, repo = r.artifact?.repo ?? "") =>
  `${repoPath(repo)}/deploys/${encodeURIComponent(r.id)}`;

/** The release's steps; the element refetches itself on the page's stream until the page is left. */
export function ReleaseProgress(p: { release: FollowView; repo: string; now: number }): VNode {
  const r = p.release;
  const stage = releaseStage(r);
  const queue: { label: string; kind: Kind } =
    r.status === "new"
      ? { label: "waiting in the queue", kind: "warn" }
      : r.status === "processing"
        ? { label: "writing the gitops commit", kind: "warn" }
        : r.status === "error"
          ? { label: `failed: ${r.statusDesc || "see the activity page"}`, kind: "bad" }
          : { label: "processed", kind: "ok" };
  return (
    <section
      id="release-progress"
      class="card"
      aria-live="polite"
      {...refetchOn("app-changed", `${followPath(r, p.repo)}/progress`)}
    >
      <h2>
        Release <Badge kind={stage.kind}>{stage.label}</Badge>
      </h2>
      <ol class="timeline" aria-label="Steps">
        <li class="t-ok">
          requested <Time t={r.created} now={p.now} /> by {r.triggeredBy}
        </li>
        <li class={`t-${queue.kind}`}>{queue.label}</li>
      </ol>
      {r.results.map((x) => {
        const flux = fluxLabel(x.flux, x.fluxDesc);
        const fluxKind: Kind = flux === "applied" ? "ok" : flux === "failed" ? "bad" : "warn";
        return (
          <div class="result" id={`result-${x.env}-${x.app}`}>
            <h3>
              <a href={appPath(x.env, x.app)}>
                {x.env}/{x.app}
              </a>
            </h3>
            <ol class="timeline" aria-label={`Steps in ${x.env}/${x.app}`}>
              {x.hash ? (
                <li class="t-ok">
                  gitops commit <code title={x.hash}>{x.hash.slice(0, 8)}</code>
                </li>
              ) : (
                <li class={x.status === "failure" ? "t-bad" : ""}>
                  {x.status === "failure" ? "failed" : "no commit"}
                  {x.statusDesc ? `: ${x.statusDesc}` : ""}
                </li>
              )}
              {x.hash ? (
                <li class={`t-${fluxKind}`} title={x.fluxDesc || undefined}>
                  {flux ? `Flux ${flux}` : "waiting for Flux"}
                  {x.fluxAt ? (
                    <>
                      {" "}
                      <Time t={x.fluxAt} now={p.now} />
                    </>
                  ) : null}
                </li>
              ) : null}
            </ol>
            {x.hash ? (
              <p class="small">
                <a href={`${appPath(x.env, x.app)}#release-${x.hash.slice(0, 12)}`}>Timeline in the app's history</a>
              </p>
            ) : null}
          </div>
        );
      })}
      {r.status === "processed" && !r.results.length ? <p class="muted">The release wrote nothing.</p> : null}
    </section>
  );
}

export function ReleaseFollowPage(p: {
  viewer: Viewer;
  now: number;
  repo: string;
  release: FollowView;
  notice?: string;
}): VNode {
  const r = p.release;
  const live = `/ui/events?topic=app&env=${encodeURIComponent(r.env)}&app=${encodeURIComponent(r.app)}`;
  const a = r.artifact;
  return (
    <Layout title={`Deploying ${r.app} to ${r.env}`} viewer={p.viewer} section="repos" live={live} notice={p.notice}>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/repos">Repositories</a> / <a href={repoPath(p.repo)}>{p.repo}</a> / deploy
      </nav>
      <h1>
        Deploying {r.app} to {r.env}
      </h1>
      {a ? (
        <p>
          <Sha sha={a.sha} url={a.url} /> <em>{firstLine(a.message)}</em>
        </p>
      ) : null}
      <ReleaseProgress release={r} repo={p.repo} now={p.now} />
      <noscript>
        <p class="muted small">Reload the page to see the next step.</p>
      </noscript>
      <p class="small">
        <a href={appPath(r.env, r.app)}>
          {r.app} in {r.env}
        </a>{" "}
        · <a href={`/activity?env=${encodeURIComponent(r.env)}&app=${encodeURIComponent(r.app)}`}>Activity</a> · id{" "}
        <code>{r.id}</code>
      </p>
    </Layout>
  );
}
