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

export class Notifier {
  constructor(
    private readonly cfg: NotifierConfig | undefined,
    private readonly log: (msg: string, f?: Record<string, unknown>) => void = () => {},
    private readonly retries = 3,
  ) {}

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
