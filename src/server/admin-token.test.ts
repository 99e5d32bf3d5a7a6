import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "./start.ts";

const dirs: string[] = [];
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(dataDir: string, adminToken?: string) {
  const logs: string[] = [];
  const s = await serve({
    dataDir,
    hostname: "127.0.0.1",
    port: 0,
    logFormat: "text",
    log: (l) => logs.push(l),
    adminToken,
  });
  stops.push(s.stop);
  return { url: `http://127.0.0.1:${s.port}`, logs: logs.join("\n"), stop: s.stop };
}

describe("the first admin token", () => {
  test("GIMLET_ADMIN_TOKEN becomes the admin's token on the first start and is never logged", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gimlet-admin-token-"));
    dirs.push(dataDir);
    const given = `glt_${"x".repeat(40)}`;
    const s = await start(dataDir, given);
    expect(s.logs).toContain("Admin token: the one given in GIMLET_ADMIN_TOKEN");
    expect(s.logs).not.toContain(given);
    const users = await fetch(`${s.url}/api/users`, { headers: { Authorization: `Bearer ${given}` } });
    expect(users.status).toBe(200);
  });

  test("a short GIMLET_ADMIN_TOKEN stops the start with a clear error", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gimlet-admin-token-"));
    dirs.push(dataDir);
    await expect(start(dataDir, "short")).rejects.toThrow("at least 32 characters");
    // Nothing half-made: a start with a good token afterwards gets an admin that this token opens.
    const given = `glt_${"y".repeat(40)}`;
    const s = await start(dataDir, given);
    expect((await fetch(`${s.url}/api/users`, { headers: { Authorization: `Bearer ${given}` } })).status).toBe(200);
  });
});
