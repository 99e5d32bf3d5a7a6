import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startPostgres, type TestPostgres } from "../../tests/support/postgres.ts";
import { ConflictError, UnavailableError, type UserError } from "../core/errors.ts";
import { openStore } from "./open.ts";
import type { PostgresStore } from "./postgres.ts";
import { asUnavailable, isConnectionError } from "./postgres-errors.ts";
import type { Store } from "./store.ts";

describe("isConnectionError", () => {
  const cases: [string, object, boolean][] = [
    ["refused by the client", { code: "ERR_POSTGRES_CONNECTION_REFUSED" }, true],
    ["closed under a query", { code: "ERR_POSTGRES_CONNECTION_CLOSED" }, true],
    ["connect timeout", { code: "ERR_POSTGRES_CONNECTION_TIMEOUT" }, true],
    ["admin shutdown 57P01", { code: "ERR_POSTGRES_SERVER_ERROR", errno: "57P01" }, true],
    ["crash shutdown 57P02", { code: "ERR_POSTGRES_SERVER_ERROR", errno: "57P02" }, true],
    ["cannot connect now 57P03", { code: "ERR_POSTGRES_SERVER_ERROR", errno: "57P03" }, true],
    ["class 08 (08006)", { code: "ERR_POSTGRES_SERVER_ERROR", errno: "08006" }, true],
    ["socket ECONNREFUSED", { code: "ECONNREFUSED" }, true],
    ["unique violation", { code: "ERR_POSTGRES_SERVER_ERROR", errno: "23505" }, false],
    ["query canceled 57014", { code: "ERR_POSTGRES_SERVER_ERROR", errno: "57014" }, false],
    ["syntax", { code: "ERR_POSTGRES_SYNTAX_ERROR" }, false],
    ["a plain error", new Error("boom"), false],
  ];
  for (const [name, err, want] of cases) test(name, () => expect(isConnectionError(err)).toBe(want));

  test("asUnavailable keeps other errors as they are and names the cause of a lost connection", () => {
    const other = new Error("duplicate key");
    expect(asUnavailable(other)).toBe(other);
    const e = asUnavailable(
      Object.assign(new Error("terminating connection due to administrator command"), { errno: "57P01" }),
    );
    expect(e).toBeInstanceOf(UnavailableError);
    expect((e as UserError).describe()).toBe(
      "database unavailable: terminating connection due to administrator command (SQLSTATE 57P01)" +
        " (the server retries by itself; try again in 5 s)",
    );
  });
});

describe("a Postgres store whose server stops and starts again", () => {
  let pg: TestPostgres;
  let store: Store;
  beforeAll(async () => {
    pg = await startPostgres();
    store = await openStore({ kind: "postgres", url: await pg.createDatabase(), max: 2 });
    await store.createUser("ann", "admin");
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await pg?.stop();
  });

  test("while it is down every kind of call fails with UnavailableError; after, the same calls work", async () => {
    await pg.halt();
    try {
      const calls: [string, () => Promise<unknown>][] = [
        ["queueDepth", () => store.queueDepth()],
        ["authenticate", () => store.authenticate("glt_nope")],
        ["transaction", () => store.transaction((tx) => tx.user("ann"))],
        ["requests log", () => store.requests.delivery("d1")],
        ["exclusive", () => (store as PostgresStore).exclusive("k", async () => 1)],
      ];
      for (const [name, call] of calls) {
        const err = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, name).toBeInstanceOf(UnavailableError);
        expect((err as Error).message, name).toStartWith("database unavailable: ");
        // The URL (host, user) is not in what any caller sees.
        expect((err as Error).message, name).not.toContain("127.0.0.1");
      }
    } finally {
      await pg.resume();
    }
    expect(await store.queueDepth()).toBe(0);
    expect((await store.user("ann"))?.role).toBe("admin");
    // What the server itself refuses is not an outage.
    const dup = await store.createUser("ann", "admin").catch((e: unknown) => e);
    expect(dup).not.toBeInstanceOf(UnavailableError);
    expect(dup).toBeInstanceOf(ConflictError);
  }, 60_000);
});
