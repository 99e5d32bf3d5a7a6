/**
 * PostgreSQL stopped under a running `gimlet serve`: API, git and dashboard requests answer 503 with
 * "database unavailable: …" and Retry-After (never a 500), /healthz stays 200 (the process is
 * alive; restarting it would not bring the database back) while /readyz answers 503; once the server
 * is started again the same requests succeed and a push is processed. A real server, a real process.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres, type TestPostgres } from "../../support/postgres.ts";
import { stagingWebArtifact } from "../../support/artifacts.ts";
import { type Replica, startReplica, stopReplicas } from "../../support/replica.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gimlet-outage-"));
let pg: TestPostgres;
let serve: Replica;
let admin = "";

const auth = () => ({ Authorization: `Bearer ${admin}` });
const artifact = (sha: string) =>
  stagingWebArtifact(
    sha,
    { image: { repository: "nginx", tag: sha } },
    { message: sha, url: undefined, created: 1700000000 },
  );
const push = (sha: string) =>
  fetch(`${serve.url}/api/artifact`, { method: "POST", headers: auth(), body: JSON.stringify(artifact(sha)) });

beforeAll(async () => {
  pg = await startPostgres();
  serve = await startReplica(dataDir, await pg.createDatabase("outage"));
  admin = serve.adminToken;
  const env = await fetch(`${serve.url}/api/envs`, {
    method: "POST",
    headers: auth(),
    body: JSON.stringify({ name: "staging", builtin: true }),
  });
  expect(env.status, await env.clone().text()).toBe(201);
}, 60_000);

afterAll(async () => {
  await stopReplicas(serve ? [serve] : []);
  await pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the database goes down under a running server", () => {
  test("503 with a clear JSON message and Retry-After while down; readiness says so; all well after", async () => {
    await pg.halt();
    const logBefore = serve.log.length;
    try {
      const api: [string, () => Promise<Response>][] = [
        ["GET /api/envs", () => fetch(`${serve.url}/api/envs`, { headers: auth() })],
        ["POST /api/artifact", () => push("down1")],
        ["GET /api/artifacts", () => fetch(`${serve.url}/api/artifacts`, { headers: auth() })],
      ];
      for (const [name, call] of api) {
        const res = await call();
        expect(res.status, name).toBe(503);
        expect(res.headers.get("Retry-After"), name).toBe("5");
        expect(res.headers.get("Content-Type"), name).toContain("application/json");
        const body = (await res.json()) as { error: string };
        expect(body.error, name).toStartWith("database unavailable: ");
        expect(body.error, name).not.toContain("127.0.0.1");
      }
      // git clients get the same status as plain text, which git prints.
      const git = await fetch(`${serve.url}/git/staging-apps.git/info/refs?service=git-upload-pack`, {
        headers: { Authorization: `Basic ${btoa(`admin:${admin}`)}` },
      });
      expect(git.status).toBe(503);
      expect(git.headers.get("Retry-After")).toBe("5");
      expect(await git.text()).toStartWith("database unavailable: ");
      // Liveness stays up: the process is fine and a restart would not help.
      const health = await fetch(`${serve.url}/healthz`);
      expect(health.status).toBe(200);
      // Readiness does not: a load balancer sends requests to replicas that can serve them.
      const ready = await fetch(`${serve.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get("Retry-After")).toBe("5");
      expect(((await ready.json()) as { error: string }).error).toStartWith("database unavailable: ");
      // An outage is not a bug: nothing was logged as an unhandled error.
      expect(serve.log.slice(logBefore)).not.toContain('"msg":"unhandled"');
    } finally {
      await pg.resume();
    }
    // Back: the pool reconnects on the next query.
    let ready = 0;
    for (let i = 0; i < 50 && ready !== 200; i++) {
      ready = (await fetch(`${serve.url}/readyz`)).status;
      if (ready !== 200) await Bun.sleep(200);
    }
    expect(ready).toBe(200);
    expect((await fetch(`${serve.url}/api/envs`, { headers: auth() })).status).toBe(200);
    const res = await push("up1");
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    // The worker, paused by the outage, picks the new push up.
    let status = "";
    for (let i = 0; i < 100 && status !== "processed"; i++) {
      const t = await fetch(`${serve.url}/api/eventArtifactTrack?artifactId=${encodeURIComponent(id)}`, {
        headers: auth(),
      });
      status = ((await t.json()) as { status: string }).status;
      if (status !== "processed") await Bun.sleep(100);
    }
    expect(status).toBe("processed");
  }, 60_000);
});
