import { describe, expect, test } from "bun:test";
import { repeatedFlag } from "./flags.ts";

describe("repeatedFlag()", () => {
  test("keeps every value of a repeated flag, in order, in both spellings", () => {
    const argv = ["-f", "a.json", "--var", "A=1", "--var=B=2", "--field", "name=x", "--var", "C=3"];
    expect(repeatedFlag(argv, ["--var"])).toEqual(["A=1", "B=2", "C=3"]);
    expect(repeatedFlag(argv, ["--field"])).toEqual(["name=x"]);
  });

  test("takes aliases and stops at --", () => {
    expect(repeatedFlag(["-p", "a", "--path", "b", "--", "-p", "c"], ["-p", "--path"])).toEqual(["a", "b"]);
  });

  test("a flag without its value is an error naming it", () => {
    expect(() => repeatedFlag(["--set"], ["--set"])).toThrow("--set needs a value");
  });
});
