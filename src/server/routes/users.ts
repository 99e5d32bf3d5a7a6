/**
 * Users and tokens (admin only): GET /api/users, POST /api/user, DELETE /api/user/:login,
 * POST /api/user/:login/token (a new token and its id), GET /api/user/:login/tokens (ids and times,
 * never values), DELETE /api/tokens/:id (revokes that one token).
 */
import { Hono } from "hono";
import { NotFoundError, UserError } from "../../core/errors.ts";
import type { Role, User } from "../../store/index.ts";
import type { AppEnv } from "../auth.ts";
import type { ServerDeps } from "../deps.ts";
import { allow, authorize } from "../policy.ts";
import { fields, jsonBody, safeName } from "./util.ts";

const roles: Role[] = ["admin", "user", "flux", "agent"];

/** A user as the API shows it: the original's `admin` boolean beside the role. */
const view = (u: User) => ({ ...u, admin: u.role === "admin" });

export function userRoutes(d: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/users", allow("user.manage"), (c) => c.json(d.store.users().map(view)));
  // `withToken=true` issues a new token, as the original did for the dashboard's impersonation.
  app.get("/user/:login", allow("user.manage"), (c) => {
    const withToken = c.req.query("withToken") === "true";
    if (withToken) authorize(c.get("user"), "token.manage");
    const u = d.store.user(c.req.param("login"));
    if (!u) throw new NotFoundError(`no user ${JSON.stringify(c.req.param("login"))}`);
    return c.json({ ...view(u), ...(withToken ? { token: d.store.issueToken(u.login) } : {}) });
  });
  app.post("/user", allow("user.manage"), async (c) => {
    const b = fields(await jsonBody(c), { login: "string", role: "string", admin: "boolean", env: "string" });
    if (typeof b.login !== "string" || !/^[a-z0-9][a-z0-9._-]{0,62}$/.test(b.login)) throw new UserError("login is required: lowercase letters, digits, . _ -");
    const role = (b.role ?? (b.admin ? "admin" : "user")) as Role;
    if (!roles.includes(role)) throw new UserError(`role must be one of ${roles.join(", ")}`, { path: "role" });
    // The scope: one existing env, or none. A typo would otherwise make a token that acts nowhere.
    const env = b.env ?? "";
    if (env) {
      if (role === "admin") throw new UserError("an admin acts on every env and cannot be scoped to one", { path: "env" });
      if (!d.store.env(safeName(env, "env"))) throw new NotFoundError(`environment ${JSON.stringify(env)} does not exist`, { path: "env", hint: "gimlet env create" });
    }
    const u = d.store.createUser(b.login, role, env);
    return c.json({ ...view(u), token: d.store.issueToken(u.login) }, 201);
  });
  app.delete("/user/:login", allow("user.manage"), (c) => {
    d.store.deleteUser(c.req.param("login"));
    return c.body(null, 204);
  });
  app.post("/user/:login/token", allow("token.manage"), (c) => c.json(d.store.issueTokenWithId(c.req.param("login")), 201));
  app.get("/user/:login/tokens", allow("token.manage"), (c) => c.json(d.store.tokens(c.req.param("login"))));
  app.delete("/tokens/:id", allow("token.manage"), (c) => {
    const id = c.req.param("id");
    if (!/^\d{1,15}$/.test(id)) throw new UserError(`token id must be a number, got ${JSON.stringify(id.slice(0, 40))}`, { hint: "gimlet user tokens LOGIN lists them" });
    const login = d.store.revokeToken(Number(id));
    return c.json({ id: Number(id), login, revoked: true });
  });
  return app;
}
