/**
 * What the original CLI cli-v0.20.0 added over v0.12.2, against `gimlet serve` (skipped unless the
 * binary was built into ~/.cache/gimlet/bin, see tests/e2e/README.md): `artifact add` fills `vars`
 * (values may hold "="), `artifact push -o json`, `artifact track [-o json] [--wait --timeout]`
 * (GET /api/eventArtifactTrack), `release make -o json` and `release track [-o json] [--wait]`
 * (GET /api/eventReleaseTrack). The human `artifact list` / `release list` output of both versions.
 * Flags go before positional arguments: urfave/cli stops reading flags at the first one.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../support/git-server.ts";
import { type OriginalCliBed, originalCliBin, startOriginalCliBed } from "../support/original-cli.ts";

const v20 = originalCliBin("cli-v0.20.0");
const v12 = originalCliBin("v0.12.2");
let bed: OriginalCliBed;

beforeAll(async () => {
  if (v20.built || v12.built) bed = await startOriginalCliBed();
});
afterAll(() => bed?.stop());

const orig = (args: string[], cwd?: string) => bed.orig(v20.path, args, cwd);
const hex = (s: string) => s.repeat(40 / s.length);

/** An artifact whose manifest has no deploy policy: only `release make` deploys it. */
function manualArtifactFile(sha: string): string {
  const f = bed.artifactFile(sha);
  const a = JSON.parse(readFileSync(f, "utf8"));
  delete a.environments[0].deploy;
  writeFileSync(f, JSON.stringify(a));
  return f;
}

async function pushed(args: string[]): Promise<string> {
  const p = await orig(["artifact", "push", "-o", "json", ...args]);
  expect(p.code, p.stderr).toBe(0);
  return JSON.parse(p.stdout).id as string;
}

describe.skipIf(!v20.built)("the original CLI cli-v0.20.0: what it added over v0.12.2", () => {
  test("artifact create/add/push -o json: vars and fields (values holding '=') template the manifest", async () => {
    const sha = hex("a7");
    const repo = join(bed.work, "acme-web");
    mkdirSync(join(repo, ".gimlet"), { recursive: true });
    writeFileSync(
      join(repo, ".gimlet", "web.yaml"),
      [
        "app: web",
        "env: staging",
        "namespace: default",
        "deploy:",
        "  branch: main",
        "  event: push",
        "values:",
        "  image:",
        "    repository: nginx",
        '    tag: "{{ .SHA }}"',
        "  vars:",
        '    AVATAR: "{{ .AVATAR }}"',
        '    RUN_URL: "{{ .url }}"',
        "cleanup:",
        '  app: "web-{{ .BRANCH }}"',
        "  event: branchDeleted",
        '  branch: "feature/*"',
        "",
      ].join("\n"),
    );
    const created = "2024-01-02T03:04:05+01:00";
    const c = await orig(
      [
        "artifact",
        "create",
        "--repository",
        "acme/web",
        "--sha",
        sha,
        "--created",
        created,
        "--branch",
        "main",
        "--authorName",
        "Ann",
        "--authorEmail",
        "ann@example.com",
        "--committerName",
        "Ann",
        "--committerEmail",
        "ann@example.com",
        "--message",
        "Add the avatar",
        "--url",
        `https://github.com/acme/web/commit/${sha}`,
        "-o",
        "artifact.json",
      ],
      repo,
    );
    expect(c.code, c.stderr).toBe(0);
    const add = await orig(
      [
        "artifact",
        "add",
        "-f",
        "artifact.json",
        "--field",
        "name=CI",
        "--field",
        "url=https://ci.example.com/run?id=7&attempt=1",
        "--var",
        `SHA=${sha}`,
        "--var",
        "AVATAR=https://avatars.example.com/u/4289031?v=4",
        "--envFile",
        ".gimlet/web.yaml",
      ],
      repo,
    );
    expect(add.code, add.stderr).toBe(0);
    const p = await orig(["artifact", "push", "-o", "json", "-f", join(repo, "artifact.json")]);
    expect(p.code, p.stderr).toBe(0);
    const saved = JSON.parse(p.stdout);
    expect(saved.id).toStartWith("acme/web-");
    // dx.Version's event is an int enum with omitempty: push (0) is left out, and must read as push.
    expect(saved.version).toMatchObject({ sha, created: Date.parse(created) / 1000 });
    expect(saved.version.event).toBeUndefined();
    expect(saved.environments[0]).toMatchObject({
      chart: { repository: "", name: "", version: "" },
      cleanup: { app: "web-{{ .BRANCH }}", event: "branchDeleted", branch: "feature/*" },
    });
    expect(saved.vars).toMatchObject({
      AVATAR: "https://avatars.example.com/u/4289031?v=4",
      url: "https://ci.example.com/run?id=7&attempt=1",
      name: "CI",
    });
    expect(saved.items).toEqual([{ name: "CI", url: "https://ci.example.com/run?id=7&attempt=1" }]);
    const track = await bed.processed(saved.id);
    expect(track.results, JSON.stringify(track)).toMatchObject([{ app: "web", env: "staging", status: "success" }]);
    const rendered = await run([
      "git",
      "--git-dir",
      bed.gitdir,
      "grep",
      "-h",
      "-e",
      "AVATAR",
      "-e",
      "RUN_URL",
      "-e",
      "image:",
      track.results[0].hash,
      "--",
      "staging/web",
    ]);
    expect(rendered).toContain("https://avatars.example.com/u/4289031?v=4");
    expect(rendered).toContain("https://ci.example.com/run?id=7&attempt=1");
    expect(rendered).toContain(`nginx:${sha}`);
  }, 60_000);

  test("artifact track: -o json, the per-manifest lines, exit 1 on a failed manifest or Flux failure", async () => {
    const ok = await pushed(["-f", bed.artifactFile(hex("b8"))]);
    const { results } = await bed.processed(ok);
    const hash = results[0].hash as string;
    const json = await orig(["artifact", "track", "-o", "json", ok]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: "processed", results: [{ app: "web", hash }] });
    const human = await orig(["artifact", "track", ok]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`Request (${ok}) is processed`);
    expect(human.stdout).toContain(`web -> staging, gitops hash ${hash}, status is`);

    const bad = await pushed(["-f", bed.artifactFile(hex("c9"), { image: { repository: "nginx" }, replicas: "many" })]);
    await bed.processed(bad);
    // gimletd ended such an artifact "processed" with a failure result; gimlet ends it "error" with
    // the reason (ops/process-event.ts). Either way this CLI prints why and exits 1.
    const failed = await orig(["artifact", "track", bad]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`Request (${bad}) is error staging/web:`);
    expect(failed.stdout).toContain("values.replicas: must be integer");
    expect(failed.stderr).toContain("values.replicas: must be integer");

    const none = await pushed(["-f", manualArtifactFile(hex("d0"))]);
    await bed.processed(none);
    const quiet = await orig(["artifact", "track", none]);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toContain("The artifact didn't trigger any release policies");

    await bed.fluxSays(hash, "ReconciliationFailed");
    const flux = await orig(["artifact", "track", ok]);
    expect(flux.code).toBe(1);
    expect(flux.stdout).toContain(`web -> staging, gitops hash: ${hash}, status: ReconciliationFailed`);
    expect(flux.stderr).toContain("gitops commits have failed to apply");
  }, 60_000);

  test("artifact track --wait returns once Flux applied the commit, and times out before that", async () => {
    const id = await pushed(["-f", bed.artifactFile(hex("e1"))]);
    const hash = (await bed.processed(id)).results[0].hash as string;
    const early = await orig(["artifact", "track", "--wait", "--timeout", "1s", id]);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain("wait timed timed out");
    const waiting = orig(["artifact", "track", "--wait", "--timeout", "30s", id]);
    await Bun.sleep(500);
    await bed.fluxSays(hash, "ReconciliationSucceeded");
    const done = await waiting;
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(done.stdout).toContain(`web -> staging, gitops hash ${hash}, status is ReconciliationSucceeded`);
  }, 60_000);

  test("release make -o json, release track -o json and --wait; a failed rollback tracks to exit 1", async () => {
    const artifactId = await pushed(["-f", manualArtifactFile(hex("f2"))]);
    await bed.processed(artifactId);
    const make = await orig([
      "release",
      "make",
      "--env",
      "staging",
      "--artifact",
      artifactId,
      "--app",
      "web",
      "-o",
      "json",
    ]);
    expect(make.code, make.stderr).toBe(0);
    const made = JSON.parse(make.stdout);
    expect(Object.keys(made)).toEqual(["id"]);
    let state: any;
    for (let i = 0; i < 100; i++) {
      state = (await bed.api(`/api/eventReleaseTrack?id=${made.id}`)).json;
      if (state.status === "processed" || state.status === "error") break;
      await Bun.sleep(50);
    }
    const hash = state.results?.[0]?.hash as string;
    expect(hash, JSON.stringify(state)).toMatch(/^[0-9a-f]{40}$/);
    const json = await orig(["release", "track", "-o", "json", made.id]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      status: "processed",
      results: [{ app: "web", env: "staging", hash }],
    });
    await bed.fluxSays(hash, "ReconciliationSucceeded");
    const waited = await orig(["release", "track", "--wait", "--timeout", "20s", made.id]);
    expect(waited.code, waited.stdout + waited.stderr).toBe(0);
    expect(waited.stdout).toContain(`Request (${made.id}) is processed`);
    expect(waited.stdout).toContain(`web -> staging, gitops hash ${hash}, status is ReconciliationSucceeded`);

    const unknown = await orig(["release", "make", "--env", "staging", "--artifact", "acme/web-nope", "-o", "json"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("acme/web-nope");

    const rb = await orig(["release", "rollback", "--env", "staging", "--app", "web", "--to", hex("0123")]);
    expect(rb.code, rb.stderr).toBe(0);
    const rid = /ID (\S+)/.exec(rb.stdout + rb.stderr)?.[1] ?? "";
    expect(rb.stderr).toContain(`gimlet release track ${rid}`);
    for (let i = 0; i < 100 && (await bed.api(`/api/eventReleaseTrack?id=${rid}`)).json.status !== "error"; i++)
      await Bun.sleep(50);
    const failed = await orig(["release", "track", rid]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`Request (${rid}) is error`);
    expect(failed.stderr).toMatch(/no commit 0123|not in the history/);
  }, 60_000);
});

for (const o of [
  { version: "v0.12.2", ...v12 },
  { version: "cli-v0.20.0", ...v20 },
]) {
  describe.skipIf(!o.built)(`the original CLI ${o.version}: lists and release make`, () => {
    test("artifact list and release list", async () => {
      const sha = hex(o.version === "v0.12.2" ? "3a" : "4b");
      const id = JSON.parse((await bed.cli(["artifact", "push", "-o", "json", "-f", bed.artifactFile(sha)])).stdout).id;
      const hash = (await bed.processed(id)).results[0].hash as string;
      const arts = await bed.orig(o.path, ["artifact", "list", "--repo", "acme/web", "--limit", "1"]);
      expect(arts.code, arts.stderr).toBe(0);
      expect(arts.stdout).toContain(id);
      expect(arts.stdout).toContain(`${sha.slice(0, 8)} - commit ${sha}`);
      expect(arts.stdout).toContain("web -> staging @ push on main");
      const rels = await bed.orig(o.path, ["release", "list", "--env", "staging", "--app", "web", "--limit", "1"]);
      expect(rels.code, rels.stderr).toBe(0);
      expect(rels.stdout).toContain(`web -> staging builtin/staging-apps@${hash}`);
      expect(rels.stdout).toContain(sha.slice(0, 8));
    }, 30_000);

    test("release make queues a release of the artifact (its body carries triggeredBy)", async () => {
      const id = JSON.parse(
        (
          await bed.cli([
            "artifact",
            "push",
            "-o",
            "json",
            "-f",
            manualArtifactFile(hex(o.version === "v0.12.2" ? "5c" : "6d")),
          ])
        ).stdout,
      ).id as string;
      await bed.processed(id);
      const make = await bed.orig(o.path, ["release", "make", "--env", "staging", "--artifact", id, "--app", "web"]);
      expect(make.code, make.stderr).toBe(0);
      const rid = /release queue with ID (\S+)/.exec(make.stderr)?.[1] ?? "";
      expect(make.stderr).toContain(`gimlet release track ${rid}`);
      let state: any;
      for (let i = 0; i < 100 && !["processed", "error"].includes(state?.status); i++) {
        state = (await bed.api(`/api/eventReleaseTrack?id=${rid}`)).json;
        await Bun.sleep(50);
      }
      expect(state, JSON.stringify(state)).toMatchObject({
        status: "processed",
        results: [{ app: "web", status: "success" }],
      });
      const rels = (await bed.api("/api/releases?env=staging&app=web&limit=1")).json;
      expect(rels[0]).toMatchObject({ artifactId: id, triggeredBy: "admin" });
    }, 30_000);
  });
}
