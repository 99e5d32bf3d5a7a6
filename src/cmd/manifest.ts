/** `gimlet manifest template | lint | create`: local work with `.gimlet/<env>.yaml` files. */
import { defineCommand } from "citty";
import { join } from "node:path";
import { UserError, formatPos } from "../core/errors.ts";
import { splitObjects } from "../core/gitops/index.ts";
import type { KubeObject } from "../core/k8s.ts";
import {
  createManifest,
  lintManifestText,
  loadManifests,
  parseChartFlag,
  renderManifest,
} from "../core/manifest/index.ts";
import { localLimits } from "../core/template/index.ts";
import { parseYamlAll, toMultiDocYaml } from "../core/yaml.ts";
import { readInputs, replaceDir, stderr, stdout, writeFileAtomic } from "./io.ts";
import { loadVars } from "./vars.ts";

const template = defineCommand({
  meta: { name: "template", description: "Render manifests to Kubernetes YAML" },
  args: {
    file: {
      type: "string",
      alias: "f",
      required: true,
      description: "Manifest file, directory of manifests, or - for stdin",
      valueHint: "FILE|DIR|-",
    },
    vars: {
      type: "string",
      alias: "v",
      description: "dotenv file of template variables (wins over the environment)",
      valueHint: "FILE",
    },
    output: {
      type: "string",
      alias: "o",
      description: "Write the YAML to this file instead of stdout",
      valueHint: "FILE",
    },
    "output-dir": {
      type: "string",
      description: "Write split files to DIR/<env>/<app>/ as the gitops repo holds them",
      valueHint: "DIR",
    },
  },
  async run({ args }) {
    const vars = await loadVars(args.vars);
    const rendered: { env: string; app: string; objects: KubeObject[] }[] = [];
    // Render everything before writing anything: bad input leaves no half-written output.
    for (const input of await readInputs(args.file)) {
      // The user's own files: the engine's generous local limits, not those for artifacts posted to a server.
      for (const loaded of loadManifests(input.text, { file: input.name, vars, limits: localLimits })) {
        rendered.push({ env: loaded.manifest.env, app: loaded.manifest.app, objects: renderManifest(loaded) });
      }
    }
    if (args["output-dir"]) {
      const seen = new Set<string>();
      for (const r of rendered) {
        const key = `${r.env}/${r.app}`;
        if (seen.has(key))
          throw new UserError(`two manifests render ${key}`, {
            path: "--output-dir",
            hint: "give each manifest its own app or env",
          });
        seen.add(key);
      }
      for (const r of rendered) await replaceDir(join(args["output-dir"], r.env, r.app), splitObjects(r.objects));
      await stderr(`wrote ${rendered.length} app${rendered.length === 1 ? "" : "s"} to ${args["output-dir"]}\n`);
    }
    const yaml = toMultiDocYaml(rendered.flatMap((r) => r.objects));
    if (args.output) await writeFileAtomic(args.output, yaml);
    else if (!args["output-dir"]) await stdout(yaml);
  },
});

const lint = defineCommand({
  meta: { name: "lint", description: "Check manifests: structure, template variables, chart values, patches" },
  args: {
    file: {
      type: "string",
      alias: "f",
      required: true,
      description: "Manifest file, directory, or - for stdin",
      valueHint: "FILE|DIR|-",
    },
    vars: { type: "string", alias: "v", description: "dotenv file of template variables", valueHint: "FILE" },
  },
  async run({ args }) {
    const vars = await loadVars(args.vars);
    const lines: string[] = [];
    for (const input of await readInputs(args.file)) {
      const result = lintManifestText(input.text, input.name, vars, { limits: localLimits });
      if (result.missingVars.length) {
        await stderr(
          `${input.name}: note: variables not set, linted with placeholders: ${result.missingVars.join(", ")}\n`,
        );
      }
      for (const w of result.warnings) {
        const pos = w.pos ? formatPos({ file: w.pos.file, line: w.pos.line }) : input.name;
        await stderr(
          `${pos}: ${w.options.path ?? "(manifest)"}: warning: ${w.message}${w.hint ? ` (${w.hint})` : ""}\n`,
        );
      }
      for (const p of result.problems) {
        const pos = p.pos ? formatPos({ file: p.pos.file, line: p.pos.line }) : input.name;
        lines.push(`${pos}: ${p.options.path ?? "(manifest)"}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`);
      }
    }
    if (lines.length) {
      await stdout(lines.join("\n") + "\n");
      throw new UserError(`${lines.length} problem${lines.length === 1 ? "" : "s"} found`);
    }
    await stderr("no problems found\n");
  },
});

const create = defineCommand({
  meta: { name: "create", description: "Write a starter manifest for an app" },
  args: {
    env: { type: "string", required: true, description: "Environment name" },
    app: { type: "string", required: true, description: "Application name" },
    namespace: { type: "string", alias: "n", required: true, description: "Kubernetes namespace" },
    chart: {
      type: "string",
      alias: "c",
      default: "onechart",
      description: "onechart, cron-job, <repo-url>/<chart> or a git chart URL",
    },
    "chart-version": { type: "string", description: "Chart version (default: the built-in chart's version)" },
    file: { type: "string", alias: "f", description: "Values file, or - for stdin", valueHint: "FILE|-" },
    output: { type: "string", alias: "o", description: "Write to this file instead of stdout", valueHint: "FILE" },
  },
  async run({ args }) {
    let values: unknown;
    if (args.file) {
      const [input] = await readInputs(args.file);
      const docs = parseYamlAll(input!.text, input!.name);
      if (docs.length > 1) throw new UserError("expected one YAML document of values", { pos: { file: input!.name } });
      values = docs[0] ?? {};
    }
    const text = createManifest({
      app: args.app,
      env: args.env,
      namespace: args.namespace,
      chart: parseChartFlag(args.chart, args["chart-version"]),
      values,
    });
    // Check what we wrote loads back, so `create` never emits a manifest `template` rejects.
    loadManifests(text, { file: args.output ?? "<created>", vars: {}, missingKey: "zero", limits: localLimits });
    if (args.output) await writeFileAtomic(args.output, text);
    else await stdout(text);
  },
});

export default defineCommand({
  meta: { name: "manifest", description: "Render, lint and create Gimlet manifests (.gimlet/<env>.yaml)" },
  subCommands: { template, lint, create, diff: () => import("./diff.ts").then((m) => m.manifestDiff) },
});
