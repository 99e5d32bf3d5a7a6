import { describe, expect, test } from "bun:test";
import { Budget, renderTemplate, TemplateError, untrustedLimits } from "./index.ts";

/** Renders and returns the TemplateError it must throw, timing it: a limit must stop work early. */
function refused(
  text: string,
  limits?: ConstructorParameters<typeof Budget>[0] | Budget,
  data: unknown = {},
): TemplateError {
  const started = performance.now();
  let err: unknown;
  try {
    renderTemplate(text, data, { name: "values.yaml", ...(limits ? { limits } : {}) });
  } catch (e) {
    err = e;
  }
  expect(performance.now() - started).toBeLessThan(3000);
  expect(err).toBeInstanceOf(TemplateError);
  return err as TemplateError;
}

describe("step budget", () => {
  test("nested ranges over until 1000000 stop at the step limit, at the inner range", () => {
    const e = refused("x\n  {{ range until 1000000 }}{{ range until 1000000 }}{{ end }}{{ end }}");
    expect(e.limit?.limit).toBe("maxSteps");
    expect(e.message).toContain("step limit of 1,000,000");
    expect(e.describe()).toMatch(/^values\.yaml:2:\d+: at <.*>: template exceeded its step limit/);
    expect(e.hint).toContain("bounded");
  });

  test("a range over a huge integer stops at the step limit", () => {
    expect(refused("{{ range 100000000000 }}{{ end }}").limit?.limit).toBe("maxSteps");
  });

  test("recursion through define stops (depth or steps), never overflows the stack", () => {
    const e = refused(`{{ define "a" }}{{ template "a" . }}{{ template "a" . }}{{ end }}{{ template "a" . }}`);
    expect(e.message).toMatch(/maximum template depth|step limit/);
  });

  test("uniq over a long list is charged before it runs", () => {
    const e = refused("{{ until 100000 | uniq | len }}");
    expect(e.limit?.limit).toBe("maxSteps");
    expect(e.message).toContain("uniq");
  });

  test("a custom budget raises the limit: the same template then renders", () => {
    const text = "{{ range until 2000 }}{{ range until 600 }}{{ end }}{{ end }}ok";
    expect(refused(text).limit?.limit).toBe("maxSteps");
    expect(renderTemplate(text, {}, { limits: { maxSteps: 5_000_000 } })).toBe("ok");
  });
});

describe("output and size cap", () => {
  test("repeat 400000000 is refused before it allocates, naming repeat and the sizes", () => {
    const rss = process.memoryUsage().rss;
    const e = refused('{{ repeat 400000000 "x" }}');
    expect(e.limit?.limit).toBe("maxOutputBytes");
    expect(e.message).toContain("repeat would be 400,000,000");
    expect(e.message).toContain(`${untrustedLimits.maxOutputBytes.toLocaleString("en")} bytes`);
    expect(process.memoryUsage().rss - rss).toBeLessThan(100e6);
  });

  test("output written by many small steps stops at the cap", () => {
    const text = "{{ range until 200 }}0123456789{{ end }}";
    expect(renderTemplate(text, {}, { limits: { maxOutputBytes: 2000 } })).toHaveLength(2000);
    expect(refused(text, { maxOutputBytes: 1999 }).message).toContain("output reached 2,000");
  });

  test("until, untilStep and seq refuse lists past the cap", () => {
    expect(refused("{{ until 1000000000 }}").message).toContain("list of numbers would be 1,000,000,000");
    expect(refused("{{ untilStep 0 2000000000 2 }}").limit?.limit).toBe("maxOutputBytes");
    expect(refused("{{ seq 1000000000 }}").limit?.limit).toBe("maxOutputBytes");
  });

  test("printf widths add up across verbs", () => {
    const e = refused('{{ printf "%1000000d%1000000d%1000000d%1000000d%1000000d" 1 2 3 4 5 }}');
    expect(e.limit?.limit).toBe("maxOutputBytes");
  });

  test("indent, replace, wrapWith refuse what they would multiply", () => {
    const big = '{{ $s := repeat 100000 "a\\n" }}';
    expect(refused(`${big}{{ indent 100 $s }}`).message).toContain("indented string");
    expect(refused(`${big}{{ $s | replace "a" (repeat 1000 "b") }}`).message).toContain("replace");
    expect(refused(`${big}{{ wrapWith 1 (repeat 1000 "-") $s }}`).message).toContain("wrapped string");
  });

  // A list holding itself twice, 40 levels deep, is 2^40 leaves when flattened.
  const doubling = '{{ $a := list "0123456789" }}{{ range until 40 }}{{ $a = list $a $a }}{{ end }}';
  for (const [what, expr] of [
    ["print", "{{ $a }}"],
    ["printf", '{{ printf "%v" $a }}'],
    ["toJson", "{{ toJson $a }}"],
    ["toPrettyJson", "{{ toPrettyJson $a }}"],
    ["toYaml", "{{ toYaml $a }}"],
    ["deepCopy", "{{ deepCopy $a | len }}"],
    ["join", '{{ join "," $a }}'],
    ["cat", "{{ cat $a $a }}"],
    ["quote", "{{ quote $a }}"],
    ["toStrings", "{{ toStrings $a | len }}"],
  ] as const) {
    test(`${what} of a value shared exponentially is refused at the cap`, () => {
      expect(refused(doubling + expr).limit?.limit).toBe("maxOutputBytes");
    });
  }

  test("many references to one big string do not multiply in join or cat", () => {
    const big = '{{ $s := repeat 1000000 "x" }}{{ $l := list }}{{ range until 100 }}{{ $l = append $l $s }}{{ end }}';
    expect(refused(big + '{{ join "" $l | len }}').limit?.limit).toBe("maxOutputBytes");
    expect(refused(big + "{{ cat $s $s $s $s $s | len }}").limit?.limit).toBe("maxOutputBytes");
  });
});

describe("budgets shared by several runs", () => {
  test("a Budget bounds the sum of every run that uses it", () => {
    const b = new Budget({ maxOutputBytes: 25, maxSteps: 1000 });
    expect(renderTemplate("{{ repeat 10 `x` }}", {}, { limits: b })).toHaveLength(10);
    expect(renderTemplate("{{ repeat 10 `y` }}", {}, { limits: b })).toHaveLength(10);
    expect(refused("{{ repeat 10 `z` }}", b).message).toContain("output reached 30");
  });

  test("steps add up across runs", () => {
    const b = new Budget({ maxSteps: 40 });
    renderTemplate("{{ range until 20 }}{{ end }}", {}, { limits: b });
    expect(refused("{{ range until 20 }}{{ end }}", b).limit?.limit).toBe("maxSteps");
  });
});

test("templates inside the limits render as before", () => {
  const text =
    '{{ range $i, $e := until 3 }}{{ $i }}={{ $e | toString | repeat 2 | quote }};{{ end }}{{ toJson (dict "a" (list 1 2)) }}';
  expect(renderTemplate(text, {})).toBe('0="00";1="11";2="22";{"a":[1,2]}');
});
