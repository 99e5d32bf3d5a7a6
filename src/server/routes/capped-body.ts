/**
 * The one reader of request bodies that must not hold memory or a request slot for long: streamed with
 * a cap on the bytes received and, for `Content-Encoding: gzip`, on the bytes inflated (a plain body
 * is capped at the smaller of the two: it is its own inflated form), optionally with an idle timeout
 * between chunks and a deadline for the whole body. Each caller words its own refusals (git answers
 * plain text, the agent routes JSON errors).
 */
import { concatBytes } from "../../core/bytes.ts";

export interface BodyCaps {
  /** Bytes on the wire. */
  maxBytes: number;
  /** Bytes after gunzip. */
  maxInflated: number;
  /** Longest wait for the next chunk, ms (none when unset). */
  idleMs?: number;
  /** Longest time for the whole body, ms (none when unset). */
  totalMs?: number;
}

/** The errors a caller throws for each refusal. */
export interface BodyWording {
  /** Over the cap on the wire; `declared` when the Content-Length said so before any byte came. */
  tooLarge(declared?: number): Error;
  inflatedTooLarge(): Error;
  unsupportedEncoding(encoding: string): Error;
  /** The gzip stream broke (`cause` says how). */
  notGzip(cause: Error): Error;
  /** A plain body could not be read (the client went away, …). */
  unreadable(cause: Error): Error;
  /** No chunk came within `idleMs` (asked for only when it is set). */
  stalled?(seconds: number): Error;
  /** The whole body did not come within `totalMs` (asked for only when it is set). */
  tooSlow?(seconds: number): Error;
}

/** A refusal in flight through the streams, told apart from the streams' own errors. */
class Refusal {
  constructor(readonly error: Error) {}
}

function counted(body: ReadableStream<Uint8Array>, max: number, over: () => Error): ReadableStream<Uint8Array> {
  let n = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        n += chunk.length;
        if (n > max) controller.error(new Refusal(over()));
        else controller.enqueue(chunk);
      },
    }),
  );
}

export async function readCappedBody(req: Request, caps: BodyCaps, say: BodyWording): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > caps.maxBytes) throw say.tooLarge(declared);
  if (!req.body) return new Uint8Array();
  const encoding = (req.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip" && encoding !== "x-gzip") {
    throw say.unsupportedEncoding(encoding.slice(0, 40));
  }
  const gzip = encoding !== "identity";
  let stream = counted(req.body, gzip ? caps.maxBytes : Math.min(caps.maxBytes, caps.maxInflated), () =>
    say.tooLarge(),
  );
  if (gzip) {
    const inflate = new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>;
    stream = counted(stream.pipeThrough(inflate), caps.maxInflated, () => say.inflatedTooLarge());
  }
  const reader = stream.getReader();
  const deadline = caps.totalMs === undefined ? Infinity : Date.now() + caps.totalMs;
  const parts: Uint8Array[] = [];
  try {
    for (;;) {
      const r = await readWithin(reader, Math.min(caps.idleMs ?? Infinity, deadline - Date.now()), caps, say);
      if (r.done || !r.value) break;
      parts.push(r.value);
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    if (e instanceof Refusal) throw e.error;
    throw gzip ? say.notGzip(e as Error) : say.unreadable(e as Error);
  }
  return concatBytes(parts);
}

async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  wait: number,
  caps: BodyCaps,
  say: BodyWording,
): Promise<{ done?: boolean; value?: Uint8Array }> {
  if (wait === Infinity) return reader.read();
  if (wait <= 0) throw new Refusal(timedOut(say.tooSlow, (caps.totalMs ?? 0) / 1000));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Refusal(timedOut(say.stalled, wait / 1000))), wait);
  });
  try {
    return await Promise.race([reader.read(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function timedOut(word: ((seconds: number) => Error) | undefined, seconds: number): Error {
  return word?.(seconds) ?? new Error(`request body timed out after ${seconds} s`);
}
