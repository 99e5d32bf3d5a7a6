import { describe, expect, test } from "bun:test";
import { UserError } from "./errors.ts";
import { parseUnixTime, parseWholeNumber } from "./params.ts";

describe("parseWholeNumber", () => {
  test("reads whole numbers up to the maximum", () => {
    expect(parseWholeNumber("0", "--limit")).toBe(0);
    expect(parseWholeNumber("42", "--limit", 42)).toBe(42);
    expect(parseWholeNumber("1000000000", "limit")).toBe(1e9);
  });

  test("refuses negatives, fractions, exponents, blanks and overflow, naming the flag", () => {
    for (const v of ["-1", "1.5", "1e3", "", " 1", "0x10", "43", "99999999999"]) {
      let err: unknown;
      try {
        parseWholeNumber(v, "--offset", 42);
      } catch (e) {
        err = e;
      }
      expect(err, v).toBeInstanceOf(UserError);
      const want = `--offset: must be a whole number from 0 to 42, got ${JSON.stringify(v)}`;
      expect((err as UserError).describe()).toBe(want);
    }
  });
});

describe("parseUnixTime", () => {
  test("an RFC 3339 time becomes Unix seconds, offsets applied", () => {
    expect(parseUnixTime("2024-05-01T10:00:00Z", "--since")).toBe(1714557600);
    expect(parseUnixTime("2024-05-01T12:00:00+02:00", "--since")).toBe(1714557600);
  });

  test("anything else is a UserError naming the flag with an example", () => {
    let err: UserError | undefined;
    try {
      parseUnixTime("yesterday", "until");
    } catch (e) {
      err = e as UserError;
    }
    expect(err?.describe()).toBe('until: must be an RFC 3339 time, got "yesterday" (e.g. 2024-05-01T10:00:00Z)');
  });
});
