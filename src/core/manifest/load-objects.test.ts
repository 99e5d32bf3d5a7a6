import { describe, expect, test } from "bun:test";
import { toYaml } from "../yaml.ts";
import { loadManifestObjects, loadManifests } from "./load.ts";
import { UserError } from "../errors.ts";

const manifest = {
  app: "web-{{ .BRANCH }}",
  env: "staging",
  namespace: "default",
  deploy: { branch: "main", event: "push" },
  cleanup: { app: "web-{{ .BRANCH }}", event: "branchDeleted" },
  values: { image: { repository: "nginx", tag: "{{ .SHA }}" }, replicas: 2, enabled: "yes", mode: "0644" },
};

describe("loading manifests given as data", () => {
  test("gives what the same manifest loads to from text", () => {
    const vars = { BRANCH: "main", SHA: "abc123" };
    const fromData = loadManifestObjects([manifest], { file: "artifact a-1", vars });
    const fromText = loadManifests(toYaml(manifest), { file: "artifact a-1", vars });
    expect(fromData.map((l) => l.manifest)).toEqual(fromText.map((l) => l.manifest));
    expect(fromData[0]!.manifest.values).toEqual({
      image: { repository: "nginx", tag: "abc123" },
      replicas: 2,
      enabled: "yes",
      mode: "0644",
    });
    expect(fromData[0]!.manifest.cleanup?.app).toBe("web-main");
  });

  test("does not change the objects it was given", () => {
    const copy = structuredClone(manifest);
    loadManifestObjects([copy], { vars: { BRANCH: "x", SHA: "y" } });
    expect(copy).toEqual(manifest);
  });

  test("errors name the given file and the field, without a made-up line", () => {
    let err: unknown;
    try {
      loadManifestObjects([{ ...manifest, replicas: 3 }], {
        file: "artifact a-1 (manifest staging/web)",
        vars: { BRANCH: "b", SHA: "s" },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const text = (err as UserError).describe();
    expect(text).toContain("artifact a-1 (manifest staging/web)");
    expect(text).toContain("replicas");
    expect((err as UserError).pos?.line).toBeUndefined();
  });

  test("a missing variable names the given file", () => {
    let err: unknown;
    try {
      loadManifestObjects([manifest], { file: "artifact a-2 (manifest staging)", vars: {} });
    } catch (e) {
      err = e;
    }
    expect((err as UserError).describe()).toContain("artifact a-2 (manifest staging)");
    expect((err as UserError).describe()).toContain("BRANCH");
  });
});
