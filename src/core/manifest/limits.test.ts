import { expect, test } from "bun:test";
import { TemplateError } from "../template/index.ts";
import { loadManifests } from "./load.ts";

function refusal(text: string, limits?: { maxSteps?: number; maxOutputBytes?: number }): TemplateError {
  try {
    loadManifests(text, { file: "artifact 42", vars: {}, ...(limits ? { limits } : {}) });
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return e as TemplateError;
  }
  throw new Error("the manifest loaded");
}

test("a runaway template in a manifest is refused with the manifest, line and limit named", () => {
  const e = refusal(
    'app: web\nenv: staging\nvalues:\n  x: "{{ range until 1000000 }}{{ range until 1000000 }}{{ end }}{{ end }}"\n',
  );
  expect(e.describe()).toMatch(/^artifact 42:4:\d+: at <.*>: template exceeded its step limit of 1,000,000/);
  expect(e.limit?.limit).toBe("maxSteps");
});

test("the size cap holds for the whole manifest, not per templated value", () => {
  const values = Array.from({ length: 8 }, (_, i) => `  v${i}: "{{ repeat 1000 \\"x\\" }}"`).join("\n");
  const text = `app: web\nenv: staging\nvalues:\n${values}\n`;
  expect(loadManifests(text, { limits: { maxOutputBytes: 8000 } })[0]!.manifest.values!.v7).toHaveLength(1000);
  const e = refusal(text, { maxOutputBytes: 7999 });
  expect(e.limit?.limit).toBe("maxOutputBytes");
  expect(e.describe()).toMatch(/^artifact 42:11:/);
});

test("cleanup templates share the manifest's budget", () => {
  const text = 'app: web\nenv: staging\ncleanup:\n  app: "{{ repeat 5000 `ab` }}"\n  event: branchDeleted\n';
  expect(refusal(text, { maxOutputBytes: 1000 }).message).toContain("repeat would be 10,000");
});
