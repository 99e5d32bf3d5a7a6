import { afterAll, beforeAll } from "bun:test";
import { startPostgres, type TestPostgres } from "../../tests/support/postgres.ts";
import { storeContract } from "./contract.ts";
import { openStore } from "./open.ts";
import type { Cipher } from "./secrets.ts";
import type { Store } from "./store.ts";

// A real server (Debian's postgresql): without its binaries this fails, saying how to install them.
let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

storeContract("postgres", async ({ clock }) => {
  const url = await pg.createDatabase();
  const open: Store[] = [];
  const connect = async (opts: { cipher?: Cipher } = {}) => {
    const s = await openStore({ kind: "postgres", url, clock, cipher: opts.cipher, max: 4 });
    open.push(s);
    return s;
  };
  return {
    store: await connect(),
    connect,
    async dispose() {
      for (const s of open) await s.close();
      await pg.dropDatabase(url);
    },
  };
});
