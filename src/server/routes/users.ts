/** Users and tokens (admin only): GET /api/users, POST /api/user, DELETE /api/user/:login, POST /api/user/:login/token. */
import { Hono } from "hono";
import { UserError } from "../../core/errors.ts";
import { isPlainObject } from "../../core/k8s.ts";
import type { Role } from "../../store/index.ts";
import type { AppEnv } from "../auth.ts";
import type { ServerDeps } from "../deps.ts";
import { jsonBody } from "./util.ts";

const roles: Role[] = ["admin", "user", "flux", "agent"];

export function userRoutes(d: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/users", (c) => c.json(d.store.users()));
  app.post("/user", async (c) => {
    const b = await jsonBody(c);
    if (!isPlainObject(b) || typeof b.login !== "string" || !/^[a-z0-9][a-z0-9._-]{0,62}$/.test(b.login)) throw new UserError("login is required: lowercase letters, digits, . _ -");
    const role = (b.role ?? (b.admin ? "admin" : "user")) as Role;
    if (!roles.includes(role)) throw new UserError(`role must be one of ${roles.join(", ")}`);
    const u = d.store.createUser(b.login, role, typeof b.env === "string" ? b.env : "");
    return c.json({ ...u, token: d.store.issueToken(u.login) }, 201);
  });
  app.delete("/user/:login", (c) => {
    d.store.deleteUser(c.req.param("login"));
    return c.body(null, 204);
  });
  app.post("/user/:login/token", (c) => c.json({ token: d.store.issueToken(c.req.param("login")) }, 201));
  return app;
}
