/** Template variables for manifests: dotenv files and how sources combine. */
import { UserError } from "../errors.ts";

export type Vars = Record<string, string>;

const keyRe = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Parses a `.env` file the way the common dotenv tools do: `KEY=value`, optional `export `,
 * `#` comments, single quotes literal, double quotes with `\n \t \" \\` escapes.
 */
export function parseDotenv(text: string, file = ".env"): Vars {
  const vars: Vars = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const body = line.startsWith("export ") ? line.slice(7).trimStart() : line;
    const eq = body.indexOf("=");
    if (eq <= 0) {
      throw new UserError(`expected KEY=VALUE, got ${JSON.stringify(raw)}`, { pos: { file, line: i + 1 } });
    }
    const key = body.slice(0, eq).trim();
    if (!keyRe.test(key)) {
      throw new UserError(`invalid variable name ${JSON.stringify(key)}`, {
        pos: { file, line: i + 1 },
        hint: "names start with a letter or _ and hold letters, digits, _ . -",
      });
    }
    vars[key] = parseValue(body.slice(eq + 1).trim(), file, i + 1);
  }
  return vars;
}

function parseValue(v: string, file: string, line: number): string {
  const q = v[0];
  if (q === "'" || q === '"') {
    const end = v.indexOf(q, 1);
    let close = end;
    if (q === '"') {
      // skip escaped quotes
      close = 1;
      while (close < v.length && !(v[close] === '"' && v[close - 1] !== "\\")) close++;
    }
    if (close < 0 || close >= v.length) {
      throw new UserError(`unterminated ${q === '"' ? "double" : "single"} quote`, { pos: { file, line } });
    }
    const inner = v.slice(1, close);
    return q === "'"
      ? inner
      : inner.replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: "\n", r: "\r", t: "\t" })[c] ?? c);
  }
  const hash = v.search(/\s#/);
  return (hash >= 0 ? v.slice(0, hash) : v).trim();
}

/** The original's rule: the vars file wins over the OS environment. */
export function mergeVars(env: Vars, file: Vars | undefined): Vars {
  return { ...env, ...(file ?? {}) };
}
