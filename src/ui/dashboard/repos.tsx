/** Repositories (`/repos`): commits known from artifacts, and per commit the env/app pairs it deploys to. */
import type { VNode } from "preact";
import { Empty, Command, Sha, Time } from "./bits.tsx";
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
                        <form method="post" action="/repos/deploy" class="inline">
                          <Csrf viewer={p.viewer} />
                          <input type="hidden" name="artifact" value={x.artifactId} />
                          <input type="hidden" name="env" value={t.env} />
                          <input type="hidden" name="app" value={t.app} />
                          <button class="secondary small">
                            Deploy to {t.env}/{t.app}
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
