import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parseTemplate, renderTemplate, sanitizeDNSName, TemplateError } from "./index.ts";

describe("renderTemplate()", () => {
  test("names the missing variable with the template's line and column", () => {
    try {
      renderTemplate("a\nb: {{ .SHA }}", {}, { name: "m.yaml" });
      throw new Error("expected a failure");
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect((e as TemplateError).describe()).toBe('m.yaml:2:7: map has no entry for key "SHA"');
    }
  });

  test("shifts reported lines by lineOffset for templates embedded in a file", () => {
    expect(() => renderTemplate("{{ .X }}", {}, { name: "f", lineOffset: 9 })).toThrow(TemplateError);
    try {
      renderTemplate("{{ .X }}", {}, { name: "f", lineOffset: 9 });
    } catch (e) {
      expect((e as TemplateError).pos).toEqual({ file: "f", line: 10, column: 4 });
    }
  });

  test("prints <no value> for a missing key when missingKey is default", () => {
    expect(renderTemplate("{{ .X }}", {}, { missingKey: "default" })).toBe("<no value>");
  });

  test("reports parse errors as template errors at their line", () => {
    expect(() => renderTemplate("ok\n{{ nofunc }}", {}, { name: "t" })).toThrow('function "nofunc" not defined');
  });

  test("uses the injected clock for now", () => {
    expect(renderTemplate('{{ now | date "2006-01-02" }}', {}, { now: () => new Date(Date.UTC(2030, 4, 6)) })).toBe("2030-05-06");
  });

  test("a parsed template runs many times with different data", () => {
    const t = parseTemplate("{{ .a | upper }}");
    expect([t.execute({ a: "x" }), t.execute({ a: "y" })]).toEqual(["X", "Y"]);
  });

  test("extra funcs override the defaults", () => {
    expect(renderTemplate("{{ upper .a }}", { a: "x" }, { funcs: { upper: () => "custom" } })).toBe("custom");
  });
});

describe("sanitizeDNSName()", () => {
  test("always yields a valid DNS-1123 label of at most 63 characters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        const out = sanitizeDNSName(s);
        return out.length <= 63 && /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/.test(out);
      }),
      { numRuns: 2000 },
    );
  });

  test("keeps a label that has no run of dashes", () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,4}$/), (s) => sanitizeDNSName(s) === s));
  });
});
