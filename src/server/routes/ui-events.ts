/**
 * GET /ui/events?topic=envs|env|app|activity|repos|repo[&env=E][&app=A][&repo=R][&branch=B][&after=ID]: the one
 * event stream of a dashboard
 * page. It reuses the hub (and its Last-Event-ID replay) and the access policy's view of events, and
 * sends only named events that tell the page which of its fragments to refetch (`apps-changed`,
 * `app-changed`, `envs-changed`, `activity-changed`, `repos-changed`, `commits-changed`, `branches-changed`): the data
 * itself comes through the page's own
 * GET routes, which authorize as usual. A heartbeat comment keeps proxies from closing a quiet stream.
 */
import type { Context } from "hono";
import { eventEnvs, type HubEvent } from "../../core/events.ts";
import { encodeSse } from "../../core/sse.ts";
import { UserError } from "../../core/errors.ts";
import type { Delivery, EventHub } from "../event-hub.ts";
import { eventFor } from "../policy.ts";
import type { PageEnv } from "../web-auth.ts";
import { can } from "../web-auth.ts";
import { hubSse, keepOpen, sseResponse } from "./sse.ts";
import { safeName } from "./util.ts";

export type Topic =
  | { kind: "envs" }
  | { kind: "env"; env: string }
  | { kind: "app"; env: string; app: string }
  | { kind: "activity" }
  | { kind: "repos" }
  /** `branch` "": every branch. */
  | { kind: "repo"; repo: string; branch: string };

/** A free-text query value (repository or branch name): bounded, no control characters. */
function textQuery(c: Context, name: string, required: boolean): string {
  const v = c.req.query(name) ?? "";
  if ((required && !v) || v.length > 255 || /[\u0000-\u001f\u007f]/.test(v)) {
    const what = required ? "a name of 1 to 255 characters" : "at most 255 characters";
    throw new UserError(`${name} must be ${what} without control characters`, { path: name });
  }
  return v;
}

export function topicOf(c: Context<PageEnv>): Topic {
  const kind = c.req.query("topic");
  const env = () => safeName(c.req.query("env") ?? "", "env");
  switch (kind) {
    case "envs":
    case "activity":
    case "repos":
      return { kind };
    case "repo":
      return { kind, repo: textQuery(c, "repo", true), branch: textQuery(c, "branch", false) };
    case "env":
      return { kind, env: env() };
    case "app":
      return { kind, env: env(), app: safeName(c.req.query("app") ?? "", "app") };
    default:
      throw new UserError("topic must be one of envs, env, app, activity, repos, repo", { path: "topic" });
  }
}

const pageEvent: Record<Topic["kind"], string> = {
  envs: "envs-changed",
  env: "apps-changed",
  app: "app-changed",
  activity: "activity-changed",
  repos: "repos-changed",
  repo: "commits-changed",
};

/** Whether an event concerns what a page on `t` shows. */
export function concerns(t: Topic, e: HubEvent): boolean {
  // An artifact only changes the repository pages; its release shows on the others as release events.
  // A repo page's branch switcher lists every branch, so an artifact on any of them concerns it.
  if (e.type === "artifact.received") return t.kind === "repos" || (t.kind === "repo" && e.repo === t.repo);
  switch (t.kind) {
    case "repos":
    case "repo":
      return false;
    case "envs":
      return e.type !== "release.queued";
    case "activity":
      return e.type.startsWith("release.") || e.type === "gitops.commit-status";
    case "env":
      return eventEnvs(e).includes(t.env);
    case "app":
      if (!eventEnvs(e).includes(t.env)) return false;
      switch (e.type) {
        case "app.state":
          return e.state?.name === t.app || e.app === t.app || e.app.endsWith(`/${t.app}`);
        case "release.queued":
          return e.targets.some((x) => x.env === t.env && (!x.app || x.app === t.app));
        case "release.processed":
        case "release.failed":
          return (
            e.results.some((r) => r.app === t.app) ||
            e.targets.some((x) => x.env === t.env && (!x.app || x.app === t.app))
          );
        default:
          return true;
      }
  }
}

/**
 * The page events a batch makes a page on `t` send. A repo page's commits change only with an artifact
 * on the branch shown; its branch switcher (counts, new branches) with any artifact of the repo.
 */
export function pageEvents(t: Topic, items: Delivery[]): string[] {
  if (t.kind !== "repo") return [pageEvent[t.kind]];
  const onBranch = (i: Delivery) =>
    i.kind === "resync" || !t.branch || (i.p.event.type === "artifact.received" && i.p.event.branch === t.branch);
  return items.some(onBranch) ? ["commits-changed", "branches-changed"] : ["branches-changed"];
}

export function uiEventsHandler(d: {
  events: EventHub;
  requestTimeout?: (req: Request, s: number) => void;
  sseHeartbeatMs?: number;
}) {
  return (c: Context<PageEnv>) => {
    const t = topicOf(c);
    can(c, "dashboard.view", "env" in t ? { env: t.env } : {});
    const user = c.get("user");
    keepOpen(c, d.requestTimeout);
    // A reconnect resumes from what it saw; a new page from where its data was read (`after`).
    const after = c.req.header("last-event-id") || c.req.query("after") || undefined;
    const sub = d.events.subscribe({ after, filter: (e) => eventFor(user, e) !== undefined && concerns(t, e) });
    c.req.raw.signal.addEventListener("abort", () => sub.close(), { once: true });
    const heartbeatMs = d.sseHeartbeatMs ?? 15_000;
    // At most one page event per `gapMs`: what arrives meanwhile is coalesced into the next one.
    const gapMs = 250;
    let lastSent = 0;
    const beforePull = async () => {
      const since = Date.now() - lastSent;
      if (since < gapMs) await Bun.sleep(gapMs - since);
    };
    // One page event per batch: the fragment refetches once however many events arrived.
    const encode = (items: Delivery[]) => {
      const last = items.findLast((i) => i.kind === "event");
      const id = last?.kind === "event" ? d.events.wireId(last.p.seq) : undefined;
      lastSent = Date.now();
      const data = String(items.length);
      return pageEvents(t, items)
        .map((event) => encodeSse({ ...(id ? { id } : {}), event, data }))
        .join("");
    };
    return sseResponse(hubSse(sub, { batch: 1024, heartbeatMs, encode, beforePull }));
  };
}
