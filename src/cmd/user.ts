/**
 * `gimlet user create | list | delete | token | tokens | revoke-token`: against the server, or
 * directly in a data dir with `--data-dir`; both run the same use cases (ops/users.ts).
 */
import { defineCommand } from "citty";
import { UserError } from "../core/errors.ts";
import {
  createUser,
  deleteUser,
  issueToken,
  listTokens,
  listUsers,
  revokeToken,
  setPassword,
  tokenId,
  type UserView,
} from "../ops/index.ts";
import type { TokenInfo } from "../store/index.ts";
import { client, serverFlags } from "./client.ts";
import { stderr } from "./io.ts";
import { dataDirFlag, localIfAsked, withLocalOps } from "./local.ts";
import { age, outputFlag, printResult } from "./output.ts";

const create = defineCommand({
  meta: { name: "create", description: "Create a user and print its token" },
  args: {
    login: { type: "positional", required: true, description: "Login" },
    role: { type: "enum", options: ["admin", "user", "flux", "agent"], default: "user", description: "Role" },
    env: { type: "string", description: "The one env the user's tokens may act on" },
    "password-stdin": { type: "boolean", description: "Read a dashboard password from stdin (admin and user roles)" },
    ...dataDirFlag,
    ...serverFlags,
    ...outputFlag,
  },
  async run({ args }) {
    const password = args["password-stdin"] ? await passwordFromStdin() : undefined;
    const input = {
      login: args.login,
      role: args.role,
      env: args.env,
      ...(password !== undefined ? { password } : {}),
    };
    const where = localIfAsked(args);
    const u = where
      ? await withLocalOps(where, (d) => createUser(d, input), { key: !!args.env, creates: true })
      : await client(args).call<UserView & { token: string }>("POST", "/api/user", input);
    await printResult(u, args.output, (x) => `${x.token}\n`);
  },
});

/** The password as piped in: one trailing line break (from echo or a file) is not part of it. */
async function passwordFromStdin(): Promise<string> {
  return (await Bun.stdin.text()).replace(/\r?\n$/, "");
}

const password = defineCommand({
  meta: { name: "password", description: "Set a user's dashboard password from stdin (their sessions end)" },
  args: {
    login: { type: "positional", required: true, description: "Login" },
    "password-stdin": { type: "boolean", required: true, description: "Read the password from stdin" },
    ...dataDirFlag,
  },
  async run({ args }) {
    const where = localIfAsked(args);
    if (!where) throw new UserError("user password works on a data dir only: pass --data-dir", { path: "--data-dir" });
    const pw = await passwordFromStdin();
    await withLocalOps(where, (d) => setPassword(d, args.login, pw));
    await stderr(`password of ${args.login} set\n`);
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List users" },
  args: { ...dataDirFlag, ...serverFlags, ...outputFlag },
  async run({ args }) {
    const where = localIfAsked(args);
    const us = where ? await withLocalOps(where, listUsers) : await client(args).call<UserView[]>("GET", "/api/users");
    await printResult(us, args.output, (xs) =>
      xs.map((u) => `${u.login}\t${u.role}${u.env ? `\t${u.env}` : ""}\n`).join(""),
    );
  },
});

const del = defineCommand({
  meta: { name: "delete", description: "Delete a user (its tokens stop working)" },
  args: { login: { type: "positional", required: true, description: "Login" }, ...dataDirFlag, ...serverFlags },
  async run({ args }) {
    const where = localIfAsked(args);
    if (where) await withLocalOps(where, (d) => deleteUser(d, args.login));
    else await client(args).call("DELETE", `/api/user/${encodeURIComponent(args.login)}`);
  },
});

const token = defineCommand({
  meta: {
    name: "token",
    description: "Issue a new token for a user: the token on stdout, its id on stderr (-o json: both)",
  },
  args: {
    login: { type: "positional", required: true, description: "Login" },
    ...dataDirFlag,
    ...serverFlags,
    ...outputFlag,
  },
  async run({ args }) {
    const where = localIfAsked(args);
    const t = where
      ? await withLocalOps(where, (d) => issueToken(d, args.login))
      : await client(args).call<{ id: number; token: string }>(
          "POST",
          `/api/user/${encodeURIComponent(args.login)}/token`,
        );
    if ((args.output ?? "text") === "text")
      await stderr(`token id ${t.id} (revoke it with: gimlet user revoke-token ${t.id})\n`);
    await printResult(t, args.output, (x) => `${x.token}\n`);
  },
});

const tokens = defineCommand({
  meta: { name: "tokens", description: "List a user's valid tokens: id, created, last used (never the values)" },
  args: {
    login: { type: "positional", required: true, description: "Login" },
    ...dataDirFlag,
    ...serverFlags,
    ...outputFlag,
  },
  async run({ args }) {
    const where = localIfAsked(args);
    const ts = where
      ? await withLocalOps(where, (d) => listTokens(d, args.login))
      : await client(args).call<TokenInfo[]>("GET", `/api/user/${encodeURIComponent(args.login)}/tokens`);
    await printResult(ts, args.output, (xs) =>
      [
        "ID\tCREATED\tLAST USED\n",
        ...xs.map((t) => `${t.id}\t${age(t.created)}\t${t.lastUsed ? age(t.lastUsed) : "never"}\n`),
      ].join(""),
    );
  },
});

const revokeToken_ = defineCommand({
  meta: {
    name: "revoke-token",
    description: "Revoke one token by its id (see `gimlet user tokens LOGIN`); the user's other tokens stay valid",
  },
  args: { id: { type: "positional", required: true, description: "Token id" }, ...dataDirFlag, ...serverFlags },
  async run({ args }) {
    const id = tokenId(args.id, "ID");
    const where = localIfAsked(args);
    const login = where
      ? await withLocalOps(where, async (d) => (await revokeToken(d, id)).login)
      : (await client(args).call<{ login: string }>("DELETE", `/api/tokens/${id}`)).login;
    await stderr(`revoked token ${id} of ${login}\n`);
  },
});

export default defineCommand({
  meta: { name: "user", description: "Manage users and API tokens" },
  subCommands: { create, password, list, delete: del, token, tokens, "revoke-token": revokeToken_ },
});
