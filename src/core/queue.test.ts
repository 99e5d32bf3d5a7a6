import { describe, expect, test } from "bun:test";
import {
  decodeArtifact,
  decodeRequest,
  decodeResults,
  encodeRequest,
  QueueDecodeError,
  requestTargets,
  type QueueRequest,
} from "./queue.ts";

const artifact = {
  id: "acme/app-1",
  created: 1700000000,
  version: { repositoryName: "acme/app", sha: "abc", event: "push" as const },
  environments: [
    { env: "staging", app: "web" },
    { env: "{{ .ENV }}", app: "x" },
  ],
};

describe("queue requests", () => {
  const cases: QueueRequest[] = [
    { type: "artifact", artifact },
    { type: "release", env: "staging", app: "web", artifactId: "a-1", triggeredBy: "alice" },
    { type: "release", env: "staging", artifactId: "a-1", triggeredBy: "alice" },
    { type: "rollback", env: "staging", app: "web", targetSHA: "abcd1234", triggeredBy: "bob" },
    { type: "delete", env: "staging", app: "web", triggeredBy: "carol" },
    { type: "branchDeleted", repository: "acme/app", branch: "feature" },
  ];
  for (const r of cases) {
    test(`a ${r.type} request decodes to what was encoded`, () => {
      const e = encodeRequest(r);
      expect(e.type).toBe(r.type);
      expect(decodeRequest(e.type, e.blob)).toEqual(r);
    });
  }

  test("rows written by earlier versions decode: a missing triggeredBy reads as api", () => {
    expect(decodeRequest("delete", JSON.stringify({ env: "s", app: "a" }))).toEqual({
      type: "delete",
      env: "s",
      app: "a",
      triggeredBy: "api",
    });
    expect(decodeRequest("release", JSON.stringify({ env: "s", app: null, artifactId: "x" }))).toEqual({
      type: "release",
      env: "s",
      artifactId: "x",
      triggeredBy: "api",
    });
  });

  test("malformed rows are refused with a message naming the problem", () => {
    const msg = (type: string, blob: string) => {
      try {
        decodeRequest(type, blob);
      } catch (e) {
        expect(e).toBeInstanceOf(QueueDecodeError);
        return (e as Error).message;
      }
      throw new Error("decoded");
    };
    expect(msg("release", "{not json")).toContain("not valid JSON");
    expect(msg("release", "[1]")).toContain("must be a JSON object");
    expect(msg("rollback", JSON.stringify({ env: "s", app: "a" }))).toContain("targetSHA is missing");
    expect(msg("delete", JSON.stringify({ env: 3, app: "a" }))).toContain("env must be a string");
    expect(msg("surprise", "{}")).toContain('unknown queued request type "surprise"');
    expect(msg("artifact", JSON.stringify({ version: {} }))).toContain("no id");
    expect(msg("artifact", JSON.stringify({ id: "x", version: {} }))).toContain("stored artifact x is malformed");
  });

  test("a stored artifact keeps its id and time", () => {
    expect(decodeArtifact(JSON.stringify(artifact))).toEqual(artifact);
  });

  test("targets: literal env/app pairs only", () => {
    expect(requestTargets({ type: "artifact", artifact })).toEqual([{ env: "staging", app: "web" }]);
    expect(requestTargets({ type: "release", env: "s", artifactId: "x", triggeredBy: "" })).toEqual([{ env: "s" }]);
    expect(requestTargets({ type: "branchDeleted", repository: "r", branch: "b" })).toEqual([]);
  });
});

describe("queue results", () => {
  test("keeps results and drops entries that are not results", () => {
    const ok = { app: "web", env: "staging", hash: "h", status: "success" as const, statusDesc: "" };
    expect(decodeResults(JSON.stringify([ok, 3, { status: "weird" }, null]))).toEqual([ok]);
    expect(decodeResults("not json")).toEqual([]);
    expect(decodeResults("{}")).toEqual([]);
  });
});
