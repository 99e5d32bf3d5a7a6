/**
 * POST /api/artifact, GET /api/artifacts (reference §2.2, §2.4).
 *
 * A CI retry after a lost reply must not deploy twice: an `Idempotency-Key` header gets the first
 * response back for a day (nothing queued again), and without one an artifact identical to one
 * stored for the same repo and sha within `retention.artifactDigests` is answered with the stored
 * artifact (200, `Idempotent-Replayed: true`) instead of being queued again.
 */
import { Hono } from "hono";
import { createHash } from "node:crypto";
import { ConflictError, UserError } from "../../core/errors.ts";
import { parseArtifact, type Artifact } from "../../core/release/index.ts";
import type { AppEnv } from "../auth.ts";
import type { ServerDeps } from "../deps.ts";
import { artifactTargets, queued } from "../hub-events.ts";
import { allow, authorize } from "../policy.ts";
import { intParam, jsonBody, timeParam } from "./util.ts";

const route = "POST /api/artifact";

/** JSON with object keys sorted, so the same artifact always hashes the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

function idempotencyKey(h: string | undefined): string | undefined {
  if (h === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(h)) throw new UserError("Idempotency-Key must be 1 to 255 printable ASCII characters without spaces", { path: "Idempotency-Key" });
  return h;
}

export function artifactRoutes(d: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/artifact", allow("artifact.push"), async (c) => {
    const user = c.get("user");
    const key = idempotencyKey(c.req.header("idempotency-key"));
    const parsed = parseArtifact(await jsonBody(c));
    // A token bound to an env may only ship manifests for that env (a deploy policy acts on them).
    for (const m of parsed.environments) {
      authorize(user, "artifact.push", { env: typeof m.env === "string" ? m.env : JSON.stringify(m.env) });
    }
    const digest = createHash("sha256").update(canonical(parsed)).digest("hex");
    const replay = (status: number, body: string) => c.body(body, status as 200, { "Content-Type": "application/json", "Idempotent-Replayed": "true" });
    const eventId = crypto.randomUUID();
    const outcome = d.store.requests.atomically(() => {
      if (key) {
        const prior = d.store.requests.response(user.id, route, key);
        if (prior && prior.requestHash !== digest) {
          throw new ConflictError(`Idempotency-Key ${JSON.stringify(key)} was already used for a different artifact`, { hint: "use a new key for a new artifact" });
        }
        if (prior) return { replayed: true, status: prior.status, body: prior.body };
      }
      const earlier = d.store.requests.recentArtifact(digest);
      const stored = earlier ? d.store.artifactEvent(earlier) : undefined;
      if (stored) {
        if (key) d.store.requests.recordResponse(user.id, route, key, { requestHash: digest, status: 200, body: stored.blob });
        return { replayed: true, status: 200, body: stored.blob };
      }
      const now = d.now?.() ?? Math.floor(Date.now() / 1000);
      const artifact: Artifact = { ...parsed, id: `${parsed.version.repositoryName}-${crypto.randomUUID()}`, created: now };
      const blob = JSON.stringify(artifact);
      d.store.insertEvent({
        id: eventId,
        type: "artifact",
        blob,
        repository: artifact.version.repositoryName,
        branch: artifact.version.branch ?? "",
        event: artifact.version.event,
        sourceBranch: artifact.version.sourceBranch ?? "",
        targetBranch: artifact.version.targetBranch ?? "",
        tag: artifact.version.tag ?? "",
        sha: artifact.version.sha,
        artifactId: artifact.id,
      });
      d.store.requests.recordArtifact(digest, artifact.id);
      if (key) d.store.requests.recordResponse(user.id, route, key, { requestHash: digest, status: 201, body: blob });
      return { replayed: false, status: 201, body: blob };
    });
    if (outcome.replayed) return replay(outcome.status, outcome.body);
    d.worker?.notify();
    const artifactId = (JSON.parse(outcome.body) as Artifact).id;
    d.events?.publish(queued(eventId, "artifact", artifactTargets(parsed), { artifactId }));
    return c.body(outcome.body, 201, { "Content-Type": "application/json" });
  });
  app.get("/artifacts", allow("artifact.read"), (c) => {
    const rows = d.store.artifacts({
      repository: c.req.query("repository") || undefined,
      branch: c.req.query("branch") || undefined,
      event: c.req.query("event") || undefined,
      sourceBranch: c.req.query("sourceBranch") || undefined,
      sha: c.req.queries("sha"),
      limit: intParam(c, "limit", 0, 10_000),
      offset: intParam(c, "offset", 0),
      since: timeParam(c, "since"),
      until: timeParam(c, "until"),
    });
    return c.json(rows.map((r) => JSON.parse(r.blob) as Artifact));
  });
  return app;
}
