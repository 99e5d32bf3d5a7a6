/**
 * Environments through the server: POST /api/envs creates one (the server makes its hosted repo),
 * GET /api/envs lists them without credentials, DELETE /api/envs/ENV[?keepRepo=true] deletes one
 * (ops.deleteEnv says what goes). What `gimlet env create|list|delete --server` calls.
 */
import { Hono } from "hono";
import { UserError } from "../../core/errors.ts";
import * as ops from "../../ops/index.ts";
import type { AppEnv } from "../auth.ts";
import { opsOf, type ServerDeps } from "../deps.ts";
import { envCreated } from "../hub-events.ts";
import { allow, may } from "../policy.ts";
import { fields, jsonBody, safeName } from "./util.ts";

export function envRoutes(d: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const o = opsOf(d);
  app.get("/envs", allow("env.list"), async (c) => {
    // A token bound to an env sees that env only.
    const envs = await ops.listEnvs(o);
    const visible = envs.filter((e) => may(c.get("user"), "env.list", { env: e.name }));
    return c.json(d.agents ? visible.map((e) => ({ ...e, agent: d.agents!.presence(e.name) })) : visible);
  });
  app.post("/envs", allow("env.create"), async (c) => {
    const b = fields(await jsonBody(c), {
      name: "string",
      builtin: "boolean",
      gitopsRepo: "string",
      gitopsToken: "string",
      repoPerEnv: "boolean",
      branch: "string",
    });
    if (typeof b.name !== "string" || !b.name) throw new UserError("name is required", { path: "name" });
    const env = await ops.createEnv(o, {
      name: b.name,
      builtin: !!b.builtin,
      repoUrl: b.gitopsRepo ?? undefined,
      repoToken: b.gitopsToken ?? undefined,
      repoPerEnv: !!b.repoPerEnv,
      branch: b.branch ?? undefined,
    });
    // The watch announces it (once); without one, announce it here.
    if (d.envWatch) await d.envWatch.check();
    else d.events?.publish(envCreated(env));
    return c.json(env, 201);
  });
  app.delete("/envs/:env", allow("env.delete"), async (c) => {
    const keep = c.req.query("keepRepo") ?? "";
    if (!["", "true", "false", "1", "0"].includes(keep)) {
      throw new UserError("keepRepo must be true or false", { path: "keepRepo" });
    }
    const name = safeName(c.req.param("env"), "env");
    return c.json(await ops.deleteEnv(o, { name, keepRepo: keep === "true" || keep === "1" }, d.agents));
  });
  return app;
}
