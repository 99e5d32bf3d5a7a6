/** The worker against rows it cannot process: each ends as `error` with the reason, and the queue goes on. */
import { afterAll, expect, test } from "bun:test";
import { encodeRequest } from "../core/queue.ts";
import type { EventType } from "../store/index.ts";
import { cleanUp, dataDir } from "./test-kit.ts";
import { Worker } from "./worker.ts";

afterAll(cleanUp);

test("malformed and unknown queued rows end as error with a message; the rows after them are processed", async () => {
  const { store, repos } = await dataDir({ prefix: "worker-" });
  const processed: string[] = [];
  const worker = new Worker({ store, repos, onProcessed: (e) => processed.push(e.id) });
  const bad: [string, string, string][] = [
    ["not-json", "release", "{oops"],
    ["not-object", "rollback", "[]"],
    ["missing-field", "rollback", JSON.stringify({ env: "staging", app: "web" })],
    ["wrong-type", "delete", JSON.stringify({ env: ["staging"], app: "web" })],
    ["unknown-type", "teleport", JSON.stringify({ env: "staging" })],
    ["bad-artifact", "artifact", JSON.stringify({ id: "a-1", version: { repositoryName: 7 } })],
  ];
  for (const [id, type, blob] of bad) await store.insertEvent({ id, type: type as EventType, blob });
  const good = encodeRequest({ type: "delete", env: "staging", app: "web", triggeredBy: "test" });
  await store.insertEvent({ id: "good", ...good });

  while (await worker.runOnce());

  const desc = async (id: string) => {
    const e = (await store.event(id))!;
    expect(e.status).toBe("error");
    return e.statusDesc;
  };
  expect(await desc("not-json")).toContain("not valid JSON");
  expect(await desc("not-object")).toContain("must be a JSON object");
  expect(await desc("missing-field")).toContain("targetSHA is missing");
  expect(await desc("wrong-type")).toContain("env must be a string");
  expect(await desc("unknown-type")).toContain('unknown queued request type "teleport"');
  expect(await desc("bad-artifact")).toContain("stored artifact a-1 is malformed");
  expect(await store.event("good")).toMatchObject({ status: "processed", statusDesc: "" });
  expect((await store.event("good"))!.results).toEqual([
    { app: "web", env: "staging", hash: "", status: "success", statusDesc: "already deleted" },
  ]);
  expect(processed).toEqual([...bad.map((b) => b[0]), "good"]);
  await worker.stop();
  await store.close();
});
