/** `gimlet serve`: the release manager on its embedded defaults (data dir with SQLite and hosted repos). */
import { defineCommand } from "citty";
import { UserError } from "../core/errors.ts";
import { serve } from "../server/index.ts";
import { databaseFlag, databaseFrom } from "./database.ts";
import { stderr } from "./io.ts";
import { UsageError } from "./run-main.ts";

export default defineCommand({
  meta: {
    name: "serve",
    description: "Run the release manager (API, worker, gitops writes); `serve manifests` prints its install YAML",
  },
  args: {
    what: {
      type: "positional",
      required: false,
      description: "`manifests`: print the objects that run it",
      valueHint: "manifests",
    },
    "data-dir": {
      type: "string",
      description: "Data directory (env GIMLET_DATA_DIR, default ./gimlet-data)",
      valueHint: "DIR",
    },
    listen: {
      type: "string",
      description: "Address to listen on (env GIMLET_LISTEN, default 127.0.0.1:9000)",
      valueHint: "HOST:PORT",
    },
    "metrics-listen": {
      type: "string",
      description: "Also serve /metrics here without a token; bind a private address (env GIMLET_METRICS_LISTEN)",
      valueHint: "HOST:PORT",
    },
    host: {
      type: "string",
      description: "Public URL of this server (env GIMLET_HOST); https makes the dashboard's cookie Secure",
      valueHint: "URL",
    },
    "trust-proxy": {
      type: "boolean",
      default: false,
      description: "Believe X-Forwarded-Proto from a proxy in front (env GIMLET_TRUST_PROXY=1); never on a bare port",
    },
    "log-format": { type: "enum", options: ["text", "json"], default: "text", description: "Log format" },
    reindex: {
      type: "boolean",
      default: false,
      description: "Rebuild the release history index of every env from git first",
    },
    image: { type: "string", description: "manifests: the gimlet image", valueHint: "IMAGE" },
    namespace: { type: "string", description: "manifests: namespace (default gimlet)", valueHint: "NS" },
    "storage-class": {
      type: "string",
      description: "manifests: StorageClass of the data dir's PVC",
      valueHint: "CLASS",
    },
    size: { type: "string", description: "manifests: size of the data dir's PVC (default 10Gi)", valueHint: "SIZE" },
    secret: { type: "boolean", default: true, description: "manifests: include the Secret with a new encryption key" },
    "database-secret": {
      type: "string",
      description:
        "manifests: PostgreSQL: GIMLET_DATABASE_URL from this existing Secret (key default GIMLET_DATABASE_URL)",
      valueHint: "NAME[:KEY]",
    },
    replicas: {
      type: "string",
      description: "manifests: replicas (more than 1 needs --database-secret and a ReadWriteMany volume)",
      valueHint: "N",
    },
    "access-mode": {
      type: "string",
      description: "manifests: the shared data dir's PVC access mode with --database-secret (default ReadWriteMany)",
      valueHint: "ReadWriteMany|ReadWriteOnce",
    },
    ...databaseFlag,
  },
  async run({ args }) {
    if (args.what !== undefined && args.what !== "manifests") {
      throw new UsageError(`unknown command ${JSON.stringify(args.what)}`, { hint: "available: manifests" });
    }
    if (args.what === "manifests") return (await import("./serve-manifests.ts")).printServeManifests(args);
    const manifestsOnly = ["image", "namespace", "storage-class", "size", "database-secret", "replicas", "access-mode"];
    for (const f of manifestsOnly as (keyof typeof args)[]) {
      if (args[f] !== undefined) throw new UsageError(`--${f} is for \`gimlet serve manifests\``);
    }
    // The binary starts with high JIT thresholds so one-shot commands stay in the interpreter
    // (scripts/build.ts); a long-running server wants the normal policy.
    Bun.unsafe.setJITPolicy(1);
    const listen = listenAddress(args.listen ?? process.env.GIMLET_LISTEN ?? "127.0.0.1:9000", "--listen");
    const metrics = args["metrics-listen"] ?? process.env.GIMLET_METRICS_LISTEN;
    const metricsListen = metrics ? listenAddress(metrics, "--metrics-listen") : undefined;
    const database = databaseFrom(args);
    // Listening before the server is up: a SIGTERM during start-up still ends in a clean stop
    // (the serve lock released, the event in progress finished), not in the default kill.
    const signalled = new Promise<void>((resolve) => {
      process.once("SIGTERM", () => resolve());
      process.once("SIGINT", () => resolve());
    });
    const s = await serve({
      dataDir: args["data-dir"] ?? process.env.GIMLET_DATA_DIR ?? "gimlet-data",
      ...listen,
      metricsListen,
      host: publicUrlFrom(args.host ?? process.env.GIMLET_HOST),
      trustProxy: args["trust-proxy"] || /^(1|true|yes)$/i.test(process.env.GIMLET_TRUST_PROXY ?? ""),
      logFormat: args["log-format"] as "text" | "json",
      log: (line) => void stderr(line + "\n"),
      reindex: !!args.reindex,
      webhookSecret: process.env.GIMLET_WEBHOOK_SECRET,
      database,
      adminToken: process.env.GIMLET_ADMIN_TOKEN || undefined,
      // Environment, like the original's NOTIFICATIONS_* settings.
      notifications: process.env.GIMLET_NOTIFICATIONS_PROVIDER
        ? {
            provider: process.env.GIMLET_NOTIFICATIONS_PROVIDER as "slack" | "discord" | "webhook",
            token: process.env.GIMLET_NOTIFICATIONS_TOKEN,
            url: process.env.GIMLET_NOTIFICATIONS_URL,
            defaultChannel: process.env.GIMLET_NOTIFICATIONS_DEFAULT_CHANNEL,
            channelMapping: process.env.GIMLET_NOTIFICATIONS_CHANNEL_MAPPING,
          }
        : undefined,
    });
    await signalled;
    await stderr("shutting down: finishing the event in progress\n");
    await s.stop();
  },
});

function listenAddress(value: string, flag: string): { hostname: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(value);
  if (!m || Number(m[2]) > 65535) {
    const hint = "HOST:PORT, e.g. 127.0.0.1:9000";
    throw new UserError(`invalid listen address ${JSON.stringify(value)}`, { path: flag, hint });
  }
  return { hostname: m[1] || "127.0.0.1", port: Number(m[2]) };
}

/** GIMLET_HOST/--host: only its scheme matters to the server (https: the session cookie is Secure). */
function publicUrlFrom(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let u: URL | undefined;
  try {
    u = new URL(value);
  } catch {
    // reported below
  }
  if (!u || !/^https?:$/.test(u.protocol) || !u.hostname) {
    const hint = "the URL browsers and clusters reach this server at, e.g. https://gimlet.example.com";
    throw new UserError(`${JSON.stringify(value)} is not a public URL of the server`, { path: "--host", hint });
  }
  return u.origin;
}
