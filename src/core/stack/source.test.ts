import { describe, expect, test } from "bun:test";
import { UserError } from "../errors.ts";
import { currentTag, isVersionLocked, parseStackRef, withTag } from "./source.ts";
import { latestVersion, versionsSince } from "./versions.ts";

describe("parseStackRef", () => {
  test.each([
    [
      "https://github.com/gimlet-io/gimlet-stack-reference.git?tag=v0.41.0",
      { kind: "git", url: "https://github.com/gimlet-io/gimlet-stack-reference.git", ref: { tag: "v0.41.0" } },
    ],
    ["https://h/s.git?sha=ABCDEF1", { kind: "git", url: "https://h/s.git", ref: { sha: "abcdef1" } }],
    ["https://h/s.git?branch=main", { kind: "git", url: "https://h/s.git", ref: { branch: "main" } }],
    ["https://h/s.git", { kind: "git", url: "https://h/s.git" }],
    [
      "file:///srv/mirror/stack.git?tag=v1",
      { kind: "file-git", path: "/srv/mirror/stack.git", url: "file:///srv/mirror/stack.git", ref: { tag: "v1" } },
    ],
    ["../stacks/mine", { kind: "dir", path: "/infra/stacks/mine" }],
    ["/abs/stack", { kind: "dir", path: "/abs/stack" }],
    ["embedded:reference?tag=v2", { kind: "embedded", name: "reference", ref: { tag: "v2" } }],
  ])("%s", (repo, want) => {
    expect(parseStackRef(repo, "/infra/env")).toEqual(want as never);
  });

  test.each([
    ["https://h/s.git?tag=v1&branch=main", /give one of/],
    ["https://h/s.git?version=1", /unknown query parameter version/],
    ["https://h/s.git?sha=xyz", /not a commit hash/],
    ["git@github.com:o/s.git", /ssh stack URLs are not supported/],
    ["file://relative/path", /absolute path/],
    ["https://user:pw@h/s.git", /must not contain credentials/],
    ["embedded:reference?branch=x", /pinned with \?tag=/],
  ])("refuses %s", (repo, msg) => {
    expect(() => parseStackRef(repo, "/x")).toThrow(UserError);
    expect(() => parseStackRef(repo, "/x")).toThrow(msg);
  });

  test("locked unless a git URL names no version; the pin moves by tag", () => {
    expect(isVersionLocked(parseStackRef("https://h/s.git", "/"))).toBe(false);
    expect(isVersionLocked(parseStackRef("./dir", "/"))).toBe(true);
    expect(currentTag(parseStackRef("https://h/s.git?tag=v2", "/"))).toBe("v2");
    expect(withTag("https://h/s.git?sha=abcd", "v3.0.0")).toBe("https://h/s.git?tag=v3.0.0");
  });
});

describe("versions", () => {
  const tags = ["v0.10.0", "v0.2.0", "latest", "v0.9.1", "v1.0.0-rc.1", "0.3.0"];
  test("semver order, a leading v tolerated, other tags ignored, pre-releases before releases", () => {
    expect(latestVersion(tags)).toBe("v1.0.0-rc.1");
    expect(versionsSince(tags, "v0.3.0")).toEqual(["v0.9.1", "v0.10.0", "v1.0.0-rc.1"]);
    expect(versionsSince([...tags, "v1.0.0"], "v1.0.0-rc.1")).toEqual(["v1.0.0"]);
    expect(versionsSince(["v1", "v2", "v10"], "v2")).toEqual(["v10"]);
    expect(versionsSince(tags, "main")).toBeUndefined();
  });
});
