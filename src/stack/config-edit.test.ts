import { expect, test } from "bun:test";
import type { UserError } from "../core/errors.ts";
import { setComponentConfig } from "./config-edit.ts";

const text = `---
# the infra stack of prod
stack:
  repository: https://example.com/stack.git?tag=v1 # pinned
config:
  # ingress first
  nginx:
    enabled: false # off for now
    host: example.com
  loki: {enabled: true}
`;

test("changes only what differs; comments, order and other components stay", () => {
  const out = setComponentConfig(text, "stack.yaml", "nginx", { enabled: true, host: "example.com" });
  // yaml re-prints flow maps with inner spaces; that is the one cosmetic change.
  expect(out).toBe(
    text.replace("enabled: false # off", "enabled: true # off").replace("{enabled: true}", "{ enabled: true }"),
  );
});

test("adds a new component, removes keys, and removes a component", () => {
  const out = setComponentConfig(text, "stack.yaml", "certManager", { enabled: true, email: "a@b.c" });
  expect(out).toEndWith("  loki: { enabled: true }\n  certManager:\n    enabled: true\n    email: a@b.c\n");
  const out2 = setComponentConfig(text, "stack.yaml", "nginx", { enabled: false });
  expect(out2).not.toContain("host:");
  expect(out2).toContain("# off for now");
  expect(setComponentConfig(text, "stack.yaml", "nginx", undefined)).not.toContain("nginx");
});

test("a file that is not YAML is a clear error", () => {
  let err: unknown;
  try {
    setComponentConfig("stack: [\n", "stack.yaml", "x", {});
  } catch (e) {
    err = e;
  }
  expect((err as UserError).describe()).toMatch(/^stack.yaml:2:1: not valid YAML: /);
});
