/**
 * Live apps through the env's agent, under /api/envs/ENV:
 *   GET  /state                       apps, workloads, pods, ingresses, Flux (stale when no agent)
 *   GET  /apps/APP/logs?follow=1&tail=N&container=C   SSE (core/agent/view.ts LogStreamEvent)
 *   POST /apps/APP/restart            GET /apps/APP/details[?pod=P]      POST /reconcile
 * `?namespace=` picks an app whose name exists in several namespaces. Commands wait for the
 * agent's result: no agent → 409, no answer in time → 504, the agent's error → 502.
 */
import { Hono, type Context } from "hono";
import type { LogStreamEvent } from "../../core/agent/view.ts";
import { UserError } from "../../core/errors.ts";
import { encodeSse, encodeSseComment } from "../../core/sse.ts";
import * as ops from "../../ops/index.ts";
import type { AgentHub, LogSink } from "../../ops/index.ts";
import type { AppEnv } from "../auth.ts";
import type { ServerDeps } from "../deps.ts";
import { allow } from "../policy.ts";
import { fields, intParam, parseJson, safeName } from "./util.ts";
import { keepOpen, sseResponse } from "./sse.ts";

/** Encoded chunks a slow viewer may have unread; beyond it lines are dropped and counted. */
const maxUnread = 512;

export function liveRoutes(d: ServerDeps & { agents: AgentHub }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const live = { store: d.store, agents: d.agents };
  const envOf = (c: Context<AppEnv>) => ({ env: safeName(c.req.param("env") ?? "", "env") });
  const target = (c: Context<AppEnv>) => {
    const name = c.req.param("app") ?? "";
    if (!name || name.length > 253) throw new UserError("the app name must be 1 to 253 characters", { path: "app" });
    const namespace = c.req.query("namespace") || undefined;
    return { env: envOf(c).env, app: name, ...(namespace ? { namespace } : {}) };
  };

  app.get("/envs/:env/state", allow("status.read", envOf), async (c) => c.json(await ops.envState(live, envOf(c).env)));

  app.post("/envs/:env/apps/:app/restart", allow("app.restart", envOf), async (c) =>
    c.json(await ops.restartApp(live, target(c))),
  );

  app.get("/envs/:env/apps/:app/details", allow("app.details", envOf), async (c) => {
    const pod = c.req.query("pod") || undefined;
    return c.json(await ops.appDetails(live, { ...target(c), ...(pod ? { pod } : {}) }));
  });

  app.post("/envs/:env/reconcile", allow("flux.reconcile", envOf), async (c) => {
    const text = await c.req.text();
    let t: ops.ReconcileTarget | undefined;
    if (text.trim()) {
      const b = fields(parseJson(text, "the request body"), {
        kind: "string",
        namespace: "string",
        name: "string",
      });
      if (!b.kind || !b.namespace || !b.name) {
        throw new UserError("give kind, namespace and name together, or no body for the env's Flux objects");
      }
      if (!["GitRepository", "Kustomization", "HelmRelease"].includes(b.kind)) {
        throw new UserError("must be GitRepository, Kustomization or HelmRelease", { path: "kind" });
      }
      t = { kind: b.kind as ops.ReconcileTarget["kind"], namespace: b.namespace, name: b.name };
    }
    return c.json(await ops.reconcileEnv(live, envOf(c).env, t));
  });

  app.get("/envs/:env/apps/:app/logs", allow("app.logs", envOf), async (c) => {
    const follow = ["1", "true", "yes"].includes(c.req.query("follow") ?? "");
    const tail = c.req.query("tail");
    const opts: ops.LogOptions = {
      follow,
      ...(tail !== undefined && tail !== "" ? { tailLines: intParam(c, "tail", 0, 100_000) } : {}),
      ...(c.req.query("container") ? { container: c.req.query("container") } : {}),
    };
    const enc = new TextEncoder();
    let ctrl: ReadableStreamDefaultController<Uint8Array> | undefined;
    let closed = false;
    let pods: string[] = [];
    const ended = new Set<string>();
    const dropped = new Map<string, number>();
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    let stop = () => {};
    const finish = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      stop();
    };
    const send = (e: LogStreamEvent) => {
      if (closed || !ctrl) return;
      try {
        ctrl.enqueue(enc.encode(encodeSse({ event: e.event, data: JSON.stringify(e.data) })));
      } catch {
        finish();
      }
    };
    const sink: LogSink = {
      lines(pod, lines, lost = 0) {
        if (closed) return;
        const behind = (ctrl?.desiredSize ?? 0) < -maxUnread;
        const n = (dropped.get(pod) ?? 0) + lost + (behind ? lines.length : 0);
        if (behind) {
          dropped.set(pod, n);
          return;
        }
        dropped.delete(pod);
        send({ event: "log", data: { pod, lines, ...(n ? { dropped: n } : {}) } });
      },
      podEnd(pod, error) {
        if (closed || ended.has(pod)) return;
        ended.add(pod);
        send({ event: "pod-end", data: { pod, ...(error ? { error } : {}) } });
        if (ended.size === pods.length) {
          send({ event: "end", data: {} });
          finish();
          try {
            ctrl?.close();
          } catch {}
        }
      },
    };
    // Errors before the stream starts (no such app, no agent) are plain JSON responses.
    const relay = await ops.streamAppLogs(live, target(c), opts, sink);
    pods = relay.pods;
    stop = relay.stop;
    keepOpen(c, d.requestTimeout);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        ctrl = controller;
        send({ event: "start", data: { pods } });
        heartbeat = setInterval(() => {
          if (closed) return;
          try {
            controller.enqueue(enc.encode(encodeSseComment("ping")));
          } catch {
            finish();
          }
        }, d.sseHeartbeatMs ?? 15_000);
        void relay.start();
      },
      cancel: finish,
    });
    c.req.raw.signal.addEventListener("abort", finish, { once: true });
    return sseResponse(stream);
  });
  return app;
}
