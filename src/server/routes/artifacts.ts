/** POST /api/artifact, GET /api/artifacts (reference §2.2, §2.4). */
import { Hono } from "hono";
import { parseArtifact, type Artifact } from "../../core/release/index.ts";
import type { AppEnv } from "../auth.ts";
import type { ServerDeps } from "../deps.ts";
import { intParam, jsonBody, timeParam } from "./util.ts";

export function artifactRoutes(d: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/artifact", async (c) => {
    const parsed = parseArtifact(await jsonBody(c));
    const now = d.now?.() ?? Math.floor(Date.now() / 1000);
    const artifact: Artifact = { ...parsed, id: `${parsed.version.repositoryName}-${crypto.randomUUID()}`, created: now };
    d.store.insertEvent({
      id: crypto.randomUUID(),
      type: "artifact",
      blob: JSON.stringify(artifact),
      repository: artifact.version.repositoryName,
      branch: artifact.version.branch ?? "",
      event: artifact.version.event,
      sourceBranch: artifact.version.sourceBranch ?? "",
      targetBranch: artifact.version.targetBranch ?? "",
      tag: artifact.version.tag ?? "",
      sha: artifact.version.sha,
      artifactId: artifact.id,
    });
    d.worker?.notify();
    return c.json(artifact, 201);
  });
  app.get("/artifacts", (c) => {
    const rows = d.store.artifacts({
      repository: c.req.query("repository") || undefined,
      branch: c.req.query("branch") || undefined,
      event: c.req.query("event") || undefined,
      sourceBranch: c.req.query("sourceBranch") || undefined,
      sha: c.req.queries("sha"),
      limit: intParam(c, "limit", 0),
      offset: intParam(c, "offset", 0),
      since: timeParam(c, "since"),
      until: timeParam(c, "until"),
    });
    return c.json(rows.map((r) => JSON.parse(r.blob) as Artifact));
  });
  return app;
}
