/**
 * The app page's requests through the env's agent: describe-like details of the workload or a pod,
 * and Flux reconcile of the env. Form posts with the session's CSRF token; htmx swaps the answer
 * into the page, a plain post gets it as a page. What goes wrong at the agent (none connected 409,
 * no answer 504, its own error 502) is shown in place, with the status kept for htmx and tests.
 */
import type { Context, Hono } from "hono";
import * as ops from "../../ops/index.ts";
import * as ui from "../../ui/dashboard/index.ts";
import { classify } from "../http-errors.ts";
import { can, type PageEnv } from "../web-auth.ts";
import { isHtmx, type PageKit } from "./page-kit.ts";

type Failure = { message: string; status: number };

/** Runs an agent request; a typed failure becomes what the page shows, anything else stays a 500. */
async function attempt<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: Failure }> {
  try {
    return { value: await fn() };
  } catch (e) {
    const known = classify(e as Error);
    if (!known) throw e;
    return { error: { message: known.message, status: known.status } };
  }
}

export function liveActionPages(app: Hono<PageEnv>, k: PageKit): void {
  const { live, guard, viewer, now, envParam, appParam } = k;

  function answer(
    c: Context<PageEnv>,
    title: string,
    back: string,
    body: ReturnType<typeof ui.ReconcileResult>,
    error?: Failure,
  ) {
    const status = (error?.status ?? 200) as 200;
    if (isHtmx(c)) return c.html(ui.fragment(body), status);
    return c.html(ui.page(ui.ActionPage({ viewer: viewer(c), title, back, children: body })), status);
  }

  app.post("/envs/:env/apps/:app/details", ...guard, async (c) => {
    const env = envParam(c);
    const name = appParam(c);
    can(c, "app.details", { env });
    const pod = String(c.get("form")?.get("pod") ?? "").trim() || undefined;
    const what = pod ? `pod ${pod}` : `the workload of ${name}`;
    const r = await attempt(() => ops.appDetails(live, { env, app: name, ...(pod ? { pod } : {}) }));
    const body = ui.DetailsResult({
      what,
      now: now(),
      ...(r.error ? { error: r.error } : { details: ui.parseDetails(r.value) }),
    });
    const back = `/envs/${encodeURIComponent(env)}/apps/${encodeURIComponent(name)}`;
    return answer(c, `Details of ${what}`, back, body, r.error);
  });

  app.post("/envs/:env/reconcile", ...guard, async (c) => {
    const env = envParam(c);
    can(c, "flux.reconcile", { env });
    const r = await attempt(() => ops.reconcileEnv(live, env));
    const body = ui.ReconcileResult({ now: now(), ...(r.error ? { error: r.error } : r.value) });
    return answer(c, `Reconcile ${env}`, `/envs/${encodeURIComponent(env)}`, body, r.error);
  });
}
