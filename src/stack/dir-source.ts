/** A stack in a plain local directory (a checkout being developed, or an unpacked mirror), read as it is. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { maxDepth, type StackFiles } from "../core/stack/render.ts";

export function readStackDir(root: string): StackFiles {
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new UserError(`stack directory ${root} does not exist`, {
      path: "stack.repository",
      hint: "a local stack is a directory with stack-definition.yaml; a git URL starts with https:// or file://",
    });
  }
  if (!st.isDirectory()) throw new UserError(`${root} is not a directory`, { path: "stack.repository" });
  const files: StackFiles = {};
  const walk = (dir: string, prefix: string, depth: number) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = prefix + e.name;
      if (e.isDirectory()) {
        if (depth < maxDepth && e.name !== ".git") walk(join(dir, e.name), `${path}/`, depth + 1);
      } else if (e.isFile()) files[path] = readFileSync(join(dir, e.name), "utf8");
    }
  };
  walk(root, "", 1);
  return files;
}
