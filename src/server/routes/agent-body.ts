/**
 * Request bodies of the agent routes: JSON, usually gzip-compressed (`Content-Encoding: gzip`).
 * Both the bytes on the wire and the inflated bytes are capped while streaming, so neither a big
 * upload nor a gzip bomb is ever held in memory beyond its cap.
 */
import { HTTPException } from "hono/http-exception";
import { UserError } from "../../core/errors.ts";
import { parseJson } from "./util.ts";

export interface BodyLimits {
  /** Bytes on the wire. */
  maxBytes: number;
  /** Bytes after gunzip. */
  maxInflatedBytes: number;
}

const mib = (n: number) =>
  n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MiB` : `${+(n / 1024).toFixed(1)} KiB`;

async function collect(
  stream: ReadableStream<Uint8Array>,
  max: number,
  tooBig: () => Error,
): Promise<Uint8Array<ArrayBuffer>> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of stream) {
    n += chunk.byteLength;
    if (n > max) {
      await stream.cancel().catch(() => {});
      throw tooBig();
    }
    parts.push(chunk);
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.byteLength);
  return out;
}

export async function agentBody(req: Request, lim: BodyLimits): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? "");
  const tooBig = () => new HTTPException(413, { message: `request body larger than ${mib(lim.maxBytes)}` });
  if (declared > lim.maxBytes) throw tooBig();
  const raw = req.body ? await collect(req.body, lim.maxBytes, tooBig) : new Uint8Array();
  const encoding = (req.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  let bytes: Uint8Array;
  if (encoding === "gzip" || encoding === "x-gzip") {
    const inflated = new Blob([raw]).stream().pipeThrough(new DecompressionStream("gzip"));
    const bomb = () =>
      new HTTPException(413, { message: `request body inflates to more than ${mib(lim.maxInflatedBytes)}` });
    try {
      bytes = await collect(inflated, lim.maxInflatedBytes, bomb);
    } catch (e) {
      if (e instanceof HTTPException) throw e;
      throw new UserError(`the request body is not valid gzip: ${(e as Error).message}`, {
        hint: "send gzip data with Content-Encoding: gzip, or plain JSON without it",
      });
    }
  } else if (encoding === "identity") {
    if (raw.byteLength > lim.maxInflatedBytes) throw tooBig();
    bytes = raw;
  } else {
    throw new UserError(`unsupported Content-Encoding ${JSON.stringify(encoding.slice(0, 40))}`, {
      hint: "use gzip or none",
    });
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UserError("the request body is not UTF-8 text");
  }
  return parseJson(text, "the request body");
}
