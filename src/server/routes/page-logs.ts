/**
 * The app page's logs: `logs.txt` streams plain text (what a browser without JavaScript shows as it
 * arrives), `logs-stream` streams the lines as `<hx-partial>` fragments for the panel, and
 * `logs-panel` / `logs-form` are the panel's two states. Lines come from the env's agent through
 * ops.streamAppLogs; a viewer that reads too slowly loses lines (counted and said) instead of
 * growing the server's memory, and leaving stops the agent's streams.
 */
import type { Context } from "hono";
import { encodeSse, encodeSseComment } from "../../core/sse.ts";
import { UserError } from "../../core/errors.ts";
import * as ops from "../../ops/index.ts";
import type { LiveDeps, LogSink } from "../../ops/index.ts";
import * as ui from "../../ui/dashboard/index.ts";
import { can, type PageEnv } from "../web-auth.ts";
import { keepOpen, sseResponse } from "./sse.ts";
import { safeName } from "./util.ts";

/** Encoded bytes a viewer may have unread before lines are dropped. */
const maxUnreadBytes = 1024 * 1024;

export function logOptions(c: Context<PageEnv>): ui.LogOptionsView {
  const tailRaw = c.req.query("tail") || "200";
  if (!/^\d{1,6}$/.test(tailRaw)) throw new UserError("tail must be a whole number of lines", { path: "tail" });
  const container = c.req.query("container")?.trim() || undefined;
  if (container !== undefined && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(container)) {
    throw new UserError("container must be a container name (lowercase letters, digits, -)", { path: "container" });
  }
  const follow = c.req.query("follow") === "1";
  return { follow, tail: Math.min(Number(tailRaw), 10_000), ...(container ? { container } : {}) };
}

const target = (c: Context<PageEnv>) => ({
  env: safeName(c.req.param("env") ?? "", "env"),
  app: safeName(c.req.param("app") ?? "", "app"),
});

type LogDeps = LiveDeps & { requestTimeout?: (r: Request, s: number) => void; sseHeartbeatMs?: number };

export function logsHandler(d: LogDeps, format: "html" | "text") {
  return async (c: Context<PageEnv>) => {
    const t = target(c);
    can(c, "app.logs", { env: t.env });
    const o = logOptions(c);
    const enc = new TextEncoder();
    let ctrl: ReadableStreamDefaultController<Uint8Array> | undefined;
    let closed = false;
    let pods: string[] = [];
    const ended = new Set<string>();
    const dropped = new Map<string, number>();
    let stop = () => {};
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    const finish = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      stop();
    };
    const write = (text: string) => {
      if (closed || !ctrl) return;
      try {
        ctrl.enqueue(enc.encode(text));
      } catch {
        finish();
      }
    };
    const lines = (pod: string, ls: string[], lost = 0, note?: string) =>
      format === "text"
        ? (lost ? `[${pod}] … ${lost} lines dropped …\n` : "") +
          ls.map((l) => `${pod} ${l}\n`).join("") +
          (note ? `[${pod}] ${note}\n` : "")
        : encodeSse({
            data: ui.fragment(
              ui.LogLines({ pod, lines: ls, ...(lost ? { dropped: lost } : {}), ...(note ? { note } : {}) }),
            ),
          });
    const sink: LogSink = {
      lines(pod, ls, lost = 0) {
        if (closed) return;
        const behind = (ctrl?.desiredSize ?? 0) < -maxUnreadBytes;
        const n = (dropped.get(pod) ?? 0) + lost + (behind ? ls.length : 0);
        if (behind) return void dropped.set(pod, n);
        dropped.delete(pod);
        write(lines(pod, ls, n));
      },
      podEnd(pod, error) {
        if (closed || ended.has(pod)) return;
        ended.add(pod);
        write(lines(pod, [], 0, error ? `stream ended: ${error}` : "stream ended"));
        if (ended.size === pods.length) {
          if (format === "html") write(encodeSse({ event: "end", data: "" }));
          finish();
          try {
            ctrl?.close();
          } catch {}
        }
      },
    };
    const logOpts = { follow: o.follow, tailLines: o.tail, ...(o.container ? { container: o.container } : {}) };
    const relay = await ops.streamAppLogs(d, t, logOpts, sink);
    pods = relay.pods;
    stop = relay.stop;
    keepOpen(c, d.requestTimeout);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        ctrl = controller;
        if (format === "text") write(`# logs of ${t.app} in ${t.env}: ${pods.join(", ")}\n`);
        heartbeat = setInterval(() => format === "html" && write(encodeSseComment("ping")), d.sseHeartbeatMs ?? 15_000);
        void relay.start().catch((e: Error) => {
          for (const p of pods) sink.podEnd(p, e.message);
        });
      },
      cancel: finish,
    });
    c.req.raw.signal.addEventListener("abort", finish, { once: true });
    const type = format === "text" ? "text/plain; charset=utf-8" : "text/event-stream; charset=utf-8";
    return sseResponse(body, type);
  };
}

export function logsPanel(c: Context<PageEnv>) {
  const t = target(c);
  can(c, "app.logs", { env: t.env });
  return c.html(ui.fragment(ui.LogsPanel({ ...t, options: logOptions(c) })));
}

export async function logsForm(d: LiveDeps, c: Context<PageEnv>) {
  const t = target(c);
  can(c, "app.logs", { env: t.env });
  const v = await ops.envState(d, t.env);
  const a = ops.findApp(v, t.app);
  return c.html(
    ui.fragment(ui.LogsForm({ ...t, pods: a.pods.map((p) => p.name), containers: ui.containersOf(a.pods) })),
  );
}
