/**
 * Settings (`/settings`): users and their tokens, envs, the agent install command. Admins change
 * things; users read.
 */
import type { VNode } from "preact";
import { Badge, Command, Time } from "./bits.tsx";
import { CreateEnvForm } from "./envs.tsx";
import { Csrf, Layout, type Viewer } from "./layout.tsx";

export interface SettingsUser {
  login: string;
  role: string;
  env: string;
  created: number;
  tokens: { id: number; created: number; lastUsed: number }[];
}

export interface SettingsProps {
  viewer: Viewer;
  now: number;
  /** Empty for a viewer who may not manage users. */
  users: SettingsUser[];
  envs: { name: string; builtin: boolean; repoUrl: string }[];
  serverUrl: string;
  isAdmin: boolean;
  notice?: string;
  /** A token just issued: shown this once, never again. */
  newToken?: { login: string; token: string };
}

const agentInstall = (env: string, server: string) =>
  `gimlet user create agent-${env} --role agent --env ${env}\n` +
  `gimlet agent manifests --env ${env} --server ${server} --token AGENT_TOKEN | kubectl apply -f -`;

export function TokenOnce(props: { login: string; token: string }): VNode {
  return (
    <div class="card token-once" role="status">
      <p>
        <strong>New token for {props.login}.</strong> Copy it now: it is shown only this once.
      </p>
      <Command>{props.token}</Command>
    </div>
  );
}

function UserRow(props: { u: SettingsUser; viewer: Viewer; now: number }): VNode {
  const u = props.u;
  const login = encodeURIComponent(u.login);
  return (
    <tr id={`user-${u.login}`}>
      <td data-label="User">
        <strong>{u.login}</strong>
      </td>
      <td data-label="Role">
        <Badge kind="info">{u.role}</Badge> {u.env ? <span class="muted">env {u.env}</span> : null}
      </td>
      <td data-label="Tokens">
        {u.tokens.length ? (
          <ul class="tokens">
            {u.tokens.map((t) => (
              <li>
                #{t.id} created <Time t={t.created} now={props.now} />, used{" "}
                {t.lastUsed ? <Time t={t.lastUsed} now={props.now} /> : "never"}{" "}
                <form method="post" action={`/settings/tokens/${t.id}/revoke`} class="inline">
                  <Csrf viewer={props.viewer} />
                  <button type="submit" class="link danger" aria-label={`Revoke token ${t.id} of ${u.login}`}>
                    revoke
                  </button>
                </form>
              </li>
            ))}
          </ul>
        ) : (
          <span class="muted">none</span>
        )}
      </td>
      <td data-label="Actions">
        <form method="post" action={`/settings/users/${login}/token`} class="inline">
          <Csrf viewer={props.viewer} />
          <button type="submit" class="secondary small">
            New token
          </button>
        </form>
      </td>
    </tr>
  );
}

export function SettingsPage(p: SettingsProps): VNode {
  return (
    <Layout title="Settings" viewer={p.viewer} section="settings" notice={p.notice}>
      <h1>Settings</h1>
      {p.newToken ? <TokenOnce login={p.newToken.login} token={p.newToken.token} /> : null}
      <section class="card">
        <h2>Your session</h2>
        <p>
          Signed in as <strong>{p.viewer.login}</strong> ({p.viewer.role}).
        </p>
        <form method="post" action="/settings/sessions/revoke" class="inline">
          <Csrf viewer={p.viewer} />
          <button type="submit" class="secondary">
            Sign out everywhere
          </button>
        </form>
        <p class="muted small">For the CLI:</p>
        <Command>
          {`export GIMLET_SERVER=${p.serverUrl}\n` +
            `export GIMLET_TOKEN=...   # a token from gimlet user token ${p.viewer.login}`}
        </Command>
      </section>
      {p.isAdmin ? (
        <section class="card">
          <h2>Users and tokens</h2>
          <table class="users">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Tokens</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {p.users.map((u) => (
                <UserRow u={u} viewer={p.viewer} now={p.now} />
              ))}
            </tbody>
          </table>
          <form method="post" action="/settings/users" class="inline-form">
            <Csrf viewer={p.viewer} />
            <label for="new-login">New user</label>
            <input id="new-login" type="text" name="login" required placeholder="login" />
            <label for="new-role" class="sr-only">
              Role
            </label>
            <select id="new-role" name="role">
              <option value="user">user</option>
              <option value="admin">admin</option>
              <option value="flux">flux</option>
              <option value="agent">agent</option>
            </select>
            <label for="new-env" class="sr-only">
              Env
            </label>
            <input id="new-env" type="text" name="env" placeholder="env (agent, flux)" />
            <label for="new-password" class="sr-only">
              Password
            </label>
            <input
              id="new-password"
              type="password"
              name="password"
              placeholder="password (optional)"
              autocomplete="new-password"
            />
            <button type="submit">Create user</button>
          </form>
        </section>
      ) : null}
      <section class="card">
        <h2>Environments</h2>
        {p.envs.length ? (
          <ul>
            {p.envs.map((e) => (
              <li>
                <a href={`/envs/${encodeURIComponent(e.name)}`}>{e.name}</a>{" "}
                {e.builtin ? <Badge kind="info">hosted</Badge> : <code>{e.repoUrl}</code>}
                <details>
                  <summary>Install the agent</summary>
                  <Command>{agentInstall(e.name, p.serverUrl)}</Command>
                </details>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">No environments yet.</p>
        )}
        {p.isAdmin ? <CreateEnvForm viewer={p.viewer} /> : null}
      </section>
      <section class="card">
        <h2>Notifications</h2>
        <p class="muted">
          Configured with gimlet serve's flags and environment (Slack, Discord, webhooks); read-only here.
        </p>
      </section>
    </Layout>
  );
}
