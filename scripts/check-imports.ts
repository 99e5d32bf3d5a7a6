/**
 * Enforces ARCHITECTURE.md's import direction: each module may import only the modules its row
 * allows, and no module-level cycle may exist. Fails with every violation listed.
 *   bun scripts/check-imports.ts [--root DIR]
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

/** module → modules it may import (besides itself). Mirrors the table in ARCHITECTURE.md. */
export const allowed: Record<string, string[]> = {
  main: ["cmd"],
  cmd: ["server", "agent", "stack", "ops", "git", "store", "kube", "ui", "core"],
  server: ["ops", "ui", "git", "store", "kube", "core"],
  ops: ["git", "store", "kube", "core"],
  agent: ["kube", "core"],
  stack: ["git", "ui", "core"],
  git: ["core"],
  store: ["core"],
  kube: ["core"],
  ui: ["core"],
  core: [],
};

/** Packages `core` may use: pure, I/O-free libraries (see ARCHITECTURE.md). */
export const corePackages = new Set(["yaml", "ajv", "fast-json-patch", "node-diff3"]);

export interface Violation {
  file: string;
  line: number;
  message: string;
}

const importRe =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s+["']([^"']+)["']/g;

export function moduleOf(srcDir: string, file: string): string {
  const rel = relative(srcDir, file);
  if (rel === "main.ts") return "main";
  return rel.split("/")[0]!;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return walk(p);
    return /\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n) ? [p] : [];
  });
}

export function checkImports(srcDir: string): Violation[] {
  const violations: Violation[] = [];
  const edges = new Map<string, Set<string>>();
  const fileEdges = new Map<string, Set<string>>();
  for (const file of walk(srcDir)) {
    const from = moduleOf(srcDir, file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      const line = text.slice(0, m.index).split("\n").length + (text[m.index] === "\n" ? 1 : 0);
      const rel = relative(srcDir, file);
      if (spec.startsWith(".")) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(srcDir + "/")) {
          if (!target.endsWith("package.json"))
            violations.push({ file: rel, line, message: `imports ${spec}, outside src/` });
          continue;
        }
        const targetFile = /\.tsx?$/.test(target) ? target : `${target}.ts`;
        if (!fileEdges.has(rel)) fileEdges.set(rel, new Set());
        // Type-only imports vanish at runtime and cannot form a load-order cycle.
        if (!/^\s*(import|export)\s+type\s/.test(m[0].trim())) fileEdges.get(rel)!.add(relative(srcDir, targetFile));
        const to = moduleOf(srcDir, target);
        if (to === from) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
        if (!(allowed[from] ?? []).includes(to))
          violations.push({ file: rel, line, message: `${from} may not import ${to} (${spec})` });
      } else if (from === "core") {
        const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
        if (!corePackages.has(pkg))
          violations.push({ file: rel, line, message: `core must stay pure; it may not import ${spec}` });
      }
    }
  }
  for (const cycle of findCycles(edges))
    violations.push({ file: "(modules)", line: 0, message: `module import cycle: ${cycle.join(" → ")}` });
  for (const cycle of findCycles(fileEdges))
    violations.push({ file: cycle[0]!, line: 0, message: `file import cycle: ${cycle.join(" → ")}` });
  return violations;
}

function findCycles(edges: Map<string, Set<string>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (n: string) => {
    if (state.get(n) === "done") return;
    if (state.get(n) === "visiting") {
      cycles.push([...stack.slice(stack.indexOf(n)), n]);
      return;
    }
    state.set(n, "visiting");
    stack.push(n);
    for (const m of edges.get(n) ?? []) visit(m);
    stack.pop();
    state.set(n, "done");
  };
  for (const n of edges.keys()) visit(n);
  return cycles;
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Bun.argv.slice(2), options: { root: { type: "string", default: "src" } } });
  const srcDir = resolve(values.root!);
  const violations = checkImports(srcDir);
  for (const v of violations) console.error(`${v.file}:${v.line}: ${v.message}`);
  if (violations.length) {
    console.error(`check-imports: ${violations.length} violation(s); see ARCHITECTURE.md for the allowed direction`);
    process.exit(1);
  }
  console.error("check-imports: ok");
}
