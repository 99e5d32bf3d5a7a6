import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { sanitizeDNSName } from "./index.ts";

const dnsLabel = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/;

describe("sanitizeDNSName()", () => {
  test("always yields a valid DNS label (or the empty string) of at most 63 characters", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: "grapheme" }),
          fc.string({ unit: "binary" }),
          fc.stringMatching(/^[A-Za-z0-9_./ -]{0,80}$/),
        ),
        (s) => {
          const out = sanitizeDNSName(s);
          expect(out).toMatch(dnsLabel);
          expect(out.length).toBeLessThanOrEqual(63);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("is idempotent", () => {
    fc.assert(fc.property(fc.string(), (s) => sanitizeDNSName(sanitizeDNSName(s)) === sanitizeDNSName(s)));
  });

  test("turns branch names into app names", () => {
    expect(sanitizeDNSName("feature/My_Branch")).toBe("feature-my-branch");
    expect(sanitizeDNSName("--Hello--World--")).toBe("hello-world");
    expect(sanitizeDNSName("ÄÖÜ-test")).toBe("test");
    expect(sanitizeDNSName("a".repeat(62) + "-bbbb")).toBe("a".repeat(62));
  });
});
