/**
 * Notifications of deploys, rollbacks, deletes and Flux results to Slack (chat.postMessage),
 * Discord, or a generic JSON webhook, with env → channel mapping. Sent off the worker's path with
 * retries; a failure is logged and never blocks a release.
 */
export interface NotifierConfig {
  provider: "slack" | "discord" | "webhook";
  /** Slack bot token / Discord bot token; unused for webhook. */
  token?: string;
  /** Webhook URL, or a base URL override for slack/discord (tests point it at a local receiver). */
  url?: string;
  defaultChannel?: string;
  /** `staging=chan1,production=chan2` */
  channelMapping?: string;
}

export interface Message {
  kind: "deploy" | "deployFailed" | "rollback" | "delete" | "fluxApplied" | "fluxFailed";
  env: string;
  app?: string;
  text: string;
  fields?: Record<string, string>;
}

export function channelFor(cfg: NotifierConfig, env: string): string | undefined {
  for (const pair of (cfg.channelMapping ?? "").split(",")) {
    const [e, ch] = pair.split("=");
    if (e?.trim() === env && ch) return ch.trim();
  }
  return cfg.defaultChannel;
}

export function request(cfg: NotifierConfig, m: Message): { url: string; init: RequestInit } {
  const ok = m.kind !== "deployFailed" && m.kind !== "fluxFailed";
  const channel = channelFor(cfg, m.env);
  const context = Object.entries(m.fields ?? {}).map(([k, v]) => `${k}: ${v}`);
  switch (cfg.provider) {
    case "slack":
      return {
        url: `${cfg.url ?? "https://slack.com"}/api/chat.postMessage`,
        init: {
          method: "POST",
          headers: { Authorization: `Bearer ${cfg.token}`, "Content-Type": "application/json; charset=utf-8" },
          body: JSON.stringify({
            channel,
            text: m.text,
            blocks: [
              { type: "section", text: { type: "mrkdwn", text: m.text } },
              ...(context.length
                ? [{ type: "context", elements: context.map((t) => ({ type: "mrkdwn", text: t })) }]
                : []),
            ],
          }),
        },
      };
    case "discord":
      return {
        url: `${cfg.url ?? "https://discord.com"}/api/channels/${channel}/messages`,
        init: {
          method: "POST",
          headers: { Authorization: `Bot ${cfg.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({
            embeds: [
              {
                description: m.text,
                color: ok ? 3066993 : 15158332,
                fields: Object.entries(m.fields ?? {}).map(([name, value]) => ({ name, value })),
              },
            ],
          }),
        },
      };
    case "webhook":
      return {
        url: cfg.url!,
        init: {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ ...m, channel, ok }),
        },
      };
  }
}

/** What the settings page shows of the configuration: never a token, nor a webhook URL's path. */
export interface NotifierSummary {
  provider: NotifierConfig["provider"];
  /** Where messages go, as scheme and host only ("" = the provider's public API). */
  target: string;
  tokenSet: boolean;
  defaultChannel: string;
  channels: { env: string; channel: string }[];
}

/**
 * A URL shown without what may be its secret: webhook URLs carry their token in the path (Slack
 * `/services/T…/B…/XXXX`, Discord `/api/webhooks/ID/TOKEN`) or query, some in the user info.
 */
export function maskedUrl(url: string | undefined): string {
  if (!url) return "";
  try {
    const u = new URL(url);
    const hidden = u.pathname.replace(/\/+$/, "") + u.search + u.hash + u.username + u.password !== "";
    return `${u.protocol}//${u.host}${hidden ? "/…" : ""}`;
  } catch {
    return "(set; not a URL)";
  }
}

export function notifierSummary(cfg: NotifierConfig | undefined): NotifierSummary | undefined {
  if (!cfg) return undefined;
  const channels = (cfg.channelMapping ?? "")
    .split(",")
    .map((pair) => pair.split("="))
    .filter(([e, ch]) => e?.trim() && ch?.trim())
    .map(([e, ch]) => ({ env: e!.trim(), channel: ch!.trim() }));
  return {
    provider: cfg.provider,
    target: maskedUrl(cfg.url),
    tokenSet: !!cfg.token,
    defaultChannel: cfg.defaultChannel ?? "",
    channels,
  };
}

export class Notifier {
  constructor(
    private readonly cfg: NotifierConfig | undefined,
    private readonly log: (msg: string, f?: Record<string, unknown>) => void = () => {},
    private readonly retries = 3,
  ) {}

  /** The configuration as the dashboard may show it (secrets left out), or undefined when none. */
  summary(): NotifierSummary | undefined {
    return notifierSummary(this.cfg);
  }

  /** Fire and forget: returns at once; delivery happens in the background. */
  send(m: Message): Promise<void> {
    if (!this.cfg) return Promise.resolve();
    const { url, init } = request(this.cfg, m);
    const attempt = async (n: number): Promise<void> => {
      try {
        const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
        if (res.ok) return;
        throw new Error(`HTTP ${res.status}`);
      } catch (e) {
        if (n >= this.retries) {
          this.log("notification failed", {
            provider: this.cfg!.provider,
            kind: m.kind,
            env: m.env,
            error: (e as Error).message,
          });
          return;
        }
        await Bun.sleep(200 * 2 ** n);
        return attempt(n + 1);
      }
    };
    return attempt(0);
  }
}
