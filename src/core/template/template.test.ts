import { describe, expect, test } from "bun:test";
import cases from "../../../tests/oracles/template/cases.json";
import expected from "../../../tests/oracles/template/expected.json";
import { parseTemplate, renderTemplate, TemplateError, type TemplateOptions } from "./index.ts";

interface OracleCase {
  name: string;
  template: string;
  data: unknown;
}
interface OracleResult {
  name: string;
  output?: string;
  error?: string;
}

const fixedNow = new Date("2024-01-02T03:04:05Z");
const opts: TemplateOptions = { name: "tpl", now: () => fixedNow };

/**
 * The part of a Go error that must appear in ours: Go's "template: NAME:LINE:COL:" and
 * "executing … at <…>:" framing is dropped (we report positions separately), and details worded
 * by libraries we do not mirror word for word (encoding/json) shrink to the function name.
 */
export function keyPart(goError: string): string {
  let core = goError.replace(/^template: [^:]*:\d+(:\d+)?: /, "");
  core = core.replace(/^executing "[^"]*" at <.*?>: /, "");
  const lib = /^(error calling \w+: )(invalid character|unexpected end of JSON)/.exec(core);
  return lib ? lib[1]! : core;
}

describe("renderTemplate() matches Go text/template + sprig (tests/oracles/template)", () => {
  const byName = new Map((expected as OracleResult[]).map((r) => [r.name, r]));
  test("the oracle covers every case", () => {
    expect(byName.size).toBe((cases as OracleCase[]).length);
  });
  for (const c of cases as OracleCase[]) {
    const want = byName.get(c.name)!;
    test(c.name, () => {
      let got: string | undefined;
      let err: unknown;
      try {
        got = renderTemplate(c.template, c.data, opts);
      } catch (e) {
        err = e;
      }
      if (want.error === undefined) {
        if (err) throw err;
        expect(got).toBe(want.output!);
        return;
      }
      expect(err).toBeInstanceOf(TemplateError);
      expect((err as TemplateError).message).toContain(keyPart(want.error));
    });
  }
});

describe("TemplateError positions", () => {
  const fail = (text: string, o: TemplateOptions = {}): TemplateError => {
    try {
      renderTemplate(text, { a: { b: 1 }, s: "x" }, { name: "deploy.yaml", ...o });
    } catch (e) {
      if (e instanceof TemplateError) return e;
      throw e;
    }
    throw new Error("expected a TemplateError");
  };

  test("a missing key reports file, line and 1-based column of the field", () => {
    const e = fail("app: demo\ntag: {{ .missing }}\n");
    expect(e.pos).toEqual({ file: "deploy.yaml", line: 2, column: 9 });
    expect(e.message).toBe('at <.missing>: map has no entry for key "missing"');
    expect(e.describe()).toStartWith('deploy.yaml:2:9: at <.missing>: map has no entry for key "missing"');
  });

  test("a chained field reports the position Go reports (the last link)", () => {
    const e = fail("{{ .a.zz }}");
    expect(e.pos).toEqual({ file: "deploy.yaml", line: 1, column: 6 });
    expect(e.message).toContain('map has no entry for key "zz"');
  });

  test("a failing function call names the function and points at the command", () => {
    const e = fail('x\n  {{ fail "stop here" }}');
    expect(e.pos).toEqual({ file: "deploy.yaml", line: 2, column: 6 });
    expect(e.message).toBe('at <fail "stop here">: error calling fail: stop here');
  });

  test("an unknown function is a parse error naming the function", () => {
    const e = fail("a\nb\n{{ nosuch .s }}");
    expect(e.message).toBe('function "nosuch" not defined');
    expect(e.pos?.line).toBe(3);
  });

  test("parse errors report the line Go reports", () => {
    expect(fail("{{ if .s }}\n{{ .s \n\n").message).toBe("unclosed action started at deploy.yaml:2");
    expect(fail("{{ if .s }}\n\nno end").pos?.line).toBe(3);
  });

  test("errors inside a define point into the define", () => {
    const e = fail('{{ define "x" }}\n  {{ .nope }}{{ end }}{{ template "x" . }}');
    expect(e.pos).toEqual({ file: "deploy.yaml", line: 2, column: 6 });
  });

  test("lineOffset shifts reported lines, for templates embedded in bigger files", () => {
    expect(fail("{{ .missing }}", { lineOffset: 10 }).pos).toEqual({ file: "deploy.yaml", line: 11, column: 4 });
    expect(fail("\n{{ end }}", { lineOffset: 4 }).pos?.line).toBe(6);
  });
});

describe("parseTemplate()", () => {
  test("parses once and executes many times", () => {
    const t = parseTemplate("{{ .n }}-{{ .n | add1 }}");
    expect(t.execute({ n: 1 })).toBe("1-2");
    expect(t.execute({ n: 41 })).toBe("41-42");
  });

  test("shares the parse tree of identical texts", () => {
    const text = "cached {{ .x | upper }}";
    const a = parseTemplate(text) as unknown as { tree: object };
    const b = parseTemplate(text, { missingKey: "zero" }) as unknown as { tree: object };
    expect(a.tree).toBe(b.tree);
    const c = parseTemplate(text, { funcs: { extra: () => "" } }) as unknown as { tree: object };
    expect(c.tree).not.toBe(a.tree);
  });

  test("a cached text still fails when a caller function it needs is missing", () => {
    expect(renderTemplate("{{ shout .x }}", { x: "a" }, { funcs: { shout: (s: string) => s.toUpperCase() } })).toBe(
      "A",
    );
    expect(() => renderTemplate("{{ shout .x }}", { x: "a" })).toThrow('function "shout" not defined');
  });
});

describe("TemplateOptions", () => {
  test("missingKey modes: error, zero (empty string) and default (<no value>)", () => {
    expect(() => renderTemplate("{{ .nope }}", {})).toThrow(TemplateError);
    expect(renderTemplate("[{{ .nope }}]", {}, { missingKey: "zero" })).toBe("[]");
    expect(renderTemplate("[{{ .nope }}]", {}, { missingKey: "default" })).toBe("[<no value>]");
    expect(renderTemplate("[{{ .nope.deeper }}]", {}, { missingKey: "default" })).toBe("[<no value>]");
  });

  test("caller functions override defaults and receive plain values", () => {
    const funcs = { upper: (s: unknown) => `U(${String(s)})`, sum: (...xs: number[]) => xs.reduce((a, b) => a + b, 0) };
    expect(renderTemplate('{{ upper "a" }} {{ sum .x .y }}', { x: 1, y: 2.5 }, { funcs })).toBe("U(a) 3.5");
  });

  test("a throwing caller function becomes a TemplateError naming it", () => {
    const funcs = {
      boom: () => {
        throw new Error("kaput");
      },
    };
    expect(() => renderTemplate("{{ boom }}", {}, { funcs })).toThrow("error calling boom: kaput");
  });

  test("runaway template recursion is an error, not a stack overflow", () => {
    expect(() => renderTemplate('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', {})).toThrow(
      "exceeded maximum template depth",
    );
  });

  test("now is injectable", () => {
    expect(
      renderTemplate('{{ now | date "2006-01-02 15:04" }}', {}, { now: () => new Date("2030-05-06T07:08:09Z") }),
    ).toBe("2030-05-06 07:08");
  });
});
