/**
 * GET /metrics: the text both listeners serve — the main port behind a token (createApp), and the
 * optional `--metrics-listen` port with no token, meant for a private scrape address.
 */
import { Hono } from "hono";
import type { ServerDeps } from "./deps.ts";
import { onError } from "./http-errors.ts";
import { processMetrics } from "./process-metrics.ts";

export async function metricsText(d: ServerDeps): Promise<string> {
  const lines = [
    "# HELP gimlet_queue_depth Events waiting or in progress.",
    "# TYPE gimlet_queue_depth gauge",
    `gimlet_queue_depth ${await d.store.queueDepth()}`,
  ];
  lines.push("# HELP gimlet_events Events by type and status.", "# TYPE gimlet_events gauge");
  for (const r of await d.store.eventCounts()) {
    lines.push(`gimlet_events{type="${r.type}",status="${r.status}"} ${r.n}`);
  }
  const latencyHelp = "Seconds from a request's arrival to its gitops commit.";
  lines.push(...(d.worker?.latency.render("gimlet_release_latency_seconds", latencyHelp) ?? []));
  lines.push(...(d.events?.metrics() ?? []));
  lines.push(...processMetrics(d.loopLag));
  return lines.join("\n") + "\n";
}

export const metricsContentType = "text/plain; version=0.0.4; charset=utf-8";

/** The app of the metrics-only listener: /metrics and nothing else, no token. */
export function createMetricsApp(d: ServerDeps): Hono {
  const app = new Hono();
  app.onError(onError);
  app.get("/metrics", async (c) => c.text(await metricsText(d), 200, { "Content-Type": metricsContentType }));
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}: this port serves only /metrics` }, 404));
  return app;
}
