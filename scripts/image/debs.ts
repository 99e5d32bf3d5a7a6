/**
 * The Debian packages the image's root filesystem is taken from, pinned by version and sha256:
 * glibc's runtime (what the Bun binary links against) per architecture and the CA certificates.
 * Fetched once with `apt-get download` into ~/.cache/gimlet/debs, extracted with `dpkg-deb -x`.
 */
import { $ } from "bun";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { cacheRoot } from "../bun-runtime.ts";

export interface DebPin {
  name: string;
  version: string;
  arch: "amd64" | "arm64" | "all";
  sha256: string;
}

// To move a pin: `apt-cache policy libc6`, then `apt-get download libc6:amd64=VERSION` and sha256sum.
export const debPins = {
  libc6: {
    amd64: {
      name: "libc6",
      version: "2.36-9+deb12u14",
      arch: "amd64",
      sha256: "ba4f88f73dbc3ae9055f3c20f4523bfdbaf1ad13ff95e258924f77d20b4fbedf",
    },
    arm64: {
      name: "libc6",
      version: "2.36-9+deb12u14",
      arch: "arm64",
      sha256: "01f4330719fd4f65580e16ea5a0527f372fca750e8f588d26deaf09f2d3b1cf4",
    },
  },
  caCertificates: {
    name: "ca-certificates",
    version: "20250419~deb12u2",
    arch: "all",
    sha256: "b9f76b5271a7ac373fd5e7e1b5b826a71ddd702b42a0d104955ecb1acfffc94b",
  },
} satisfies { libc6: Record<string, DebPin>; caCertificates: DebPin };

export function debDescription(p: DebPin): string {
  return `${p.name}_${p.version}_${p.arch}`;
}

/** The .deb for `p`, downloaded the first time and checked against its pinned sha256. */
export async function fetchDeb(p: DebPin): Promise<string> {
  const dir = join(cacheRoot(), "debs");
  const file = join(dir, `${debDescription(p)}.deb`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const spec = p.arch === "all" ? `${p.name}=${p.version}` : `${p.name}:${p.arch}=${p.version}`;
    const out = await $`apt-get download ${spec}`.cwd(dir).quiet().nothrow();
    if ((out.exitCode !== 0 || !existsSync(file)) && process.env.GIMLET_IMAGE_ALLOW_UNPINNED === "1") {
      // Debian's mirrors drop a version once it is superseded: a test of the image mechanics must
      // not break on that day, so it may take the current version (a release build never does).
      return fetchCurrentDeb(p, dir);
    }
    if (out.exitCode !== 0 || !existsSync(file)) {
      const hint =
        p.arch === "arm64"
          ? "for arm64 packages run `dpkg --add-architecture arm64 && apt-get update` (as root) first; "
          : "";
      throw new Error(
        `apt-get download ${spec} failed:\n${out.stderr.toString().trim()}\n` +
          `${hint}if Debian no longer serves that version, move the pin in scripts/image/debs.ts`,
      );
    }
  }
  const digest = new Bun.CryptoHasher("sha256").update(await Bun.file(file).arrayBuffer()).digest("hex");
  if (digest !== p.sha256) {
    rmSync(file);
    throw new Error(`${file}: sha256 ${digest}, pinned ${p.sha256} (removed; run again, or move the pin)`);
  }
  return file;
}

/** The version apt serves today, for GIMLET_IMAGE_ALLOW_UNPINNED=1 (tests only); said on stderr. */
async function fetchCurrentDeb(p: DebPin, dir: string): Promise<string> {
  const spec = p.arch === "all" ? p.name : `${p.name}:${p.arch}`;
  const tmp = join(dir, `current-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const out = await $`apt-get download ${spec}`.cwd(tmp).quiet().nothrow();
  const got = out.exitCode === 0 ? readdirSync(tmp).find((f) => f.endsWith(".deb")) : undefined;
  if (!got) throw new Error(`apt-get download ${spec} failed:\n${out.stderr.toString().trim()}`);
  const file = join(dir, got);
  renameSync(join(tmp, got), file);
  rmSync(tmp, { recursive: true, force: true });
  process.stderr.write(`image: ${debDescription(p)} is no longer served; using ${got} (unpinned, tests only)\n`);
  return file;
}

/** The package's files under a cache directory (extracted once per fetched .deb). */
export async function extractDeb(p: DebPin): Promise<string> {
  const deb = await fetchDeb(p);
  const dir = join(cacheRoot(), "debs", basename(deb, ".deb"));
  if (existsSync(dir)) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await $`dpkg-deb -x ${deb} ${tmp}`.quiet();
  renameSync(tmp, dir);
  return dir;
}
