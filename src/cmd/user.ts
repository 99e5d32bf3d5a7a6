/**
 * `gimlet user create | list | delete | token | tokens | revoke-token`: against the server, or (the
 * token commands) directly in a data dir with `--data-dir`.
 */
import { defineCommand } from "citty";
import { join } from "node:path";
import { prepareDataDir } from "../server/index.ts";
import { UserError } from "../core/errors.ts";
import { SqliteStore, type TokenInfo, type User } from "../store/index.ts";
import { client, serverFlags } from "./client.ts";
import { stderr, stdout } from "./io.ts";
import { age, outputFlag, printResult } from "./output.ts";

const create = defineCommand({
  meta: { name: "create", description: "Create a user and print its token" },
  args: { login: { type: "positional", required: true, description: "Login" }, role: { type: "enum", options: ["admin", "user", "flux", "agent"], default: "user", description: "Role" }, env: { type: "string", description: "Env an agent user acts on" }, ...serverFlags, ...outputFlag },
  async run({ args }) {
    const u = await client(args).call<User & { token: string }>("POST", "/api/user", { login: args.login, role: args.role, env: args.env });
    await printResult(u, args.output, (x) => `${x.token}\n`);
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List users" },
  args: { ...serverFlags, ...outputFlag },
  async run({ args }) {
    const us = await client(args).call<User[]>("GET", "/api/users");
    await printResult(us, args.output, (xs) => xs.map((u) => `${u.login}\t${u.role}${u.env ? `\t${u.env}` : ""}\n`).join(""));
  },
});

const del = defineCommand({
  meta: { name: "delete", description: "Delete a user (its tokens stop working)" },
  args: { login: { type: "positional", required: true, description: "Login" }, ...serverFlags },
  async run({ args }) {
    await client(args).call("DELETE", `/api/user/${encodeURIComponent(args.login)}`);
  },
});

const dataDirFlag = { "data-dir": { type: "string", description: "Work directly in this data dir instead of through --server", valueHint: "DIR" } } as const;

/** Opens the data dir's store for one command. Tokens are hashed, not encrypted: no credential key needed. */
async function withLocalStore<T>(dataDir: string, fn: (store: SqliteStore) => T): Promise<T> {
  prepareDataDir(dataDir, (msg) => void stderr(`warning: ${msg}\n`));
  const store = new SqliteStore(join(dataDir, "gimlet.db"));
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

const token = defineCommand({
  meta: { name: "token", description: "Issue a new token for a user: the token on stdout, its id on stderr (-o json: both)" },
  args: { login: { type: "positional", required: true, description: "Login" }, ...dataDirFlag, ...serverFlags, ...outputFlag },
  async run({ args }) {
    const t = args["data-dir"]
      ? await withLocalStore(args["data-dir"], (store) => store.issueTokenWithId(args.login))
      : await client(args).call<{ id: number; token: string }>("POST", `/api/user/${encodeURIComponent(args.login)}/token`);
    if ((args.output ?? "text") === "text") await stderr(`token id ${t.id} (revoke it with: gimlet user revoke-token ${t.id})\n`);
    await printResult(t, args.output, (x) => `${x.token}\n`);
  },
});

const tokens = defineCommand({
  meta: { name: "tokens", description: "List a user's valid tokens: id, created, last used (never the values)" },
  args: { login: { type: "positional", required: true, description: "Login" }, ...dataDirFlag, ...serverFlags, ...outputFlag },
  async run({ args }) {
    const ts = args["data-dir"]
      ? await withLocalStore(args["data-dir"], (store) => store.tokens(args.login))
      : await client(args).call<TokenInfo[]>("GET", `/api/user/${encodeURIComponent(args.login)}/tokens`);
    await printResult(ts, args.output, (xs) =>
      ["ID\tCREATED\tLAST USED\n", ...xs.map((t) => `${t.id}\t${age(t.created)}\t${t.lastUsed ? age(t.lastUsed) : "never"}\n`)].join(""),
    );
  },
});

const revokeToken = defineCommand({
  meta: { name: "revoke-token", description: "Revoke one token by its id (see `gimlet user tokens LOGIN`); the user's other tokens stay valid" },
  args: { id: { type: "positional", required: true, description: "Token id" }, ...dataDirFlag, ...serverFlags },
  async run({ args }) {
    if (!/^\d{1,15}$/.test(args.id)) throw new UserError(`token id must be a number, got ${JSON.stringify(args.id)}`, { path: "ID", hint: "gimlet user tokens LOGIN lists them" });
    const id = Number(args.id);
    const login = args["data-dir"]
      ? await withLocalStore(args["data-dir"], (store) => store.revokeToken(id))
      : (await client(args).call<{ login: string }>("DELETE", `/api/tokens/${id}`)).login;
    await stderr(`revoked token ${id} of ${login}\n`);
  },
});

export default defineCommand({ meta: { name: "user", description: "Manage users and API tokens" }, subCommands: { create, list, delete: del, token, tokens, "revoke-token": revokeToken } });
