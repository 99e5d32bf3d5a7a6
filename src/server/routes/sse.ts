/**
 * What every Server-Sent Events route shares: lifting Bun.serve's idle timeout for the stream,
 * the response headers, and the pull loop over an event-hub subscription (subscribed comment first,
 * a ping when nothing arrived within the heartbeat, closed when the subscription is).
 */
import type { Context } from "hono";
import { encodeSseComment } from "../../core/sse.ts";
import type { Delivery, Subscription } from "../event-hub.ts";

export type RequestTimeout = (req: Request, seconds: number) => void;

/** Bun.serve's idleTimeout would cut a quiet stream; heartbeats alone would need to beat it. */
export function keepOpen(c: Context, requestTimeout: RequestTimeout | undefined): void {
  if (requestTimeout) requestTimeout(c.req.raw, 0);
  else (c.env as { timeout?: RequestTimeout } | undefined)?.timeout?.(c.req.raw, 0);
}

export function sseResponse(body: ReadableStream<Uint8Array>, contentType = "text/event-stream; charset=utf-8") {
  const headers = { "Content-Type": contentType, "Cache-Control": "no-cache", "X-Accel-Buffering": "no" };
  return new Response(body, { headers });
}

/**
 * A pull stream over `sub`: the next batch is encoded only when Bun asks for more bytes, so a client
 * that stops reading stops the pulls and gets a resync from the hub instead of growing memory.
 * `beforePull` may delay a pull (to coalesce events); `encode` turns a non-empty batch into text.
 */
export function hubSse(
  sub: Subscription,
  o: { batch: number; heartbeatMs: number; encode: (items: Delivery[]) => string; beforePull?: () => Promise<void> },
): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      start(ctrl) {
        // Sent at once so the client knows it is subscribed before it reads the state it tracks.
        ctrl.enqueue(enc.encode(`retry: 2000\n${encodeSseComment("subscribed")}`));
      },
      async pull(ctrl) {
        await o.beforePull?.();
        let items = sub.take(o.batch);
        if (!items.length && !sub.closed) {
          await sub.wait(o.heartbeatMs);
          items = sub.take(o.batch);
        }
        if (sub.closed) {
          // Closed by cancel() (the client went away) the controller is closed already.
          try {
            ctrl.close();
          } catch {}
          return;
        }
        ctrl.enqueue(enc.encode(items.length ? o.encode(items) : encodeSseComment("ping")));
      },
      cancel() {
        sub.close();
      },
    },
    { highWaterMark: 0 },
  );
}
