/** Repositories (`/repos`): commits known from artifacts, and per commit the env/app pairs it deploys to. */
import type { VNode } from "preact";
import { FileDiffs } from "./app.tsx";
import { Empty, Command, ErrorBox, Sha, Time } from "./bits.tsx";
import { Csrf, Layout, type Viewer } from "./layout.tsx";

export interface RepoView {
  name: string;
  commits: {
    sha: string;
    message: string;
    author: string;
    branch: string;
    created: number;
    url: string;
    artifactId: string;
    targets: { env: string; app: string }[];
  }[];
}

export function ReposPage(p: { viewer: Viewer; now: number; repos: RepoView[]; canDeploy: boolean }): VNode {
  return (
    <Layout title="Repositories" viewer={p.viewer} section="repos">
      <h1>Repositories</h1>
      {p.repos.length ? (
        p.repos.map((r) => (
          <section class="card" id={`repo-${r.name}`}>
            <h2>{r.name}</h2>
            <ol class="releases">
              {r.commits.map((x) => (
                <li>
                  <div class="rel-head">
                    <Sha sha={x.sha} url={x.url} /> <span class="msg">{x.message.split("\n")[0]}</span>
                  </div>
                  <div class="muted small">
                    {x.author ? `${x.author} · ` : ""}
                    {x.branch} · <Time t={x.created} now={p.now} />
                  </div>
                  {p.canDeploy && x.targets.length ? (
                    <div class="rel-head">
                      {x.targets.map((t) => (
                        <form method="get" action="/repos/deploy" class="inline">
                          <input type="hidden" name="artifact" value={x.artifactId} />
                          <input type="hidden" name="env" value={t.env} />
                          <input type="hidden" name="app" value={t.app} />
                          <button type="submit" class="secondary small">
                            Deploy to {t.env}/{t.app}…
                          </button>
                        </form>
                      ))}
                    </div>
                  ) : null}
                </li>
              ))}
            </ol>
          </section>
        ))
      ) : (
        <Empty title="No artifacts yet.">
          <p>CI pushes an artifact per commit; its repository then shows here:</p>
          <Command>{"gimlet artifact push -f artifact.json"}</Command>
        </Empty>
      )}
    </Layout>
  );
}

export interface DeployProps {
  viewer: Viewer;
  artifact: { id: string; repo: string; sha: string; message: string; author: string; url: string };
  env: string;
  app: string;
  files?: { path: string; change: string; diff: string }[];
  previewError?: string;
}

/** Deploy a commit: first what the gitops repo would get, then the post that queues it. */
export function DeployConfirm(p: DeployProps): VNode {
  const a = p.artifact;
  return (
    <Layout title={`Deploy to ${p.env}`} viewer={p.viewer} section="repos">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/repos">Repositories</a> / {a.repo} / deploy
      </nav>
      <h1>
        Deploy {p.app} to {p.env}?
      </h1>
      <div class="card">
        <p>
          {a.repo} <Sha sha={a.sha} url={a.url} /> <em>{a.message.split("\n")[0]}</em>
          {a.author ? ` by ${a.author}` : ""}
        </p>
        {p.previewError ? <ErrorBox message={p.previewError} /> : p.files ? <FileDiffs files={p.files} /> : null}
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
          <a href="/repos">Cancel</a>
        </form>
      </div>
    </Layout>
  );
}
