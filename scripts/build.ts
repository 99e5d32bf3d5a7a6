/**
 * Compiles the single `dist/gimlet` binary (ARCHITECTURE.md decision 9), embedding the version
 * and the git commit. `--target bun-linux-arm64` etc. cross-compiles; `--outfile` renames.
 * Release builds: `--target linux-x64,linux-arm64` (or `--release` for all) writes
 * `dist/gimlet-<target>` each and `dist/SHA256SUMS`, on the pinned runtimes of scripts/bun-runtime.ts.
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
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import pkg from "../package.json" with { type: "json" };
import { bunRuntime, isReleaseTarget, releaseTargets, type ReleaseTarget } from "./bun-runtime.ts";

const { values: opts } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    target: { type: "string" },
    outfile: { type: "string", default: "dist/gimlet" },
    outdir: { type: "string", default: "dist" },
    release: { type: "boolean", default: false },
  },
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

// GIMLET_BUILD_COMMIT pins it (a reproducibility check must not see a commit made in between).
const commit = process.env.GIMLET_BUILD_COMMIT ?? (await gitCommit());

async function compile(outfile: string, target?: string, executablePath?: string): Promise<void> {
  const started = performance.now();
  const result = await Bun.build({
    // Worker threads are separate entrypoints of a compiled binary (Bun does not find them itself).
    entrypoints: ["src/main.ts", "src/server/render-thread.ts"],
    compile: {
      outfile,
      autoloadDotenv: false,
      autoloadBunfig: false,
      jitPolicy: startupJitPolicy,
      ...(target ? { target: target as Bun.Build.CompileTarget } : {}),
      ...(executablePath ? { executablePath } : {}),
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
  const size = Bun.file(outfile).size;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.error(`built ${outfile} ${pkg.version} (${commit}), ${(size / 1e6).toFixed(1)} MB in ${seconds} s`);
}

const targets = opts.release ? Object.keys(releaseTargets) : (opts.target?.split(",").map((t) => t.trim()) ?? []);
if (targets.length > 0 && targets.every(isReleaseTarget)) {
  // The embedded file names come from the outfile's name, so each target always has the same one:
  // two builds of one commit are byte-identical (the image digest test relies on it).
  const dir = opts.outdir!;
  const sums: string[] = [];
  for (const t of targets as ReleaseTarget[]) {
    const outfile = join(dir, `gimlet-${t}`);
    await compile(outfile, releaseTargets[t].bun, await bunRuntime(t));
    const digest = new Bun.CryptoHasher("sha256").update(await Bun.file(outfile).arrayBuffer()).digest("hex");
    sums.push(`${digest}  ${basename(outfile)}`);
  }
  // `sha256sum -c SHA256SUMS` format, one line per target in the order given.
  await Bun.write(join(dir, "SHA256SUMS"), sums.join("\n") + "\n");
  console.error(`wrote ${join(dir, "SHA256SUMS")}`);
} else if (targets.length > 1 || targets.some(isReleaseTarget)) {
  const known = Object.keys(releaseTargets).join(", ");
  console.error(`--target: give one Bun target (e.g. bun-linux-arm64) or release targets from: ${known}`);
  process.exit(2);
} else {
  await compile(opts.outfile!, targets[0]);
}
