/**
 * POST /api/flux-events: the notification-controller's generic provider payload. The gitops
 * commit is the revision's sha, in either form Flux sends (`main/<sha>`, `main@sha1:<sha>`).
 */
import { Hono } from "hono";
import { UserError } from "../../core/errors.ts";
import { isPlainObject } from "../../core/k8s.ts";
import type { AppEnv } from "../auth.ts";
import { commitEnv, recordFluxWord } from "../../ops/index.ts";
import { opsOf, type ServerDeps } from "../deps.ts";
import { allow, authorize } from "../policy.ts";
import { jsonBody, safeName } from "./util.ts";

export function revisionSha(revision: string): string | undefined {
  const m = /(?:@sha1:|\/)([0-9a-f]{40})$/.exec(revision) ?? /^([0-9a-f]{40})$/.exec(revision);
  return m?.[1];
}

export function fluxRoutes(d: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const o = opsOf(d);
  app.post("/flux-events", allow("flux.event"), async (c) => {
    const ev = await jsonBody(c);
    if (!isPlainObject(ev) || typeof ev.reason !== "string") throw new UserError("not a Flux event: reason is missing");
    const meta = (isPlainObject(ev.metadata) ? ev.metadata : {}) as Record<string, unknown>;
    // Flux 2 prefixes metadata keys with the controller's group (kustomize.toolkit.fluxcd.io/revision).
    // Flux sends only strings here; anything else is not a value we can use.
    const field = (k: string) => {
      const v = meta[k] ?? Object.entries(meta).find(([key]) => key.endsWith(`/${k}`))?.[1];
      return typeof v === "string" ? v : undefined;
    };
    if (ev.message !== undefined && typeof ev.message !== "string")
      throw new UserError("not a Flux event: message must be a string");
    // A token bound to an env reports for that env only; an unbound one names the env in ?env=.
    const user = c.get("user");
    const queryEnv = c.req.query("env");
    if (queryEnv) authorize(user, "flux.event", { env: safeName(queryEnv, "env") });
    const env = queryEnv || user.env;
    // The original ignored every `commit_status: update` event; Flux 2 sends its ReconciliationSucceeded
    // only that way (with the last applied revision): the definitive word that the commit is applied.
    if (field("commit_status") === "update" && ev.reason !== "ReconciliationSucceeded") return c.json({});
    const sha = revisionSha(String(field("revision") ?? ""));
    d.log?.("flux event", { reason: ev.reason, revision: field("revision") ?? "", env });
    if (!sha) return c.json({ ignored: "no commit revision in the event" });
    const known = await commitEnv(o, sha);
    if (known && known !== env) authorize(user, "flux.event", { env: known });
    const status = ev.reason;
    const statusDesc = String(ev.message ?? "");
    const word = await recordFluxWord(o, { sha, env, status, statusDesc });
    if (!word.recorded) return c.json({});
    d.events?.publish({ type: "gitops.commit-status", sha, env, status, desc: statusDesc });
    if (word.verdict === "failed")
      void d.notifier?.send({
        kind: "fluxFailed",
        env,
        text: `❗ Gitops changes from ${sha.slice(0, 8)} failed to apply: ${statusDesc || status}`,
      });
    else if (word.becameApplied)
      void d.notifier?.send({ kind: "fluxApplied", env, text: `✔️ Applied resources from ${sha.slice(0, 8)}` });
    return c.json({});
  });
  return app;
}
