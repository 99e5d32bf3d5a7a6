/** What the settings page may show of the notification config: hosts and channels, never a secret. */
import { expect, test } from "bun:test";
import { maskedUrl, notifierSummary } from "./notify.ts";

test("a URL keeps scheme and host only; a path, query, fragment or user info is replaced by …", () => {
  expect(maskedUrl("https://hooks.slack.com/services/T0/B0/SECRET")).toBe("https://hooks.slack.com/…");
  expect(maskedUrl("https://discord.com/api/webhooks/1/TOKEN")).toBe("https://discord.com/…");
  expect(maskedUrl("https://user:pw@hooks.example:8443")).toBe("https://hooks.example:8443/…");
  expect(maskedUrl("https://hooks.example/?key=SECRET")).toBe("https://hooks.example/…");
  expect(maskedUrl("http://127.0.0.1:9999")).toBe("http://127.0.0.1:9999");
  expect(maskedUrl("not a url SECRET")).toBe("(set; not a URL)");
  expect(maskedUrl(undefined)).toBe("");
});

test("the summary lists the env → channel mapping and whether a token is set, not the token", () => {
  const s = notifierSummary({
    provider: "slack",
    token: "xoxb-SECRET",
    defaultChannel: "#all",
    channelMapping: "staging=#stg, prod = #prod ,broken,=x",
  });
  expect(s).toEqual({
    provider: "slack",
    target: "",
    tokenSet: true,
    defaultChannel: "#all",
    channels: [
      { env: "staging", channel: "#stg" },
      { env: "prod", channel: "#prod" },
    ],
  });
  expect(JSON.stringify(s)).not.toContain("SECRET");
  expect(notifierSummary(undefined)).toBeUndefined();
});
