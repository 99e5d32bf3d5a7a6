/**
 * A worker process for sqlite.test.ts: from the time argv[4] (ms since the epoch), claims events
 * from the store at argv[2] as owner argv[3] until none is left, finishes each, and prints the ids
 * it took as JSON. Started several times at once to show that processes sharing one database never
 * take the same event; the common start time makes their claims overlap.
 */
import { openStore } from "./open.ts";

const [path, owner, at] = Bun.argv.slice(2);
const store = await openStore({ kind: "sqlite", path: path! });
await Bun.sleep(Math.max(0, Number(at) - Date.now()));
const took: string[] = [];
for (;;) {
  const e = await store.claimNext({ owner: owner!, ms: 60_000 });
  if (!e) break;
  took.push(e.id);
  if (!(await store.finishEvent(e, "processed", owner!, [], []))) throw new Error(`lost the lease of ${e.id}`);
}
await store.close();
console.log(JSON.stringify(took));
