/**
 * Compiles the single `dist/gimlet` binary (ARCHITECTURE.md decision 9), embedding the version
 * and the git commit. `--target bun-linux-arm64` etc. cross-compiles; `--outfile` renames.
 */
import { $ } from "bun";
import { parseArgs } from "node:util";
import pkg from "../package.json" with { type: "json" };

const { values: opts } = parseArgs({
  args: Bun.argv.slice(2),
  options: { target: { type: "string" }, outfile: { type: "string", default: "dist/gimlet" } },
});

async function gitCommit(): Promise<string> {
  const sha = (await $`git rev-parse --short=12 HEAD`.nothrow().quiet().text()).trim();
  if (!sha) return "unknown";
  const dirty = (await $`git status --porcelain --untracked-files=no`.nothrow().quiet().text()).trim();
  return dirty ? `${sha}-dirty` : sha;
}

const commit = await gitCommit();
const started = performance.now();
const args = [
  // Worker threads are separate entrypoints of a compiled binary (Bun does not find them itself).
  "build", "src/main.ts", "src/server/render-thread.ts",
  "--compile", "--minify", "--bytecode", "--format=esm",
  "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig",
  "--define", `__GIMLET_COMMIT__=${JSON.stringify(commit)}`,
  "--define", `__GIMLET_VERSION__=${JSON.stringify(pkg.version)}`,
  "--outfile", opts.outfile!,
  ...(opts.target ? ["--target", opts.target] : []),
];
const proc = Bun.spawn([process.execPath, ...args], { stdout: "inherit", stderr: "inherit" });
const code = await proc.exited;
if (code !== 0) {
  console.error(`build failed (bun build exited ${code})`);
  process.exit(code);
}
const size = Bun.file(opts.outfile!).size;
console.error(`built ${opts.outfile} ${pkg.version} (${commit}), ${(size / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
