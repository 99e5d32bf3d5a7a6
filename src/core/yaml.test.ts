import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { toYaml } from "./yaml.ts";

describe("toYaml()", () => {
  test("quotes strings a YAML 1.1 reader such as the Kubernetes API would take for booleans or numbers", () => {
    const out = toYaml({ a: "yes", b: "on", c: "1:20", d: "017", e: "1_000", f: "hello", g: "" });
    expect(out).toBe('a: "yes"\nb: "on"\nc: "1:20"\nd: "017"\ne: "1_000"\nf: hello\ng: ""\n');
    expect(parse(out, { version: "1.1" })).toEqual({ a: "yes", b: "on", c: "1:20", d: "017", e: "1_000", f: "hello", g: "" });
  });

  test("writes sequences unindented and never folds long lines", () => {
    expect(toYaml({ l: ["x".repeat(200)] })).toBe(`l:\n- ${"x".repeat(200)}\n`);
  });
});
