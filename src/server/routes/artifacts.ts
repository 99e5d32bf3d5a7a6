/**
 * POST /api/artifact, GET /api/artifacts (reference §2.2, §2.4).
 *
 * A CI retry after a lost reply must not deploy twice: an `Idempotency-Key` header gets the first
 * response back for a day (nothing queued again), and without one an artifact identical to one
 * stored for the same repo and sha within `retention.artifactDigests` is answered with the stored
 * artifact (200, `Idempotent-Replayed: true`) instead of being queued again.
 */
import { Hono } from "hono";
import { UserError } from "../../core/errors.ts";
import { parseArtifact } from "../../core/release/index.ts";
import * as ops from "../../ops/index.ts";
import type { AppEnv } from "../auth.ts";
import { opsOf, type ServerDeps } from "../deps.ts";
import { allow, authorize } from "../policy.ts";
import { intParam, jsonBody, timeParam } from "./util.ts";

function idempotencyKey(h: string | undefined): string | undefined {
  if (h === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(h))
    throw new UserError("Idempotency-Key must be 1 to 255 printable ASCII characters without spaces", {
      path: "Idempotency-Key",
    });
  return h;
}

export function artifactRoutes(d: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const o = opsOf(d);
  app.post("/artifact", allow("artifact.push"), async (c) => {
    const user = c.get("user");
    const key = idempotencyKey(c.req.header("idempotency-key"));
    const parsed = parseArtifact(await jsonBody(c));
    // A token bound to an env may only ship manifests for that env (a deploy policy acts on them).
    for (const m of parsed.environments) {
      authorize(user, "artifact.push", { env: typeof m.env === "string" ? m.env : JSON.stringify(m.env) });
    }
    const r = await ops.pushArtifact(o, { userId: user.id, artifact: parsed, idempotencyKey: key });
    const headers = { "Content-Type": "application/json", ...(r.replayed ? { "Idempotent-Replayed": "true" } : {}) };
    return c.body(r.body, r.status, headers);
  });
  app.get("/artifacts", allow("artifact.read"), async (c) => {
    const filter = {
      repository: c.req.query("repository") || undefined,
      branch: c.req.query("branch") || undefined,
      event: c.req.query("event") || undefined,
      sourceBranch: c.req.query("sourceBranch") || undefined,
      sha: c.req.queries("sha"),
      limit: intParam(c, "limit", 0, 10_000),
      offset: intParam(c, "offset", 0),
      since: timeParam(c, "since"),
      until: timeParam(c, "until"),
    };
    return c.json(await ops.listArtifacts(o, filter));
  });
  return app;
}
