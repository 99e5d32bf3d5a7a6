/** Results go to stdout in the format asked for; progress and hints go to stderr. */
import { toYaml } from "../core/yaml.ts";
import { UsageError } from "./run-main.ts";
import { stdout } from "./io.ts";

export const outputFlag = {
  output: {
    type: "string",
    alias: "o",
    default: "text",
    description: "Output format: text, json or yaml",
    valueHint: "text|json|yaml",
  },
} as const;

export async function printResult<T>(data: T, format: string | undefined, text: (d: T) => string): Promise<void> {
  switch (format ?? "text") {
    case "json":
      return stdout(JSON.stringify(data, null, 2) + "\n");
    case "yaml":
      return stdout(toYaml(data));
    case "text":
      return stdout(text(data));
    default:
      throw new UsageError(`unknown output format ${JSON.stringify(format)}`, {
        path: "-o",
        hint: "use text, json or yaml",
      });
  }
}

/** "3 minutes ago" style ages for human output. */
export function age(unixSeconds: number | undefined, now = Date.now()): string {
  if (!unixSeconds) return "unknown time";
  const s = Math.max(0, Math.round(now / 1000 - unixSeconds));
  const units: [number, string][] = [
    [86400, "day"],
    [3600, "hour"],
    [60, "minute"],
  ];
  for (const [n, name] of units)
    if (s >= n) return `${Math.floor(s / n)} ${name}${Math.floor(s / n) === 1 ? "" : "s"} ago`;
  return `${s} second${s === 1 ? "" : "s"} ago`;
}

/**
 * citty reads `--no-x` as `x: false`, so a flag declared as "no-x" never sees `--no-x` itself:
 * this reads it either way.
 */
export function noFlag(args: Record<string, unknown>, name: string): boolean {
  return args[`no-${name}`] === true || args[name] === false;
}
