/** Flag parsing citty does not do for us. */
import { UserError } from "../core/errors.ts";

/**
 * Every value of a repeatable flag, in order (`--x a --x b`, `--x=a`): citty keeps only the last
 * one, and the original CLI's `--field`, `--var`, `--envFile` and `--set` are meant to repeat.
 */
export function repeatedFlag(rawArgs: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const a = rawArgs[i]!;
    if (a === "--") break;
    const eq = a.indexOf("=");
    if (a.startsWith("-") && eq > 0 && names.includes(a.slice(0, eq))) out.push(a.slice(eq + 1));
    else if (names.includes(a)) {
      const v = rawArgs[++i];
      if (v === undefined) throw new UserError(`${a} needs a value`, { path: a });
      out.push(v);
    }
  }
  return out;
}

/** `key=value` as a repeatable flag gives it (`--var`, `--field`, `--from-literal`): split at the first `=`. */
export function keyValue(s: string, flag: string): [string, string] {
  const i = s.indexOf("=");
  if (i <= 0) throw new UserError(`${JSON.stringify(s)} is not key=value`, { path: flag });
  return [s.slice(0, i), s.slice(i + 1)];
}
