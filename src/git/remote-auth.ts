/** Credentials for a gitops remote over https, shared by isomorphic-git's transport and the lean push. */

export interface RemoteAuth {
  token?: string;
  username?: string;
  password?: string;
}

/**
 * Basic-auth user and password: a token goes as the password, under any user name (what GitHub,
 * GitLab and gimlet's hosted repos accept). Undefined when there is nothing to send.
 */
export function basicCredentials(auth: RemoteAuth | undefined): { username: string; password: string } | undefined {
  const password = auth?.password ?? auth?.token;
  if (!password) return undefined;
  return { username: auth?.username ?? "gimlet", password };
}
