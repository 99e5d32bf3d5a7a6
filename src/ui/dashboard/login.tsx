/** Sign in: a password form and an API-token form, both posting to /login. */
import type { VNode } from "preact";
import { ErrorBox } from "./bits.tsx";
import { Layout } from "./layout.tsx";

export interface LoginProps {
  /** The login form's CSRF token (a cookie holds the same value). */
  csrf: string;
  next: string;
  error?: string;
  login?: string;
  notice?: string;
}

export function LoginPage(p: LoginProps): VNode {
  return (
    <Layout title="Sign in" notice={p.notice}>
      <div class="login">
        <h1>Sign in to gimlet</h1>
        {p.error ? <ErrorBox message={p.error} /> : null}
        <form method="post" action="/login" class="card">
          <input type="hidden" name="_csrf" value={p.csrf} />
          <input type="hidden" name="next" value={p.next} />
          <label for="login">User</label>
          <input id="login" type="text" name="login" autocomplete="username" value={p.login ?? ""} required />
          <label for="password">Password</label>
          <input id="password" type="password" name="password" autocomplete="current-password" required />
          <button type="submit">Sign in</button>
        </form>
        <form method="post" action="/login" class="card">
          <input type="hidden" name="_csrf" value={p.csrf} />
          <input type="hidden" name="next" value={p.next} />
          <label for="token">Or an API token</label>
          <input id="token" type="password" name="token" autocomplete="off" required placeholder="glt_…" />
          <button type="submit" class="secondary">
            Sign in with token
          </button>
        </form>
        <p class="muted small">
          No password yet? <code>echo -n PASSWORD | gimlet user password LOGIN --password-stdin --data-dir DIR</code>
        </p>
      </div>
    </Layout>
  );
}

export function ErrorPage(p: { status: number; message: string; signedIn: boolean }): VNode {
  return (
    <Layout title={`Error ${p.status}`}>
      <ErrorBox message={p.message} status={p.status} />
      <p>
        <a href="/">Back to environments</a>
        {p.signedIn ? null : (
          <>
            {" "}
            · <a href="/login">Sign in</a>
          </>
        )}
      </p>
    </Layout>
  );
}
