/** `gimlet env create | list`: environments of the release manager, stored in its data dir. */
import { defineCommand } from "citty";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { assertSafeName } from "../core/gitops/index.ts";
import { Repos } from "../server/index.ts";
import { SqliteStore } from "../store/index.ts";
import { stderr } from "./io.ts";
import { outputFlag, printResult } from "./output.ts";

const dataDirFlag = { "data-dir": { type: "string", description: "Data directory (env GIMLET_DATA_DIR, default ./gimlet-data)", valueHint: "DIR" } } as const;
const dataDir = (a: { "data-dir"?: string }) => a["data-dir"] ?? process.env.GIMLET_DATA_DIR ?? "gimlet-data";

const create = defineCommand({
  meta: { name: "create", description: "Create an environment with a built-in or a remote gitops repo" },
  args: {
    name: { type: "positional", required: true, description: "Environment name" },
    "gitops-repo": { type: "string", description: "https URL of a remote gitops repo", valueHint: "URL" },
    "gitops-token": { type: "string", description: "Token with write access to it", valueHint: "TOKEN" },
    builtin: { type: "boolean", default: false, description: "Host the gitops repo in the data dir" },
    "repo-per-env": { type: "boolean", default: false, description: "Apps at the repo root" },
    branch: { type: "string", default: "main", description: "Branch" },
    ...dataDirFlag,
  },
  async run({ args }) {
    assertSafeName(args.name, "env");
    if (!!args.builtin === !!args["gitops-repo"]) throw new UserError("give exactly one of --builtin and --gitops-repo", { path: "--gitops-repo" });
    if (args["gitops-repo"] && !/^https?:\/\//.test(args["gitops-repo"])) throw new UserError("--gitops-repo must be an http(s) URL", { path: "--gitops-repo" });
    const dir = dataDir(args);
    const { mkdirSync } = await import("node:fs");
    mkdirSync(dir, { recursive: true });
    const store = new SqliteStore(join(dir, "gimlet.db"));
    try {
      const env = store.createEnv({ name: args.name, repoUrl: args["gitops-repo"] ?? "", repoToken: args["gitops-token"] ?? "", builtin: !!args.builtin, repoPerEnv: !!args["repo-per-env"], branch: args.branch });
      if (env.builtin) await new Repos(dir).createBuiltin(env);
      await stderr(`environment ${env.name} created${env.builtin ? ` (repo ${new Repos(dir).builtinPath(env.name)})` : ""}\n`);
    } finally {
      store.close();
    }
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List environments" },
  args: { ...dataDirFlag, ...outputFlag },
  async run({ args }) {
    const store = new SqliteStore(join(dataDir(args), "gimlet.db"));
    const envs = store.envs().map(({ repoToken: _t, ...e }) => e);
    store.close();
    await printResult(envs, args.output, (es) => (es.length ? es.map((e) => `${e.name}\t${e.builtin ? "builtin" : e.repoUrl}${e.repoPerEnv ? "\trepo-per-env" : ""}\n`).join("") : "no environments\n"));
  },
});

export default defineCommand({ meta: { name: "env", description: "Manage environments of gimlet serve" }, subCommands: { create, list } });
