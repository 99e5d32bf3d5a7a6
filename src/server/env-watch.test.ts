import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../store/index.ts";
import { watchEnvs } from "./env-watch.ts";
import { EventHub } from "./event-hub.ts";

const dir = mkdtempSync(join(tmpdir(), "env-watch-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (name: string, builtin: boolean) => ({
  name,
  repoUrl: "",
  repoToken: "",
  builtin,
  repoPerEnv: false,
  branch: "main",
});

test("an env created in the store by another process is announced once; envs present at start are not", async () => {
  const path = join(dir, "gimlet.db");
  const server = new SqliteStore(path);
  await server.createEnv(env("staging", true));
  const hub = new EventHub();
  const sub = hub.subscribe();
  const watch = watchEnvs(server, hub, { intervalMs: 60_000 });
  await watch.check();
  // What `gimlet env create --data-dir` does: its own connection to the same db file.
  const cli = new SqliteStore(path);
  await cli.createEnv(env("prod", false));
  cli.close();
  await watch.check();
  await watch.check();
  watch.stop();
  server.close();
  expect(sub.take().map((d) => (d.kind === "event" ? d.p.event : d))).toEqual([
    { type: "env.created", env: "prod", builtin: false },
  ]);
});
