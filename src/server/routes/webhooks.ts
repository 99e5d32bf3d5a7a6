/**
 * POST /api/webhooks/git: GitHub-style `delete` events (and `push` with `deleted: true`) queue a
 * branchDeleted event, which runs cleanup policies. Verified with HMAC-SHA256 over the raw body
 * (`X-Hub-Signature-256`), compared in constant time; no token needed, the signature is the auth.
 * A delivery (`X-GitHub-Delivery`) is acted on once: a replay or redelivery gets the first answer.
 */
import { Hono } from "hono";
import { createHmac, timingSafeEqual } from "node:crypto";
import { UserError } from "../../core/errors.ts";
import { isPlainObject } from "../../core/k8s.ts";
import { receiveBranchDeletion } from "../../ops/index.ts";
import { opsOf, type ServerDeps } from "../deps.ts";
import { AuthError } from "../http-errors.ts";
import { parseJson } from "./util.ts";

export function verifySignature(secret: string, body: Uint8Array, header: string | undefined): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const want = Buffer.from(createHmac("sha256", secret).update(body).digest("hex"));
  const got = Buffer.from(header.slice(7));
  return want.length === got.length && timingSafeEqual(want, got);
}

export function webhookRoutes(d: ServerDeps & { webhookSecret?: string }): Hono {
  const app = new Hono();
  const o = opsOf(d);
  app.post("/git", async (c) => {
    if (!d.webhookSecret) throw new AuthError(403, "webhooks are off: start gimlet serve with GIMLET_WEBHOOK_SECRET");
    const body = new Uint8Array(await c.req.arrayBuffer());
    if (!verifySignature(d.webhookSecret, body, c.req.header("x-hub-signature-256")))
      throw new AuthError(401, "bad or missing X-Hub-Signature-256");
    const p = parseJson(new TextDecoder().decode(body), "the webhook body");
    if (!isPlainObject(p)) throw new UserError("the webhook body must be a JSON object");
    const delivery = c.req.header("x-github-delivery");
    if (delivery !== undefined && !/^[\x21-\x7e]{1,200}$/.test(delivery))
      throw new UserError("X-GitHub-Delivery must be 1 to 200 printable characters");
    const event = c.req.header("x-github-event") ?? "";
    const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
    const repository = str(isPlainObject(p.repository) ? p.repository.full_name : undefined);
    const ref = str(p.ref);
    let branch: string | undefined;
    if (event === "delete" && p.ref_type === "branch") branch = ref;
    if (event === "push" && p.deleted === true && ref?.startsWith("refs/heads/")) branch = ref.slice(11) || undefined;
    const r = await receiveBranchDeletion(o, { delivery, repository, branch });
    if ("duplicate" in r)
      return c.json({ duplicate: `delivery ${delivery} was already received`, ...(r.id ? { id: r.id } : {}) });
    if ("ignored" in r) return c.json({ ignored: `not a branch deletion (${event || "no X-GitHub-Event"})` });
    return c.json({ id: r.id }, 201);
  });
  return app;
}
