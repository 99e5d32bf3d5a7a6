/**
 * Request bodies of the git routes, read only after the caller is authenticated (capped-body.ts: a
 * big, a slow or a compressed body holds neither memory nor a request slot for long); refusals are
 * a `BodyError` the route answers as plain text.
 */
import { readCappedBody } from "./capped-body.ts";

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

export function readGitBody(req: Request, limits: BodyLimits): Promise<Uint8Array> {
  return readCappedBody(req, limits, {
    tooLarge: (declared) =>
      new BodyError(
        413,
        declared === undefined
          ? `request body over the limit of ${limits.maxBytes} bytes`
          : `request body of ${declared} bytes is over the limit of ${limits.maxBytes} bytes`,
      ),
    inflatedTooLarge: () => new BodyError(413, `inflated request body over the limit of ${limits.maxInflated} bytes`),
    unsupportedEncoding: (encoding) =>
      new BodyError(415, `unsupported Content-Encoding ${JSON.stringify(encoding)}: send gzip or none`),
    notGzip: (e) => new BodyError(400, `request body is not valid gzip: ${e.message}`),
    unreadable: (e) => new BodyError(400, `request body could not be read: ${e.message}`),
    stalled: (s) => new BodyError(408, `request body stalled: no data for ${s} s`),
    tooSlow: (s) => new BodyError(408, `request body not received within ${s} s`),
  });
}
