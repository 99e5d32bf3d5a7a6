/**
 * `gimlet stack configure`: edit stack.yaml's component config. With `--set comp.key=value` it
 * works non-interactively; without, it serves a local page (127.0.0.1, random port) with a form per
 * component and stops when the page is closed, "Done" is pressed, or on Ctrl-C.
 */
import { defineCommand } from "citty";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "../core/errors.ts";
import { parseStackDefinition, parseStackRef, type StackDefinition } from "../core/stack/index.ts";
import { setComponentConfig } from "../stack/config-edit.ts";
import { startConfigureServer } from "../stack/configure-server.ts";
import { applySets } from "../stack/configure-set.ts";
import { readStackYaml } from "../stack/generate.ts";
import { StackLoader } from "../stack/load.ts";
import { repeatedFlag } from "./flags.ts";
import { stderr, stdout, writeFileAtomic } from "./io.ts";

/** Every `--set` counts (citty keeps only the last of a repeated flag). */
export function setFlags(rawArgs: string[]): string[] {
  return repeatedFlag(rawArgs, ["--set"]);
}

async function loadDefinition(
  file: string,
  repository: string,
  definitionFile: string | undefined,
): Promise<StackDefinition> {
  if (definitionFile) {
    let text: string;
    try {
      text = readFileSync(definitionFile, "utf8");
    } catch (e) {
      throw new UserError(
        `cannot read ${definitionFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        {
          path: "--stack-definition",
        },
      );
    }
    return parseStackDefinition(text, definitionFile);
  }
  const loaded = await new StackLoader().load(parseStackRef(repository, resolve(file, "..")));
  return loaded.definition;
}

async function openBrowser(url: string): Promise<void> {
  if (!process.stdout.isTTY || !Bun.which("xdg-open") || !(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)) return;
  try {
    Bun.spawn(["xdg-open", url], { stdio: ["ignore", "ignore", "ignore"] }).unref();
  } catch {
    // Opening is a convenience; the URL is printed either way.
  }
}

export const configure = defineCommand({
  meta: {
    name: "configure",
    description: "Configure stack components in a local web page, or with --set comp.key=value",
  },
  args: {
    config: { type: "string", alias: "c", default: "stack.yaml", description: "The stack file", valueHint: "FILE" },
    set: {
      type: "string",
      description: "Set a component value without the web page (repeatable)",
      valueHint: "COMP.KEY=VALUE",
    },
    "stack-definition": {
      type: "string",
      description: "Use this stack-definition.yaml instead of the one stack.repository names",
      valueHint: "FILE",
    },
  },
  async run({ args, rawArgs }) {
    const file = resolve(args.config);
    const loaded = readStackYaml(file);
    const definition = await loadDefinition(file, loaded.config.stack.repository, args["stack-definition"]);
    const sets = setFlags(rawArgs);
    if (sets.length) {
      const changed = applySets(definition, loaded.config.config, sets);
      let text = readFileSync(file, "utf8");
      for (const [variable, value] of changed) text = setComponentConfig(text, file, variable, value);
      await writeFileAtomic(file, text);
      await stderr(`✅ ${args.config}: ${sets.map((s) => s.slice(0, s.indexOf("="))).join(", ")} set\n`);
      return;
    }
    // How long after the last page closes the command ends; tests shorten it.
    const idleExitMs = Number(process.env.GIMLET_CONFIGURE_IDLE_MS) || undefined;
    const server = await startConfigureServer({ file, definition, idleExitMs });
    await stdout(`Configure the stack at ${server.url}\n(the command ends when the page is closed; Ctrl-C stops it)\n`);
    await openBrowser(server.url);
    const interrupted = new Promise<"interrupted">((r) => process.once("SIGINT", () => r("interrupted")));
    const why = await Promise.race([server.finished, interrupted]);
    await server.stop();
    await stderr(why === "closed" ? "The page was closed; stopped.\n" : "Stopped.\n");
  },
});
