/**
 * GET /api/events: the event hub as Server-Sent Events. `Last-Event-ID` resumes from the hub's ring
 * buffer; `?env=NAME` keeps only that env's events. A token bound to an env gets only its env's
 * events, each narrowed to its env's part (the access policy's `events.subscribe`).
 *
 * The body is a pull stream: the server encodes the next events only when Bun asks for more bytes,
 * i.e. when the socket drained. A client that stops reading therefore stops the pulls, its hub queue
 * fills, and it gets a `resync` marker: the server's memory stays bounded by the queue limit.
 */
import { Hono, type Context } from "hono";
import { eventEnvs, type HubEvent } from "../../core/events.ts";
import { encodeSse } from "../../core/sse.ts";
import type { AppEnv } from "../auth.ts";
import type { ServerDeps } from "../deps.ts";
import type { Delivery, EventHub, Subscription } from "../event-hub.ts";
import { allow, eventFor } from "../policy.ts";
import { hubSse, keepOpen, sseResponse } from "./sse.ts";
import { safeName } from "./util.ts";

/** Events encoded into one chunk at most, so one pull stays small. */
const batch = 64;

export function eventRoutes(d: ServerDeps & { events: EventHub }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const envOf = (c: Context<AppEnv>) => {
    const env = c.req.query("env");
    return env ? { env: safeName(env, "env") } : {};
  };
  app.get("/events", allow("events.subscribe", envOf), (c) => {
    const env = envOf(c).env;
    const user = c.get("user");
    const after = c.req.header("last-event-id") ?? c.req.query("lastEventId") ?? undefined;
    keepOpen(c, d.requestTimeout);
    const filter = (e: HubEvent) => (!env || eventEnvs(e).includes(env)) && eventFor(user, e) !== undefined;
    const sub = d.events.subscribe({ after: after || undefined, filter });
    const stream = sseBody(d.events, sub, d.sseHeartbeatMs ?? 15_000, (e) => eventFor(user, e) ?? e);
    c.req.raw.signal.addEventListener("abort", () => sub.close(), { once: true });
    return sseResponse(stream);
  });
  return app;
}

/** `view` narrows each event to what the subscriber may see (the filter has dropped the rest). */
function sseBody(
  hub: EventHub,
  sub: Subscription,
  heartbeatMs: number,
  view: (e: HubEvent) => HubEvent,
): ReadableStream<Uint8Array> {
  const encode = (items: Delivery[]) => {
    let text = "";
    for (const it of items) {
      if (it.kind === "resync") {
        text += encodeSse({ event: "resync", data: JSON.stringify({ type: "resync", reason: it.reason }) });
        continue;
      }
      const data = JSON.stringify({ ...view(it.p.event), time: it.p.time });
      text += encodeSse({ id: hub.wireId(it.p.seq), event: it.p.event.type, data });
    }
    return text;
  };
  return hubSse(sub, { batch, heartbeatMs, encode });
}
