/**
 * The stacks shipped in the binary: `stacks/<name>/<version>/…` of the source tree. Run from
 * source, they are read from disk; scripts/build.ts replaces this module with one that has every
 * file inlined, so dist/gimlet needs no files next to it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** `name/version/path` → content. */
export function embeddedStackFiles(): Record<string, string> {
  const root = resolve(import.meta.dir, "../../stacks");
  const out: Record<string, string> = {};
  if (!existsSync(root)) return out;
  const walk = (dir: string, prefix: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), `${prefix}${e.name}/`);
      else if (e.isFile()) out[prefix + e.name] = readFileSync(join(dir, e.name), "utf8");
    }
  };
  for (const name of readdirSync(root, { withFileTypes: true })) {
    if (name.isDirectory()) walk(join(root, name.name), `${name.name}/`);
  }
  return out;
}
