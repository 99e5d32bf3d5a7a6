import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { parseYamlAll, toYaml } from "./yaml.ts";
import { yaml11ParseOptions } from "./yaml11.ts";

describe("toYaml()", () => {
  test("quotes strings a YAML 1.1 reader such as the Kubernetes API would take for booleans or numbers", () => {
    const out = toYaml({ a: "yes", b: "on", c: "1:20", d: "017", e: "1_000", f: "hello", g: "" });
    expect(out).toBe('a: "yes"\nb: "on"\nc: "1:20"\nd: "017"\ne: "1_000"\nf: hello\ng: ""\n');
    expect(parse(out, { version: "1.1" })).toEqual({
      a: "yes",
      b: "on",
      c: "1:20",
      d: "017",
      e: "1_000",
      f: "hello",
      g: "",
    });
  });

  test("writes sequences unindented and never folds long lines", () => {
    expect(toYaml({ l: ["x".repeat(200)] })).toBe(`l:\n- ${"x".repeat(200)}\n`);
  });

  test("escapes control characters, DEL, C1, NEL, LS, PS and BOM as go-yaml does, so kubectl can read them", () => {
    const v = {
      del: "a\x7fb",
      nel: "x\u0085y",
      ls: "x\u2028y",
      ps: "x\u2029y",
      bel: "\x07",
      c1: "\x80\x9f",
      bom: "\ufeffz",
      mixed: "a\nb\x7f",
    };
    const out = toYaml(v);
    expect(out).toBe(
      'del: "a\\x7Fb"\nnel: "x\\Ny"\nls: "x\\Ly"\nps: "x\\Py"\nbel: "\\a"\nc1: "\\x80\\x9F"\nbom: "\\uFEFFz"\nmixed: "a\\nb\\x7F"\n',
    );
    expect(/[\x7f-\x9f\u2028\u2029\ufeff]/.test(out)).toBe(false);
    expect(parse(out, yaml11ParseOptions)).toEqual(v);
    expect(toYaml({ "k\x7f": "v" })).toBe('"k\\x7F": v\n');
  });

  test("quotes every string go-yaml v2 would read as a number (0o17, 0x_1F, 1__0)", () => {
    expect(toYaml(["0o17", "0x_1F", "1__0", "1.5e3", "1.2.3"])).toBe(
      '- "0o17"\n- "0x_1F"\n- "1__0"\n- "1.5e3"\n- 1.2.3\n',
    );
  });
});

describe("parseYamlAll()", () => {
  test("reads YAML 1.2 by default and YAML 1.1 (as sigs.k8s.io/yaml) when asked", () => {
    expect(parseYamlAll("a: yes\nb: 0644\n")).toEqual([{ a: "yes", b: 644 }]);
    expect(parseYamlAll("a: yes\nb: 0644\n", "f", 0, { yaml11: true })).toEqual([{ a: true, b: 420 }]);
  });

  test("refuses .inf in YAML 1.1 mode with its position: JSON cannot hold it, the original refused it", () => {
    expect(() => parseYamlAll("a: .inf\n", "f.yaml", 0, { yaml11: true })).toThrow(
      /f\.yaml:1|not a number JSON can hold/,
    );
  });
});
