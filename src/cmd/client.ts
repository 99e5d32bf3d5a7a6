/** HTTP client of the release manager for CLI commands: `--server`/GIMLET_SERVER, `--token`/GIMLET_TOKEN. */
import { UserError } from "../core/errors.ts";

export const serverFlags = {
  server: { type: "string", description: "gimlet serve URL (env GIMLET_SERVER)", valueHint: "URL" },
  token: { type: "string", description: "API token (env GIMLET_TOKEN)", valueHint: "TOKEN" },
} as const;

export interface Client {
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** A GET whose body the caller reads as it arrives (the SSE event stream); any status is returned. */
  stream?(path: string, init?: { headers?: Record<string, string>; signal?: AbortSignal }): Promise<Response>;
}

export function client(args: { server?: string; token?: string }): Client {
  const server = args.server ?? process.env.GIMLET_SERVER;
  const token = args.token ?? process.env.GIMLET_TOKEN;
  if (!server) throw new UserError("no server given", { path: "--server", hint: "pass --server or set GIMLET_SERVER" });
  if (!token) throw new UserError("no token given", { path: "--token", hint: "pass --token or set GIMLET_TOKEN" });
  return {
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      let res: Response;
      try {
        res = await fetch(`${server.replace(/\/+$/, "")}${path}`, {
          method,
          headers: {
            Authorization: `Bearer ${token}`,
            ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (e) {
        throw new UserError(`cannot reach ${server}: ${(e as Error).message}`, {
          hint: "is gimlet serve running there?",
        });
      }
      const text = await res.text();
      let data: unknown;
      try {
        data = text ? JSON.parse(text) : undefined;
      } catch {
        data = text;
      }
      if (!res.ok)
        throw new UserError(`${method} ${path}: HTTP ${res.status}: ${(data as { error?: string })?.error ?? text}`);
      return data as T;
    },
    async stream(path, init = {}) {
      try {
        const headers = { Authorization: `Bearer ${token}`, Accept: "text/event-stream", ...init.headers };
        return await fetch(`${server.replace(/\/+$/, "")}${path}`, { headers, signal: init.signal });
      } catch (e) {
        const hint = "is gimlet serve running there?";
        throw new UserError(`cannot reach ${server}: ${(e as Error).message}`, { hint });
      }
    },
  };
}
