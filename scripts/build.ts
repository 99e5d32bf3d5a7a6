/**
 * Compiles the single `dist/gimlet` binary (ARCHITECTURE.md decision 9), embedding the version
 * and the git commit. `--target bun-linux-arm64` etc. cross-compiles; `--outfile` renames.
 *
 * Start-up matters (a CI job calls the CLI many times; bench/manifest.ts measures it), hence:
 * - bytecode, so modules are not parsed at start;
 * - code splitting, so each command loads only its own modules and the built-in modules they
 *   import (a manifest command does not load sqlite, zlib or crypto, which ESM imports would
 *   otherwise pull in at start for every command);
 * - `yaml`'s ESM build (the CommonJS one that the "node" condition picks costs ~1.5 ms to load);
 * - a JIT policy that leaves short runs in the interpreter instead of compiling code they run
 *   a few times; `gimlet serve` restores the normal policy once it starts.
 */
import { $, type BunPlugin } from "bun";
import { dirname, join } from "node:path";
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

/** Tier-up thresholds × this at start (see Bun.unsafe.setJITPolicy); serve sets 1 again. */
const startupJitPolicy = 8;

const yamlEsm: BunPlugin = {
  name: "yaml-esm",
  setup(build) {
    const esm = join(dirname(Bun.resolveSync("yaml/package.json", import.meta.dir)), "browser/index.js");
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: esm }));
  },
};

/** src/stack/embedded-files.ts reads stacks/ from disk; in the binary it returns them inlined. */
const embeddedStacks: BunPlugin = {
  name: "embedded-stacks",
  setup(build) {
    build.onLoad({ filter: /src\/stack\/embedded-files\.ts$/ }, async () => {
      const files: Record<string, string> = {};
      for (const path of new Bun.Glob("*/*/**").scanSync({ cwd: "stacks", dot: true })) {
        files[path] = await Bun.file(join("stacks", path)).text();
      }
      const contents = `export function embeddedStackFiles() { return ${JSON.stringify(files)}; }`;
      return { contents, loader: "js" };
    });
  },
};

const commit = await gitCommit();
const started = performance.now();
const result = await Bun.build({
  // Worker threads are separate entrypoints of a compiled binary (Bun does not find them itself).
  entrypoints: ["src/main.ts", "src/server/render-thread.ts"],
  compile: {
    outfile: opts.outfile!,
    autoloadDotenv: false,
    autoloadBunfig: false,
    jitPolicy: startupJitPolicy,
    ...(opts.target ? { target: opts.target as Bun.Build.CompileTarget } : {}),
  },
  minify: true,
  bytecode: true,
  format: "esm",
  splitting: true,
  define: {
    __GIMLET_COMMIT__: JSON.stringify(commit),
    __GIMLET_VERSION__: JSON.stringify(pkg.version),
  },
  plugins: [yamlEsm, embeddedStacks],
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  console.error("build failed");
  process.exit(1);
}
const size = Bun.file(opts.outfile!).size;
console.error(`built ${opts.outfile} ${pkg.version} (${commit}), ${(size / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
