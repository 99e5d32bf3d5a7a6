import { expect, test } from "bun:test";
import fc from "fast-check";
import { Budget, parseTemplate, renderTemplate } from "./index.ts";

/** Output or error message, and what the run charged to its budget. */
function run(f: (budget: Budget) => string, budget: Budget): unknown {
  try {
    return { out: f(budget), steps: budget.steps, written: budget.written };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const segment = fc.oneof(
  fc.constantFrom("{{ .SHA }}", "{{.SHA}}", "{{  .BRANCH }}", "{{ .MISSING }}", "{{ .NUM }}", "{{ .constructor }}"),
  fc.constantFrom("{{ . }}", "{{ .SHA | trunc 4 }}", "{{- .SHA }}", "{{/* c */}}", "{", "}", "{{", "}}", "{{{ .SHA }}"),
  fc.constantFrom("x", "ghcr.io/a:", "-", ""),
  fc.string({ maxLength: 4 }),
);

test("field-only templates give what the engine gives, and charge its budget the same", () => {
  const data = { SHA: "0123abcd", BRANCH: "main", NUM: 5 as unknown as string };
  fc.assert(
    fc.property(
      fc.array(segment, { maxLength: 6 }),
      fc.constantFrom(0, 3, 5, 1000),
      fc.constantFrom(8, 20, 1 << 20),
      (parts, maxSteps, maxOutputBytes) => {
        const text = parts.join("");
        const limits = { maxSteps, maxOutputBytes };
        const engine = run((b) => parseTemplate(text, { limits: b }).execute(data), new Budget(limits));
        expect(run((b) => renderTemplate(text, data, { limits: b }), new Budget(limits))).toEqual(engine);
      },
    ),
    { numRuns: 3000 },
  );
});

test("a field of a variable renders without the engine in its common form", () => {
  const budget = new Budget();
  const out = renderTemplate("ghcr.io/acme/web:{{ .SHA }}", { SHA: "abc" }, { limits: budget });
  expect(out).toBe("ghcr.io/acme/web:abc");
  expect([budget.steps, budget.written]).toEqual([3, 20]);
});
