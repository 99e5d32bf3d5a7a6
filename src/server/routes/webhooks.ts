/**
 * POST /api/webhooks/git: GitHub-style `delete` events (and `push` with `deleted: true`) queue a
 * branchDeleted event, which runs cleanup policies. Verified with HMAC-SHA256 over the raw body
 * (`X-Hub-Signature-256`), compared in constant time; no token needed, the signature is the auth.
 */
import { Hono } from "hono";
import { createHmac, timingSafeEqual } from "node:crypto";
import { UserError } from "../../core/errors.ts";
import type { ServerDeps } from "../deps.ts";
import { AuthError } from "../http-errors.ts";
import { queued } from "../hub-events.ts";

export function verifySignature(secret: string, body: Uint8Array, header: string | undefined): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const want = Buffer.from(createHmac("sha256", secret).update(body).digest("hex"));
  const got = Buffer.from(header.slice(7));
  return want.length === got.length && timingSafeEqual(want, got);
}

export function webhookRoutes(d: ServerDeps & { webhookSecret?: string }): Hono {
  const app = new Hono();
  app.post("/git", async (c) => {
    if (!d.webhookSecret) throw new AuthError(403, "webhooks are off: start gimlet serve with GIMLET_WEBHOOK_SECRET");
    const body = new Uint8Array(await c.req.arrayBuffer());
    if (!verifySignature(d.webhookSecret, body, c.req.header("x-hub-signature-256"))) throw new AuthError(401, "bad or missing X-Hub-Signature-256");
    let p: Record<string, any>;
    try {
      p = JSON.parse(new TextDecoder().decode(body));
    } catch {
      throw new UserError("the webhook body is not valid JSON");
    }
    const event = c.req.header("x-github-event") ?? "";
    const repo = p.repository?.full_name as string | undefined;
    let branch: string | undefined;
    if (event === "delete" && p.ref_type === "branch") branch = p.ref;
    if (event === "push" && p.deleted === true && typeof p.ref === "string" && p.ref.startsWith("refs/heads/")) branch = p.ref.slice(11);
    if (!repo || !branch) return c.json({ ignored: `not a branch deletion (${event || "no X-GitHub-Event"})` });
    const id = crypto.randomUUID();
    d.store.insertEvent({ id, type: "branchDeleted", blob: JSON.stringify({ repository: repo, branch }), repository: repo, branch });
    d.worker?.notify();
    d.events?.publish(queued(id, "branchDeleted", []));
    return c.json({ id }, 201);
  });
  return app;
}
