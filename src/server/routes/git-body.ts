/**
 * Request bodies of the git routes, read only after the caller is authenticated: streamed with a
 * cap on the bytes received and (for `Content-Encoding: gzip`) on the bytes inflated, an idle
 * timeout between chunks and a deadline for the whole body, so that neither a big, a slow nor a
 * compressed body can hold memory or a request slot for long.
 */

export interface BodyLimits {
  /** Bytes on the wire. */
  maxBytes: number;
  /** Bytes after gunzip. */
  maxInflated: number;
  /** Longest wait for the next chunk, ms. */
  idleMs: number;
  /** Longest time for the whole body, ms. */
  totalMs: number;
}

/** A body refused before it was whole: the status and message the client gets. */
export class BodyError extends Error {
  override name = "BodyError";
  constructor(
    readonly status: 400 | 408 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

function counted(body: ReadableStream<Uint8Array>, max: number, what: string): ReadableStream<Uint8Array> {
  let n = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        n += chunk.length;
        if (n > max) controller.error(new BodyError(413, `${what} over the limit of ${max} bytes`));
        else controller.enqueue(chunk);
      },
    }),
  );
}

export async function readGitBody(req: Request, limits: BodyLimits): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > limits.maxBytes)
    throw new BodyError(413, `request body of ${declared} bytes is over the limit of ${limits.maxBytes} bytes`);
  if (!req.body) return new Uint8Array();
  const encoding = (req.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip" && encoding !== "x-gzip") {
    throw new BodyError(
      415,
      `unsupported Content-Encoding ${JSON.stringify(encoding.slice(0, 40))}: send gzip or none`,
    );
  }
  let stream = counted(req.body, limits.maxBytes, "request body");
  const gzip = encoding !== "identity";
  if (gzip)
    stream = counted(
      stream.pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>),
      limits.maxInflated,
      "inflated request body",
    );
  const reader = stream.getReader();
  const deadline = Date.now() + limits.totalMs;
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const wait = Math.min(limits.idleMs, deadline - Date.now());
      if (wait <= 0) throw new BodyError(408, `request body not received within ${limits.totalMs / 1000} s`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new BodyError(408, `request body stalled: no data for ${wait / 1000} s`)),
          wait,
        );
      });
      let r: { done?: boolean; value?: Uint8Array };
      try {
        r = await Promise.race([reader.read(), timeout]);
      } finally {
        clearTimeout(timer);
      }
      if (r.done || !r.value) break;
      parts.push(r.value);
      size += r.value.length;
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    if (e instanceof BodyError) throw e;
    throw new BodyError(
      400,
      gzip
        ? `request body is not valid gzip: ${(e as Error).message}`
        : `request body could not be read: ${(e as Error).message}`,
    );
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
