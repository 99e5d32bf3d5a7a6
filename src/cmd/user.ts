/** `gimlet user create | list | delete | token`: against the server, or `token --data-dir` locally. */
import { defineCommand } from "citty";
import { join } from "node:path";
import { prepareDataDir } from "../server/index.ts";
import { SqliteStore, type User } from "../store/index.ts";
import { client, serverFlags } from "./client.ts";
import { stderr, stdout } from "./io.ts";
import { outputFlag, printResult } from "./output.ts";

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

const token = defineCommand({
  meta: { name: "token", description: "Issue a new token for a user (with --data-dir: directly in the data dir)" },
  args: { login: { type: "positional", required: true, description: "Login" }, "data-dir": { type: "string", description: "Issue locally from this data dir", valueHint: "DIR" }, ...serverFlags },
  async run({ args }) {
    if (args["data-dir"]) {
      // Tokens are hashed, not encrypted: no credential key needed, only a private data dir.
      prepareDataDir(args["data-dir"], (msg) => void stderr(`warning: ${msg}\n`));
      const store = new SqliteStore(join(args["data-dir"], "gimlet.db"));
      try {
        await stdout(`${store.issueToken(args.login)}\n`);
      } finally {
        store.close();
      }
      return;
    }
    const r = await client(args).call<{ token: string }>("POST", `/api/user/${encodeURIComponent(args.login)}/token`);
    await stdout(`${r.token}\n`);
  },
});

export default defineCommand({ meta: { name: "user", description: "Manage users and API tokens" }, subCommands: { create, list, delete: del, token } });
