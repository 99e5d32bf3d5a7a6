/** Dry-run diffs as the CLI prints them, and `gimlet manifest diff` (the same diff, locally). */
import { defineCommand } from "citty";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { appDir, assertSafeName, join as repoJoin } from "../core/gitops/index.ts";
import type { Preview } from "../ops/index.ts";
import { stderr } from "./io.ts";
import { outputFlag, printResult } from "./output.ts";

/** The summary line of each object, then the unified diff. */
export function previewText(p: Pick<Preview, "files" | "summary" | "diff">): string {
  if (p.files.length === 0) return "No changes.\n";
  const lines = p.summary.map((s) => `${s.text}\n`).join("");
  return `${lines}${lines ? "\n" : ""}${p.diff}`;
}

export async function printPreview(p: Preview, output: string | undefined): Promise<void> {
  if (p.apps.length === 0) await stderr(`nothing to release: no manifest of the artifact is for env ${p.env}\n`);
  await printResult(p, output, previewText);
}

/** Files under `dir` on disk, keyed by repo path (`prefix/…`). */
function filesOnDisk(root: string, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  const dir = join(root, prefix);
  if (!existsSync(dir)) return out;
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else out.set(repoJoin(prefix, r), readFileSync(join(dir, r), "utf8"));
    }
  };
  walk("");
  return out;
}

export const manifestDiff = defineCommand({
  meta: {
    name: "diff",
    description: "Diff the rendered manifest against <env>/<app>/ in a local gitops working copy (release.json aside)",
  },
  args: {
    file: {
      type: "string",
      alias: "f",
      required: true,
      description: "Gimlet manifest or Kubernetes YAML: file, directory or -",
      valueHint: "FILE|DIR|-",
    },
    env: { type: "string", required: true, description: "Environment" },
    app: { type: "string", required: true, description: "Application" },
    vars: {
      type: "string",
      description: "dotenv file of template variables (wins over the environment)",
      valueHint: "FILE",
    },
    "gitops-repo-path": {
      type: "string",
      default: ".",
      description: "Local working copy of the gitops repo",
      valueHint: "PATH",
    },
    "repo-per-env": { type: "boolean", default: false, description: "Apps sit at the repo root (one repo per env)" },
    ...outputFlag,
  },
  async run({ args }) {
    const [{ filesFor }, { loadVars }, { previewOf }] = await Promise.all([
      import("./gitops.ts"),
      import("./vars.ts"),
      import("../ops/preview.ts"),
    ]);
    const root = args["gitops-repo-path"];
    if (!existsSync(root) || !statSync(root).isDirectory()) {
      throw new UserError(`${root} is not a directory`, {
        path: "--gitops-repo-path",
        hint: "give the path of the gitops repo's working copy",
      });
    }
    const layout = { env: assertSafeName(args.env, "env"), repoPerEnv: args["repo-per-env"] };
    const dir = appDir(layout, assertSafeName(args.app, "app"));
    const rendered = await filesFor(args.file, args.env, args.app, await loadVars(args.vars));
    const isMeta = (p: string) => p === repoJoin(dir, "release.json");
    const before = new Map([...filesOnDisk(root, dir)].filter(([p]) => !isMeta(p)));
    const after = new Map(
      rendered.map((f) => [repoJoin(dir, f.path), f.content.endsWith("\n") ? f.content : `${f.content}\n`]),
    );
    for (const p of [...after.keys()]) if (isMeta(p)) after.delete(p);
    await printResult(previewOf(args.env, [args.app], before, after), args.output, previewText);
  },
});
