/**
 * The Bun runtime a cross-compiled binary is built on, fetched once and then used offline.
 *
 * `Bun.build({compile: {target}})` would download the runtime itself on every fresh machine,
 * unpinned and unchecked. Instead the `@oven/bun-<platform>` package of exactly the version of our
 * `bun` devDependency is fetched with `npm pack`, its tarball checked against the integrity that
 * package-lock.json already pins (the lock lists every platform package as an optional dependency
 * of `bun`), and its executable handed to Bun as `compile.executablePath`.
 */
import { $ } from "bun";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import lock from "../package-lock.json" with { type: "json" };

/** Release target names (as in `--target linux-x64,linux-arm64`) → Bun's compile target and npm package. */
export const releaseTargets = {
  "linux-x64": { bun: "bun-linux-x64", pkg: "@oven/bun-linux-x64", arch: "amd64" },
  "linux-arm64": { bun: "bun-linux-arm64", pkg: "@oven/bun-linux-aarch64", arch: "arm64" },
} as const;
export type ReleaseTarget = keyof typeof releaseTargets;

export function isReleaseTarget(t: string): t is ReleaseTarget {
  return Object.hasOwn(releaseTargets, t);
}

export function cacheRoot(): string {
  return process.env.GIMLET_CACHE_DIR ?? join(homedir(), ".cache", "gimlet");
}

interface LockEntry {
  version?: string;
  integrity?: string;
}

function lockEntry(pkg: string): Required<LockEntry> {
  const packages = (lock as unknown as { packages: Record<string, LockEntry> }).packages;
  const e = packages[`node_modules/${pkg}`];
  if (!e?.version || !e.integrity) {
    throw new Error(`package-lock.json has no pinned ${pkg}: run \`npm install\` with the bun devDependency`);
  }
  return { version: e.version, integrity: e.integrity };
}

/** Path of the Bun executable for `target`, fetching it into the cache the first time. */
export async function bunRuntime(target: ReleaseTarget): Promise<string> {
  const { pkg } = releaseTargets[target];
  const bunPin = lockEntry("bun").version;
  const { version, integrity } = lockEntry(pkg);
  if (version !== bunPin) throw new Error(`package-lock.json pins ${pkg}@${version} but bun@${bunPin}`);
  const dir = join(cacheRoot(), "bun-runtime", `${pkg.replace("/", "+")}@${version}`);
  const exe = join(dir, "bun");
  if (existsSync(exe)) return exe;

  mkdirSync(join(cacheRoot(), "bun-runtime"), { recursive: true });
  const tmp = mkdtempSync(`${dir}.tmp-`);
  try {
    const out = await $`npm pack ${`${pkg}@${version}`} --json --pack-destination ${tmp}`.cwd(tmp).quiet().nothrow();
    if (out.exitCode !== 0) throw new Error(`npm pack ${pkg}@${version} failed:\n${out.stderr.toString()}`);
    const [info] = JSON.parse(out.stdout.toString()) as { filename: string; integrity: string }[];
    if (!info || info.integrity !== integrity) {
      const got = info?.integrity;
      throw new Error(`${pkg}@${version}: integrity ${got} does not match package-lock.json's ${integrity}`);
    }
    // Checked again on the file itself: npm reports what it computed, this is what we extract.
    const tgz = join(tmp, info.filename.replace(/^@/, "").replace("/", "-"));
    const digest = new Bun.CryptoHasher("sha512").update(await Bun.file(tgz).arrayBuffer()).digest("base64");
    if (`sha512-${digest}` !== integrity) throw new Error(`${tgz}: sha512 does not match package-lock.json`);
    await $`tar -xzf ${tgz} -C ${tmp} package/bin/bun`.quiet();
    chmodSync(join(tmp, "package/bin/bun"), 0o755);
    mkdirSync(dir, { recursive: true });
    renameSync(join(tmp, "package/bin/bun"), exe);
    return exe;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
