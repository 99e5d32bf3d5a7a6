/**
 * `npm run image`: the OCI image that runs `gimlet serve` and `gimlet agent`, built without a
 * container engine from dist/gimlet-linux-{x64,arm64} (`npm run release`) and pinned Debian packages.
 *
 * Writes dist/image/ (an OCI layout: a multi-arch index tagged VERSION, and VERSION-amd64 /
 * VERSION-arm64 for the single images) and dist/gimlet-image-amd64.tar (`docker load -i`).
 * Each image has two layers: the base (glibc's libraries the binary links against, found from its
 * ELF headers; CA certificates; /etc/passwd and /etc/group with the non-root user; /tmp) and the
 * binary at /usr/local/bin/gimlet. Every time stamp is the commit's, so a commit gives one digest.
 *
 * Flags: --dist DIR (binaries in, default dist), --out DIR (default DIST/image),
 * --archive FILE (default DIST/gimlet-image-amd64.tar), --image NAME (repository for the archive's tag),
 * --revision SHA (default git HEAD); SOURCE_DATE_EPOCH overrides the commit's time.
 */
import { $ } from "bun";
import { lstatSync, readFileSync, readdirSync, readlinkSync, existsSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import { parseArgs } from "node:util";
import pkg from "../package.json" with { type: "json" };
import { imageRepository, imageUser } from "../src/core/deploy/image.ts";
import { type ReleaseTarget, releaseTargets } from "./bun-runtime.ts";
import { debDescription, debPins, extractDeb } from "./image/debs.ts";
import { elfDeps } from "./image/elf.ts";
import { addImage, addIndex, BlobStore, type Descriptor, dockerArchive, type Platform } from "./image/oci.ts";
import { writeLayout } from "./image/oci.ts";
import { sortEntries, tar, type TarEntry } from "./image/tar.ts";

const { values: opts } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    dist: { type: "string", default: "dist" },
    out: { type: "string" },
    archive: { type: "string" },
    image: { type: "string", default: process.env.GIMLET_IMAGE ?? imageRepository },
    revision: { type: "string" },
  },
});
const dist = opts.dist!;
const source = process.env.GIMLET_IMAGE_SOURCE ?? "https://github.com/gimlet-io/gimlet";

const triplets = { amd64: "x86_64-linux-gnu", arm64: "aarch64-linux-gnu" } as const;
const platforms: Record<ReleaseTarget, Platform> = {
  "linux-x64": { architecture: "amd64", os: "linux" },
  "linux-arm64": { architecture: "arm64", os: "linux", variant: "v8" },
};

async function git(args: string[]): Promise<string> {
  return (await $`git ${args}`.quiet().text()).trim();
}

const enc = new TextEncoder();
const file = (path: string, data: string | Uint8Array, mode = 0o644): TarEntry => ({
  type: "file",
  path,
  mode,
  data: typeof data === "string" ? enc.encode(data) : data,
});
const dir = (path: string, mode = 0o755, owner = 0): TarEntry => ({ type: "dir", path, mode, uid: owner, gid: owner });

/**
 * The libraries `binary` needs, transitively, as they are in libc6's package, plus the loader
 * path it names (a symlink in the package). Fails when the binary needs more than glibc.
 */
function sharedLibraries(binary: Uint8Array, arch: "amd64" | "arm64", libc: string): TarEntry[] {
  const libDir = `lib/${triplets[arch]}`;
  const entries = new Map<string, TarEntry>();
  const seen = new Set<string>();
  const visit = (bytes: Uint8Array, what: string) => {
    const deps = elfDeps(bytes, what);
    for (const soname of deps.needed) {
      if (seen.has(soname)) continue;
      seen.add(soname);
      const path = join(libc, libDir, soname);
      if (!existsSync(path) || lstatSync(path).isSymbolicLink()) {
        const hint = `it is not a file in ${debDescription(debPins.libc6[arch])}; add the package that has it`;
        throw new Error(`${what} needs ${soname}: ${hint}`);
      }
      const data = readFileSync(path);
      entries.set(`${libDir}/${soname}`, file(`${libDir}/${soname}`, data, lstatSync(path).mode & 0o777));
      visit(data, soname);
    }
    if (deps.interpreter) {
      const rel = deps.interpreter.replace(/^\//, "");
      const inDeb = join(libc, rel);
      if (lstatSync(inDeb).isSymbolicLink() && !entries.has(rel)) {
        entries.set(rel, { type: "symlink", path: rel, target: readlinkSync(inDeb) });
      }
      const real = posix.resolve("/", posix.dirname(rel), readlinkSync(inDeb)).slice(1);
      if (!entries.has(real)) {
        throw new Error(`${what}: its loader ${deps.interpreter} → /${real} is not in the image`);
      }
    }
  };
  visit(binary, `gimlet for ${arch}`);
  return [...entries.values()];
}

/** update-ca-certificates' bundle: every certificate of the package, in file-name order. */
function caBundle(caDir: string): string {
  const mozilla = join(caDir, "usr/share/ca-certificates/mozilla");
  const names = readdirSync(mozilla)
    .filter((n) => n.endsWith(".crt"))
    .sort();
  if (names.length < 50) throw new Error(`${mozilla}: only ${names.length} certificates`);
  return names.map((n) => readFileSync(join(mozilla, n), "utf8").trimEnd() + "\n").join("");
}

function baseLayer(binary: Uint8Array, arch: "amd64" | "arm64", libc: string, bundle: string): Uint8Array {
  const libs = sharedLibraries(binary, arch, libc);
  const dirs = new Set<string>();
  for (const e of libs) for (let d = posix.dirname(e.path); d !== "."; d = posix.dirname(d)) dirs.add(d);
  const u = imageUser;
  const entries: TarEntry[] = [
    ...[...dirs, "etc", "etc/ssl", "etc/ssl/certs", "home"].map((d) => dir(d)),
    dir("home/nonroot", 0o700, u),
    dir("tmp", 0o1777),
    file("etc/passwd", `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${u}:${u}::/home/nonroot:/sbin/nologin\n`),
    file("etc/group", `root:x:0:\nnonroot:x:${u}:\n`),
    // glibc's defaults would also try NIS; files and DNS are what a container has.
    file("etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n"),
    file("etc/ssl/certs/ca-certificates.crt", bundle),
    ...libs,
  ];
  return tar(sortEntries(entries), mtime);
}

function binaryLayer(binary: Uint8Array): Uint8Array {
  const entries = [dir("usr"), dir("usr/local"), dir("usr/local/bin"), file("usr/local/bin/gimlet", binary, 0o755)];
  return tar(entries, mtime);
}

const revision = opts.revision ?? (await git(["rev-parse", "HEAD"]));
const mtime = Number(process.env.SOURCE_DATE_EPOCH ?? (await git(["log", "-1", "--format=%ct"])));
const created = new Date(mtime * 1000).toISOString().replace(".000Z", "Z");
const version = pkg.version;
const labels = {
  "org.opencontainers.image.source": source,
  "org.opencontainers.image.version": version,
  "org.opencontainers.image.revision": revision,
  "org.opencontainers.image.title": "gimlet",
  "org.opencontainers.image.description": pkg.description,
};
const annotations = { ...labels, "org.opencontainers.image.created": created };

const started = performance.now();
const caDeb = await extractDeb(debPins.caCertificates);
const bundle = caBundle(caDeb);
const store = new BlobStore();
const images: Descriptor[] = [];
for (const target of Object.keys(releaseTargets) as ReleaseTarget[]) {
  const path = join(dist, `gimlet-${target}`);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run release\` first`);
  const binary = readFileSync(path);
  const platform = platforms[target];
  const arch = platform.architecture;
  const expected = arch === "amd64" ? "x86-64" : "aarch64";
  if (elfDeps(binary, path).machine !== expected) throw new Error(`${path} is not an ${expected} executable`);
  const libc = await extractDeb(debPins.libc6[arch]);
  const pins = `${debDescription(debPins.libc6[arch])}, ${debDescription(debPins.caCertificates)}`;
  images.push(
    addImage(store, {
      platform,
      created,
      layers: [
        { tar: baseLayer(binary, arch, libc, bundle), createdBy: `scripts/image.ts base: ${pins}` },
        { tar: binaryLayer(binary), createdBy: `scripts/image.ts: ${target} binary` },
      ],
      config: {
        User: `${imageUser}:${imageUser}`,
        Entrypoint: ["/usr/local/bin/gimlet"],
        Env: ["PATH=/usr/local/bin:/usr/bin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],
        WorkingDir: "/tmp",
        Labels: labels,
      },
      annotations,
    }),
  );
}
const index = addIndex(store, images, annotations);
const ref = (d: Descriptor, name: string): Descriptor => ({
  mediaType: d.mediaType,
  digest: d.digest,
  size: d.size,
  ...(d.platform ? { platform: d.platform } : {}),
  annotations: { "org.opencontainers.image.ref.name": name },
});
const out = opts.out ?? join(dist, "image");
writeLayout(out, store, [ref(index, version), ...images.map((d) => ref(d, `${version}-${d.platform!.architecture}`))]);
const archive = opts.archive ?? join(dist, "gimlet-image-amd64.tar");
writeFileSync(archive, dockerArchive(store, images[0]!, `${opts.image}:${version}`, mtime));
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.error(`wrote ${out} (index ${index.digest}, tags ${version}, ${version}-amd64, ${version}-arm64)`);
console.error(`wrote ${archive} (docker load -i; ${opts.image}:${version}, amd64) in ${seconds} s`);
console.log(index.digest);
