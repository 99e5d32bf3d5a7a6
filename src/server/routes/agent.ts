/**
 * The agent's endpoints (wire format: core/agent/wire.ts), mounted at /agent. An agent token acts
 * only for the env it is bound to (the policy's `own` grant for agent.state / agent.commands):
 *   GET  /register?name=ENV&namespace=NS   SSE downlink: `: ping` now and every agentPingMs, commands
 *        [&heartbeat=SECONDS]             the agent posts at least this often; quiet for 3 periods = gone
 *   POST /state?name=ENV                   full snapshot
 *   POST /state/ENV/update                 delta in sequence; 409 (+ `refetch`) on a gap
 *   POST /commands/ID/result?name=ENV      a command's result; 404 when nobody waits for it
 *   POST /logs/ID?name=ENV                 log lines; 410 when the viewer left (the agent stops)
 * Bodies are gzip or plain JSON, capped on the wire and inflated; a bad one is a 400, nothing kept.
 */
import { Hono, type Context } from "hono";
import { decodeLogChunk, decodeResult, decodeSnapshot, decodeUpdate } from "../../core/agent/decode.ts";
import type { AgentCommand } from "../../core/agent/wire.ts";
import { NotFoundError, UserError } from "../../core/errors.ts";
import { parseWholeNumber } from "../../core/params.ts";
import { encodeSse, encodeSseComment } from "../../core/sse.ts";
import type { AgentHub } from "../../ops/index.ts";
import type { AppEnv } from "../auth.ts";
import type { ServerDeps } from "../deps.ts";
import { allow } from "../policy.ts";
import { agentBody, type BodyLimits } from "./agent-body.ts";
import { need, safeName } from "./util.ts";
import { keepOpen, sseResponse } from "./sse.ts";

/** Chunks a downlink may have unread before the agent counts as stuck and is dropped. */
const maxUnread = 1000;

export function agentRoutes(d: ServerDeps & { agents: AgentHub }): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const hub = d.agents;
  const limits: BodyLimits = {
    maxBytes: d.agentBody?.maxBytes ?? 16 * 1024 * 1024,
    maxInflatedBytes: d.agentBody?.maxInflatedBytes ?? 64 * 1024 * 1024,
  };
  // What the policy is asked about: the name as given (a missing or bad one is refused by the
  // policy for a bound token, and by the handler's check below for an admin).
  const policyName = (c: Context<AppEnv>) => ({ env: c.req.query("name") ?? "" });
  const policyParam = (c: Context<AppEnv>) => ({ env: c.req.param("env") ?? "" });
  const nameOf = (c: Context<AppEnv>) => ({ env: safeName(need(c, "name"), "env") });
  const paramEnv = (c: Context<AppEnv>) => ({ env: safeName(c.req.param("env") ?? "", "env") });
  const existing = async (env: string) => {
    if (!(await d.store.env(env))) {
      throw new NotFoundError(`environment ${JSON.stringify(env)} does not exist`, {
        hint: `gimlet env create ${env}`,
      });
    }
  };

  app.get("/register", allow("agent.commands", policyName), async (c) => {
    const { env } = nameOf(c);
    await existing(env);
    const namespace = c.req.query("namespace") ?? "";
    // An agent that declares heartbeats and goes quiet (frozen, its node gone: no FIN ever comes)
    // is dropped after three missed ones; the original agent declares none and is never timed out.
    const beat = c.req.query("heartbeat");
    const heartbeatMs = beat ? parseWholeNumber(beat, "heartbeat", 3600) * 1000 : 0;
    if (beat && !heartbeatMs) throw new UserError("must be 1 to 3600 seconds, got 0", { path: "heartbeat" });
    let watchdog: ReturnType<typeof setInterval> | undefined;
    keepOpen(c, d.requestTimeout);
    const enc = new TextEncoder();
    let ctrl: ReadableStreamDefaultController<Uint8Array> | undefined;
    let timer: ReturnType<typeof setInterval> | undefined;
    let disconnect: (() => void) | undefined;
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearInterval(watchdog);
      disconnect?.();
    };
    const write = (text: string) => {
      if (done || !ctrl) return;
      if ((ctrl.desiredSize ?? 0) < -maxUnread) {
        d.log?.("agent downlink not read; dropping it", { env });
        close();
        return;
      }
      try {
        ctrl.enqueue(enc.encode(text));
      } catch {
        end();
      }
    };
    const close = () => {
      end();
      try {
        ctrl?.close();
      } catch {}
    };
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        ctrl = controller;
        write(encodeSseComment("ping"));
        timer = setInterval(() => write(encodeSseComment("ping")), d.agentPingMs ?? 30_000);
        disconnect = hub.connect(env, namespace, {
          send: (cmd: AgentCommand) => write(encodeSse({ data: JSON.stringify(cmd) })),
          close,
        });
        if (heartbeatMs) {
          watchdog = setInterval(
            () => {
              if (hub.quietMs(env) <= 3 * heartbeatMs) return;
              d.log?.("agent missed three heartbeats; dropping its downlink", { env });
              close();
            },
            Math.min(heartbeatMs, 5000),
          );
        }
      },
      cancel: end,
    });
    c.req.raw.signal.addEventListener("abort", end, { once: true });
    return sseResponse(stream);
  });

  app.post("/state", allow("agent.state", policyName), async (c) => {
    const { env } = nameOf(c);
    hub.seen(env);
    await existing(env);
    const snap = decodeSnapshot(await agentBody(c.req.raw, limits), env);
    await hub.snapshot(snap);
    return c.json({ accepted: "snapshot", seq: snap.seq, apps: snap.state.apps.length });
  });

  app.post("/state/:env/update", allow("agent.state", policyParam), async (c) => {
    const { env } = paramEnv(c);
    hub.seen(env);
    const u = decodeUpdate(await agentBody(c.req.raw, limits), env);
    const r = await hub.update(u);
    if (!r.ok) {
      // The agent answers a 409 with a snapshot; the refetch covers an agent that ignores the status.
      hub.send(env, { action: "refetch" });
      return c.json({ error: `update refused: ${r.reason}; send a full snapshot (POST /agent/state)` }, 409);
    }
    return c.json({ accepted: "update", seq: u.seq });
  });

  app.post("/commands/:id/result", allow("agent.commands", policyName), async (c) => {
    const { env } = nameOf(c);
    hub.seen(env);
    const r = decodeResult(await agentBody(c.req.raw, limits));
    if (!hub.result(env, c.req.param("id"), r)) {
      return c.json(
        { error: `no command ${c.req.param("id")} of env ${env} is waiting for a result (timed out?)` },
        404,
      );
    }
    return c.json({ accepted: "result" });
  });

  app.post("/logs/:id", allow("agent.commands", policyName), async (c) => {
    const { env } = nameOf(c);
    hub.seen(env);
    const chunk = decodeLogChunk(await agentBody(c.req.raw, limits));
    if (!hub.logChunk(env, c.req.param("id"), chunk)) {
      return c.json({ error: `nobody watches log stream ${c.req.param("id")} any more: stop it` }, 410);
    }
    return c.json({ accepted: "lines" });
  });
  return app;
}
