/** A small REST client over Bun's fetch: JSON requests, streamed lines, the API server's errors. */
import type { KubeTarget } from "./config.ts";

/** A non-2xx answer; `message` is the API server's own (from its Status object when it sent one). */
export class KubeApiError extends Error {
  override name = "KubeApiError";
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** The Accept header; JSON unless told otherwise (a proxied request may want another type). */
  accept?: string;
  signal?: AbortSignal;
  /** Gives up on a request (not a stream being read) after this long; 0 = never (watches, logs). */
  timeoutMs?: number;
}

export class KubeClient {
  constructor(readonly target: KubeTarget) {}

  url(path: string, query?: RequestOptions["query"]): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    return `${this.target.server}${path}${qs ? `?${qs}` : ""}`;
  }

  /** Sends one request; a non-2xx answer becomes a KubeApiError. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: opts.accept ?? "application/json",
      ...(await this.target.authHeaders()),
    };
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers["Content-Type"] = opts.contentType ?? "application/json";
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    }
    const timeout = opts.timeoutMs ? AbortSignal.timeout(opts.timeoutMs) : undefined;
    const signal = opts.signal && timeout ? AbortSignal.any([opts.signal, timeout]) : (opts.signal ?? timeout);
    const res = await fetch(this.url(path, opts.query), {
      method,
      headers,
      body,
      signal,
      tls: this.target.tls,
      // Streams (watch, logs) may stay open for minutes.
      timeout: false,
    } as RequestInit);
    if (!res.ok) throw await apiError(res, method, path);
    return res;
  }

  /** A whole JSON answer; 60 s unless told otherwise, so a hung server never holds a caller forever. */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, { timeoutMs: 60_000, ...opts });
    return (await res.json()) as T;
  }

  get<T>(path: string, query?: RequestOptions["query"], signal?: AbortSignal): Promise<T> {
    return this.json<T>("GET", path, { query, signal });
  }
}

async function apiError(res: Response, method: string, path: string): Promise<KubeApiError> {
  const text = await res.text().catch(() => "");
  try {
    const s = JSON.parse(text) as { kind?: string; message?: string; reason?: string };
    if (s.kind === "Status" && s.message) return new KubeApiError(res.status, s.message, s.reason);
  } catch {
    // Not a Status object: fall through to the plain text.
  }
  const detail = text.trim().slice(0, 300) || res.statusText;
  return new KubeApiError(res.status, `${method} ${path}: ${res.status} ${detail}`);
}

/** Splits a streamed body into lines without holding more than one partial line. */
export async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buf = "";
  for await (const chunk of body) {
    buf += decoder.decode(chunk, { stream: true });
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      yield line;
    }
  }
  buf += decoder.decode();
  if (buf) yield buf;
}
