/**
 * Users and tokens (admin only): GET /api/users, POST /api/user, DELETE /api/user/:login,
 * POST /api/user/:login/token (a new token and its id), GET /api/user/:login/tokens (ids and times,
 * never values), DELETE /api/tokens/:id (revokes that one token).
 */
import { Hono } from "hono";
import * as ops from "../../ops/index.ts";
import type { AppEnv } from "../auth.ts";
import { opsOf, type ServerDeps } from "../deps.ts";
import { allow, authorize } from "../policy.ts";
import { fields, jsonBody } from "./util.ts";

export function userRoutes(d: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const o = opsOf(d);
  app.get("/users", allow("user.manage"), async (c) => c.json(await ops.listUsers(o)));
  // `withToken=true` issues a new token, as the original did for the dashboard's impersonation.
  app.get("/user/:login", allow("user.manage"), async (c) => {
    const withToken = c.req.query("withToken") === "true";
    if (withToken) authorize(c.get("user"), "token.manage");
    return c.json(await ops.getUser(o, c.req.param("login"), withToken));
  });
  app.post("/user", allow("user.manage"), async (c) => {
    const b = fields(await jsonBody(c), {
      login: "string",
      role: "string",
      admin: "boolean",
      env: "string",
      password: "string",
    });
    const input = {
      login: b.login,
      role: b.role,
      admin: b.admin,
      env: b.env ?? undefined,
      password: b.password ?? undefined,
    };
    return c.json(await ops.createUser(o, input), 201);
  });
  app.delete("/user/:login", allow("user.manage"), async (c) => {
    await ops.deleteUser(o, c.req.param("login"));
    return c.body(null, 204);
  });
  app.post("/user/:login/token", allow("token.manage"), async (c) =>
    c.json(await ops.issueToken(o, c.req.param("login")), 201),
  );
  app.get("/user/:login/tokens", allow("token.manage"), async (c) =>
    c.json(await ops.listTokens(o, c.req.param("login"))),
  );
  app.delete("/tokens/:id", allow("token.manage"), async (c) =>
    c.json(await ops.revokeToken(o, ops.tokenId(c.req.param("id")))),
  );
  return app;
}
