/**
 * Request bodies of the agent routes: JSON, usually gzip-compressed (`Content-Encoding: gzip`).
 * Both the bytes on the wire and the inflated bytes are capped while streaming (capped-body.ts), so
 * neither a big upload nor a gzip bomb is ever held in memory beyond its cap.
 */
import { HTTPException } from "hono/http-exception";
import { UserError } from "../../core/errors.ts";
import { readCappedBody } from "./capped-body.ts";
import { parseJson } from "./util.ts";

export interface BodyLimits {
  /** Bytes on the wire. */
  maxBytes: number;
  /** Bytes after gunzip. */
  maxInflatedBytes: number;
}

const mib = (n: number) =>
  n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MiB` : `${+(n / 1024).toFixed(1)} KiB`;

export async function agentBody(req: Request, lim: BodyLimits): Promise<unknown> {
  const tooBig = () => new HTTPException(413, { message: `request body larger than ${mib(lim.maxBytes)}` });
  const bytes = await readCappedBody(
    req,
    { maxBytes: lim.maxBytes, maxInflated: lim.maxInflatedBytes },
    {
      tooLarge: tooBig,
      inflatedTooLarge: () =>
        new HTTPException(413, { message: `request body inflates to more than ${mib(lim.maxInflatedBytes)}` }),
      unsupportedEncoding: (encoding) =>
        new UserError(`unsupported Content-Encoding ${JSON.stringify(encoding)}`, { hint: "use gzip or none" }),
      notGzip: (e) =>
        new UserError(`the request body is not valid gzip: ${e.message}`, {
          hint: "send gzip data with Content-Encoding: gzip, or plain JSON without it",
        }),
      unreadable: (e) => e,
    },
  );
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UserError("the request body is not UTF-8 text");
  }
  return parseJson(text, "the request body");
}
