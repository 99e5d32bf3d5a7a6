import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { storeContract } from "./contract.ts";
import { openStore } from "./open.ts";
import type { Store } from "./store.ts";

storeContract("sqlite", async ({ clock }) => {
  const dir = mkdtempSync(join(tmpdir(), "store-contract-"));
  const path = join(dir, "gimlet.db");
  const open: Store[] = [];
  const connect = async (opts: { cipher?: import("./secrets.ts").Cipher } = {}) => {
    const s = await openStore({ kind: "sqlite", path, clock, cipher: opts.cipher });
    open.push(s);
    return s;
  };
  return {
    store: await connect(),
    connect,
    async dispose() {
      for (const s of open) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
