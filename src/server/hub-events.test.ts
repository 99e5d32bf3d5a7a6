import { describe, expect, test } from "bun:test";
import type { RequestResult } from "../core/events.ts";
import { artifactTargets, finished } from "./hub-events.ts";

describe("hub events from queue rows", () => {
  const row = {
    id: "ev-1",
    type: "artifact",
    status: "processed",
    statusDesc: "",
    artifactId: "acme/web-1",
    gitopsHashes: ["a".repeat(40)],
    results: [
      { app: "web", env: "staging", hash: "a".repeat(40), status: "success", statusDesc: "" },
      { app: "web", env: "staging", hash: "", status: "success", statusDesc: "nothing changed" },
      { app: "api", env: "prod", hash: "", status: "failure", statusDesc: "boom" },
      "not a result",
    ],
  };

  test("a processed artifact names its artifact, its distinct targets and every result", () => {
    expect(finished(row)).toEqual({
      type: "release.processed",
      eventId: "ev-1",
      kind: "artifact",
      artifactId: "acme/web-1",
      targets: [
        { env: "staging", app: "web" },
        { env: "prod", app: "api" },
      ],
      status: "processed",
      statusDesc: "",
      gitopsHashes: ["a".repeat(40)],
      results: row.results.slice(0, 3) as RequestResult[],
    });
  });

  test("an error becomes release.failed; a release request carries no artifact id", () => {
    const e = finished({ ...row, type: "release", status: "error", statusDesc: "prod/api: boom" });
    expect(e).toMatchObject({ type: "release.failed", kind: "release", status: "error", statusDesc: "prod/api: boom" });
    expect("artifactId" in e).toBe(false);
  });

  test("artifact targets: literal env/app names only; a templated name is known only once rendered", () => {
    const targets = artifactTargets({
      environments: [
        { env: "staging", app: "web" },
        { env: "preview", app: "web-{{ .BRANCH }}" },
        { env: "{{ .ENV }}" },
        null,
      ],
    });
    expect(targets).toEqual([{ env: "staging", app: "web" }, { env: "preview" }]);
  });
});
