import { describe, expect, test } from "bun:test";
import { isDnsLabel } from "./k8s.ts";

describe("isDnsLabel", () => {
  test("lowercase letters, digits and inner dashes, 1 to 63 characters", () => {
    for (const ok of ["a", "web", "my-app-2", "0", "a".repeat(63)]) expect(isDnsLabel(ok), ok).toBe(true);
    for (const bad of ["", "-a", "a-", "Web", "a_b", "a.b", "..", "a/b", "a".repeat(64), "é"]) {
      expect(isDnsLabel(bad), bad).toBe(false);
    }
  });
});
