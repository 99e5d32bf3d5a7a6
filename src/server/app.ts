/** createApp(deps): the Hono app. Never opens a port; tests call `app.request`. */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { authenticate, type AppEnv } from "./auth.ts";
import type { ServerDeps } from "./deps.ts";
import { onError } from "./http-errors.ts";
import { allow, policyAsked } from "./policy.ts";
import { EventHub } from "./event-hub.ts";
import { artifactRoutes } from "./routes/artifacts.ts";
import { eventRoutes } from "./routes/events.ts";
import { fluxRoutes } from "./routes/flux.ts";
import { releaseRoutes } from "./routes/releases.ts";
import { userRoutes } from "./routes/users.ts";
import { envRoutes } from "./routes/envs.ts";
import { agentRoutes } from "./routes/agent.ts";
import { liveRoutes } from "./routes/live.ts";
import { pagePaths, pageRoutes } from "./routes/pages.ts";
import { AgentHub } from "../ops/index.ts";
import { webhookRoutes } from "./routes/webhooks.ts";
import { gitRoutes } from "./routes/git.ts";
import { metricsContentType, metricsText } from "./metrics-app.ts";

export function createApp(d: ServerDeps): Hono<AppEnv> {
  if (!d.events) d = { ...d, events: new EventHub() };
  if (!d.agents) {
    const events = d.events!;
    d = { ...d, agents: new AgentHub({ store: d.store, publish: (e) => events.publish(e), log: d.log }) };
  }
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    await d.store.queueDepth();
    return c.json({ status: "ready" });
  });
  app.use("/metrics", authenticate(d.store), allow("metrics.read"));
  app.get("/metrics", async (c) => c.text(await metricsText(d), 200, { "Content-Type": metricsContentType }));

  if (d.dataDir) {
    // No body-limit middleware here: it would read the whole body before the token is checked.
    // The git routes authenticate first, then stream the body with their own caps and timeouts.
    app.route("/git", gitRoutes({ ...d, dataDir: d.dataDir }));
  }

  // The agent routes read (gzip) bodies themselves, with caps on the wire and inflated.
  const agent = new Hono<AppEnv>();
  agent.use(authenticate(d.store));
  agent.use(policyAsked);
  agent.route("/", agentRoutes({ ...d, agents: d.agents! }));
  app.route("/agent", agent);

  const hooks = new Hono();
  hooks.use(bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.json({ error: "request body too large" }, 413) }));
  hooks.route("/", webhookRoutes(d));
  app.route("/api/webhooks", hooks);

  const api = new Hono<AppEnv>();
  api.use(
    bodyLimit({
      maxSize: d.maxBodyBytes ?? 5 * 1024 * 1024,
      onError: (c) => c.json({ error: "request body too large" }, 413),
    }),
  );
  api.use(authenticate(d.store));
  // Each route names its action (policy.ts allow); one that does not is refused here, not served.
  api.use(policyAsked);
  api.route("/", artifactRoutes(d));
  api.route("/", releaseRoutes(d));
  api.route("/", fluxRoutes(d));
  api.route("/", eventRoutes({ ...d, events: d.events! }));
  api.route("/", userRoutes(d));
  api.route("/", envRoutes(d));
  api.route("/", liveRoutes({ ...d, agents: d.agents! }));
  app.route("/api", api);

  // The dashboard is its own app (session cookies, CSRF, HTML errors): its middleware never sees an API request.
  const pages = pageRoutes({ ...d, events: d.events!, agents: d.agents! });
  for (const p of pagePaths) app.all(p, (c) => pages.fetch(c.req.raw, c.env));
  return app;
}
