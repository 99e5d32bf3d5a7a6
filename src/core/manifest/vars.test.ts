import { describe, expect, test } from "bun:test";
import { UserError } from "../errors.ts";
import { mergeVars, parseDotenv } from "./vars.ts";

describe("parseDotenv()", () => {
  test("reads plain, exported, quoted and commented lines", () => {
    const vars = parseDotenv(
      [
        "# comment",
        "SHA=abc123",
        "export BRANCH=main",
        "",
        'MSG="hello\\nworld"',
        "LIT='a $b \\n'",
        "TRAIL=x # note",
        "EMPTY=",
      ].join("\n"),
    );
    expect(vars).toEqual({
      SHA: "abc123",
      BRANCH: "main",
      MSG: "hello\nworld",
      LIT: "a $b \\n",
      TRAIL: "x",
      EMPTY: "",
    });
  });

  test("names the file and line of a malformed entry", () => {
    try {
      parseDotenv("A=1\nnot a pair\n", "ci.env");
      throw new Error("expected a failure");
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).describe()).toStartWith("ci.env:2: expected KEY=VALUE");
    }
  });

  test("rejects an unterminated quote", () => {
    expect(() => parseDotenv('A="open')).toThrow("unterminated double quote");
  });
});

describe("mergeVars()", () => {
  test("lets the vars file win over the environment", () => {
    expect(mergeVars({ A: "env", B: "env" }, { B: "file" })).toEqual({ A: "env", B: "file" });
  });
});
