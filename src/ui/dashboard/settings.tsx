/**
 * Settings (`/settings`): users and their tokens, envs, the agent install command, notifications
 * (read-only, secrets never in the props). Admins change things, deletions behind a confirmation
 * page (settings-delete.tsx); users read.
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
  /** What gimlet serve notifies, as the server summarised it: no token, no webhook path. */
  notifications?: NotificationsView;
}

export interface NotificationsView {
  provider: string;
  /** Scheme and host only, "" for the provider's public API. */
  target: string;
  tokenSet: boolean;
  defaultChannel: string;
  channels: { env: string; channel: string }[];
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

/** Why a user cannot be deleted from here, or "" when it can (ops.deleteUser enforces the same). */
export function undeletable(u: SettingsUser, viewer: Viewer, users: SettingsUser[]): string {
  if (u.login === viewer.login) return "you";
  if (u.role === "admin" && users.filter((x) => x.role === "admin").length <= 1) return "last admin";
  return "";
}

function UserRow(props: { u: SettingsUser; viewer: Viewer; now: number; why: string }): VNode {
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
        </form>{" "}
        {props.why ? (
          <span class="muted small">({props.why}: not deletable here)</span>
        ) : (
          <a class="danger small" href={`/settings/users/${login}/delete`} aria-label={`Delete user ${u.login}`}>
            Delete…
          </a>
        )}
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
                <UserRow u={u} viewer={p.viewer} now={p.now} why={undeletable(u, p.viewer, p.users)} />
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
                {e.builtin ? <Badge kind="info">hosted</Badge> : <code>{e.repoUrl}</code>}{" "}
                {p.isAdmin ? (
                  <a
                    class="danger small"
                    href={`/settings/envs/${encodeURIComponent(e.name)}/delete`}
                    aria-label={`Delete environment ${e.name}`}
                  >
                    Delete…
                  </a>
                ) : null}
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
      <Notifications n={p.notifications} />
    </Layout>
  );
}

const providerNames: Record<string, string> = { slack: "Slack", discord: "Discord", webhook: "Webhook" };

/** Read-only: what gimlet serve was started with (GIMLET_NOTIFICATIONS_*). */
export function Notifications(props: { n?: NotificationsView }): VNode {
  const n = props.n;
  return (
    <section class="card" id="notifications">
      <h2>Notifications</h2>
      {n ? (
        <>
          <dl class="facts">
            <dt>Sent to</dt>
            <dd>
              <Badge kind="info">{providerNames[n.provider] ?? n.provider}</Badge>{" "}
              {n.target ? <code>{n.target}</code> : <span class="muted">the provider's API</span>}
            </dd>
            {n.provider !== "webhook" ? (
              <>
                <dt>Token</dt>
                <dd>{n.tokenSet ? "set (not shown)" : <Badge kind="bad">missing</Badge>}</dd>
              </>
            ) : null}
            <dt>Default channel</dt>
            <dd>{n.defaultChannel ? <code>{n.defaultChannel}</code> : <span class="muted">none</span>}</dd>
          </dl>
          {n.channels.length ? (
            <table class="channels">
              <thead>
                <tr>
                  <th scope="col">Env</th>
                  <th scope="col">Channel</th>
                </tr>
              </thead>
              <tbody>
                {n.channels.map((m) => (
                  <tr>
                    <td>{m.env}</td>
                    <td>
                      <code>{m.channel}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="muted small">Every env goes to the default channel.</p>
          )}
        </>
      ) : (
        <p class="muted">No notifications are configured.</p>
      )}
      <p class="muted small">
        Read-only here: set with gimlet serve's environment (GIMLET_NOTIFICATIONS_PROVIDER, _TOKEN, _URL,
        _DEFAULT_CHANNEL, _CHANNEL_MAPPING such as staging=#deploys,prod=#prod) and restart it.
      </p>
    </section>
  );
}
