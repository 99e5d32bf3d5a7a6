import { describe, expect, test } from "bun:test";
import { lintManifestText } from "./lint.ts";
import { loadManifests } from "./load.ts";

const text = `app: web
env: staging
namespace: default
values:
  vars:
    DEBUG: on
    MODE: 0644
    QUOTED: "yes"
    COUNT: 3
`;

describe("manifests are read as YAML 1.1, as the original read them", () => {
  test("on is true and 0644 is 420 in values", () => {
    const [m] = loadManifests(text, { file: "m.yaml" });
    expect(m!.manifest.values).toEqual({ vars: { DEBUG: true, MODE: 420, QUOTED: "yes", COUNT: 3 } });
  });

  test("lint warns about each plain scalar YAML 1.2 reads otherwise, at its line, and suggests quotes", () => {
    const r = lintManifestText(text, "m.yaml", {});
    expect(r.problems).toEqual([]);
    expect(r.warnings.map((w) => w.describe())).toEqual([
      'm.yaml:6:12: values.vars.DEBUG: on is read as true (YAML 1.1, as Kubernetes, helm and the original Gimlet read it), as "on" by YAML 1.2 (quote it ("on") if you mean the text, or write true)',
      'm.yaml:7:11: values.vars.MODE: 0644 is read as 420 (YAML 1.1, as Kubernetes, helm and the original Gimlet read it), as 644 by YAML 1.2 (quote it ("0644") if you mean the text, or write 420)',
    ]);
  });
});
