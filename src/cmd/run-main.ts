/**
 * The one place where errors become messages and exit codes, and the only `process.exit`.
 * citty parses and dispatches; we resolve `--help`/`--version` and refuse unknown flags ourselves
 * so a typo never runs a command with a default.
 */
import { renderUsage, runCommand, type ArgsDef, type CommandDef } from "citty";
import { UserError } from "../core/errors.ts";
import { versionLine } from "./build-info.ts";
import { stderr, stdout } from "./io.ts";

/** A mistake in how the command was called (unknown flag, missing argument). */
export class UsageError extends UserError {
  override name = "UsageError";
}

type Cmd = CommandDef<ArgsDef>;

async function resolve<T>(v: T | Promise<T> | (() => T | Promise<T>) | undefined): Promise<T | undefined> {
  return typeof v === "function" ? await (v as () => T | Promise<T>)() : await v;
}

/** Follows subcommand names through argv; returns the leaf, its parent and its own argv. */
async function findLeaf(
  root: Cmd,
  argv: string[],
): Promise<{ cmd: Cmd; parent?: Cmd; args: string[]; path: string[] }> {
  let cmd = root;
  let parent: Cmd | undefined;
  let args = argv;
  const path: string[] = [];
  for (;;) {
    const subs = await resolve(cmd.subCommands);
    const i = args.findIndex((a) => !a.startsWith("-"));
    if (!subs || i < 0 || !(args[i]! in subs)) return { cmd, parent, args, path };
    parent = cmd;
    path.push(args[i]!);
    cmd = (await resolve(subs[args[i]!])) as Cmd;
    args = args.slice(i + 1);
  }
}

function camel(s: string): string {
  return s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

async function checkFlags(cmd: Cmd, args: string[], path: string[]): Promise<void> {
  const defs = (await resolve(cmd.args)) ?? {};
  const known = new Set<string>();
  for (const [name, def] of Object.entries(defs)) {
    known.add(camel(name));
    for (const a of [(def as { alias?: string | string[] }).alias ?? []].flat()) known.add(camel(a));
  }
  for (const a of args) {
    if (a === "--") break;
    if (!a.startsWith("-") || a === "-") continue;
    const name = camel(a.replace(/^--?/, "").split("=")[0]!);
    if (known.has(name) || (name.startsWith("no") && known.has(name[2]!.toLowerCase() + name.slice(3)))) continue;
    throw new UsageError(`unknown flag ${a.split("=")[0]}`, { hint: `see \`gimlet ${path.join(" ")} --help\`` });
  }
  const subs = await resolve(cmd.subCommands);
  const positional = args.find((a) => !a.startsWith("-"));
  if (subs && positional && !cmd.run) {
    throw new UsageError(`unknown command ${JSON.stringify(positional)}`, {
      hint: `available: ${Object.keys(subs).join(", ")}`,
    });
  }
}

export async function runCli(root: Cmd, argv: string[]): Promise<never> {
  let code = 0;
  try {
    if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
      await stdout(versionLine() + "\n");
    } else {
      const { cmd, parent, args, path } = await findLeaf(root, argv);
      const subs = await resolve(cmd.subCommands);
      if (args.includes("--help") || args.includes("-h") || (subs && !cmd.run && args.length === 0)) {
        // The usage line names the whole path ("gimlet manifest template"), not just the last two words.
        const pathParent = parent ? ({ meta: { name: ["gimlet", ...path.slice(0, -1)].join(" ") } } as Cmd) : undefined;
        const usage = await renderUsage(cmd, pathParent);
        await stdout((process.stdout.isTTY ? usage : usage.replace(/\x1b\[[0-9;]*m/g, "")) + "\n");
      } else {
        await checkFlags(cmd, args, path);
        await runCommand(cmd, { rawArgs: args });
      }
    }
  } catch (e) {
    code = 1;
    await stderr(formatError(e) + "\n");
  }
  process.exit(code);
}

export function formatError(e: unknown): string {
  if (e instanceof UserError) return `error: ${e.describe()}`;
  // citty's own argument errors (missing required flag, bad enum) are usage errors too.
  if (e instanceof Error && (e as { code?: string }).code?.startsWith("E"))
    return `error: ${e.message.replace(/\x1b\[[0-9;]*m/g, "")}`;
  const err = e as Error;
  const detail = process.env.GIMLET_DEBUG ? `\n${err?.stack ?? ""}` : " (set GIMLET_DEBUG=1 for a stack trace)";
  return `error: internal: ${err?.message ?? String(e)}${detail}`;
}
