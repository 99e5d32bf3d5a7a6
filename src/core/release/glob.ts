/**
 * Glob matching with the semantics of gobwas/glob (what the original used for deploy policies),
 * with no separators: `*` matches any run of characters including `/`, `?` one character,
 * `[abc]`, `[!a-z]`, `{main,master}` alternatives, `\` escapes.
 */
const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  const hit = cache.get(glob);
  if (hit) return hit;
  let re = "";
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "\\" && i + 1 < glob.length) re += escape(glob[++i]!);
    else if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith("!")) body = "^" + body.slice(1);
        re += `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else if (c === "{") {
      depth++;
      re += "(?:";
    } else if (c === "}" && depth > 0) {
      depth--;
      re += ")";
    } else if (c === "," && depth > 0) re += "|";
    else re += escape(c);
  }
  while (depth-- > 0) re += ")";
  const out = new RegExp(`^${re}$`, "s");
  if (cache.size > 1000) cache.clear();
  cache.set(glob, out);
  return out;
}

function escape(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** A pattern with an optional leading `!` (negation); exact equality always matches. */
export function matchNegatable(pattern: string, value: string): boolean {
  const negate = pattern.startsWith("!");
  const p = negate ? pattern.slice(1) : pattern;
  const hit = p === value || globToRegExp(p).test(value);
  return negate ? !hit : hit;
}
