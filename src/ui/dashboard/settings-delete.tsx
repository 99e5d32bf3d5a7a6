/**
 * The confirmations before an admin deletes something from Settings: each page says exactly what
 * goes (and what stays), then posts with the CSRF token. Deleting an env also asks for its name
 * typed out, which the server checks: a stray click or a replayed form cannot delete one.
 */
import type { ComponentChildren, VNode } from "preact";
import type { EnvDeletionPlan } from "../../core/views.ts";
import { Badge, Command } from "./bits.tsx";
import { Csrf, Layout, type Viewer } from "./layout.tsx";

/** Every confirmation's frame: a way back to Settings, the question, then one card. */
function ConfirmPage(p: { viewer: Viewer; name: string; what: string; children: ComponentChildren }): VNode {
  return (
    <Layout title={`Delete ${p.name}`} viewer={p.viewer} section="settings">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/settings">Settings</a> / delete {p.what}
      </nav>
      <h1>
        Delete {p.what} {p.name}?
      </h1>
      <div class="card">{p.children}</div>
    </Layout>
  );
}

function ConfirmButtons(p: { name: string }): VNode {
  return (
    <>
      <button type="submit" class="danger" id="confirm-delete">
        Delete {p.name}
      </button>
      <a href="/settings">Cancel</a>
    </>
  );
}

export interface UserDeleteProps {
  viewer: Viewer;
  user: { login: string; role: string; env: string; tokens: number };
}

export function UserDeleteConfirm(p: UserDeleteProps): VNode {
  const u = p.user;
  return (
    <ConfirmPage viewer={p.viewer} name={u.login} what="user">
      <p>
        <strong>{u.login}</strong> <Badge kind="info">{u.role}</Badge>
        {u.env ? <span class="muted"> bound to env {u.env}</span> : null} is deleted with{" "}
        {u.tokens === 1 ? "its token" : `its ${u.tokens} tokens`} and every browser session: CI jobs, agents or Flux
        using them stop at their next request. Releases they made stay in the history.
      </p>
      <form method="post" action={`/settings/users/${encodeURIComponent(u.login)}/delete`} class="actions">
        <Csrf viewer={p.viewer} />
        <ConfirmButtons name={u.login} />
      </form>
    </ConfirmPage>
  );
}

export interface EnvDeleteProps {
  viewer: Viewer;
  plan: EnvDeletionPlan;
  /** Why the last attempt was refused (the name typed did not match). */
  error?: string;
}

export function EnvDeleteConfirm(p: EnvDeleteProps): VNode {
  const e = p.plan;
  return (
    <ConfirmPage viewer={p.viewer} name={e.env} what="environment">
      {p.error ? (
        <p class="error-box" role="alert">
          {p.error}
        </p>
      ) : null}
      <p>This cannot be undone. Deleting {e.env}:</p>
      <ul>
        {e.builtin ? (
          e.hostedRepos.length ? (
            <li>
              deletes its hosted gitops repos with their whole history, unless you keep them below:
              <ul>
                {e.hostedRepos.map((r) => (
                  <li>
                    <code>{r}</code>
                  </li>
                ))}
              </ul>
            </li>
          ) : (
            <li>finds no hosted repo on disk to delete;</li>
          )
        ) : (
          <li>
            leaves its remote repo <code>{e.repoUrl}</code> as it is (only the server's local clone goes);
          </li>
        )}
        <li>
          deletes the {e.releases} stored release{e.releases === 1 ? "" : "s"} of its history mirror (the activity list
          keeps the requests);
        </li>
        <li>
          {e.users.length ? (
            <>
              deletes the users bound to it, with their tokens: {e.users.join(", ")} (its agent and Flux stop
              reporting);
            </>
          ) : (
            <>deletes no user: none is bound to it;</>
          )}
        </li>
        <li>does not touch the cluster: what Flux applied keeps running until you remove it there.</li>
      </ul>
      <form method="post" action={`/settings/envs/${encodeURIComponent(e.env)}/delete`} class="panel">
        <Csrf viewer={p.viewer} />
        {e.builtin && e.hostedRepos.length ? (
          <p>
            <label class="check">
              <input type="checkbox" name="keepRepo" value="1" />
              {/* One flex item: the label's flex layout would set each text run and the code in its own column. */}
              <span>
                Keep the hosted repos: move them to the data dir's <code>deleted/</code> folder (no longer served)
                instead of deleting them
              </span>
            </label>
          </p>
        ) : null}
        <p>
          <label for="confirm-name">
            Type <strong>{e.env}</strong> to confirm
          </label>{" "}
          <input id="confirm-name" type="text" name="confirm" required autocomplete="off" />
        </p>
        <div class="actions">
          <ConfirmButtons name={e.env} />
        </div>
      </form>
      <p class="muted small">The same from a shell:</p>
      <Command>{`gimlet env delete ${e.env} --yes${e.builtin ? "   # --keep-repo to keep the repos" : ""}`}</Command>
    </ConfirmPage>
  );
}
