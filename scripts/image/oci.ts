/**
 * OCI image layout written directly: content-addressed blobs, one manifest per platform, an
 * image index over them, and a `docker load`-able archive of one platform. JSON is written with
 * fixed key order and no whitespace, so equal inputs give equal digests.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tar, type TarEntry } from "./tar.ts";

export const mediaTypes = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layer: "application/vnd.oci.image.layer.v1.tar+gzip",
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface Platform {
  architecture: "amd64" | "arm64";
  os: "linux";
  variant?: string;
}

export interface ImageSpec {
  platform: Platform;
  /** Uncompressed layer tars, bottom first, with what made each (the config's history). */
  layers: { tar: Uint8Array; createdBy: string }[];
  created: string;
  config: Record<string, unknown>;
  annotations: Record<string, string>;
}

/** Blobs by digest; what a layout or archive holds. */
export class BlobStore {
  readonly blobs = new Map<string, Uint8Array>();

  add(mediaType: string, data: Uint8Array | string, extra: Partial<Descriptor> = {}): Descriptor {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    const digest = `sha256:${sha256(bytes)}`;
    this.blobs.set(digest, bytes);
    return { mediaType, digest, size: bytes.length, ...extra };
  }
}

export function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

/** gzip without a file name or time in its header (zlib writes mtime 0), so it only depends on the bytes. */
export function gzip(bytes: Uint8Array): Uint8Array {
  return Bun.gzipSync(bytes as Uint8Array<ArrayBuffer>, { level: 6 });
}

export function addImage(store: BlobStore, spec: ImageSpec): Descriptor {
  const layers = spec.layers.map((l) => ({
    diffId: `sha256:${sha256(l.tar)}`,
    desc: store.add(mediaTypes.layer, gzip(l.tar)),
  }));
  const config = {
    created: spec.created,
    architecture: spec.platform.architecture,
    os: spec.platform.os,
    ...(spec.platform.variant ? { variant: spec.platform.variant } : {}),
    config: spec.config,
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    history: spec.layers.map((l) => ({ created: spec.created, created_by: l.createdBy })),
  };
  const configDesc = store.add(mediaTypes.config, JSON.stringify(config));
  const manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.manifest,
    config: configDesc,
    layers: layers.map((l) => l.desc),
    annotations: spec.annotations,
  };
  return store.add(mediaTypes.manifest, JSON.stringify(manifest), { platform: spec.platform });
}

export function addIndex(store: BlobStore, manifests: Descriptor[], annotations: Record<string, string>): Descriptor {
  const index = { schemaVersion: 2, mediaType: mediaTypes.index, manifests, annotations };
  return store.add(mediaTypes.index, JSON.stringify(index));
}

function layoutFiles(store: BlobStore, refs: Descriptor[]): [string, Uint8Array | string][] {
  const files: [string, Uint8Array | string][] = [
    ["oci-layout", JSON.stringify({ imageLayoutVersion: "1.0.0" })],
    ["index.json", JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.index, manifests: refs })],
  ];
  for (const [digest, bytes] of store.blobs) files.push([`blobs/sha256/${digest.slice(7)}`, bytes]);
  return files;
}

/** Writes the layout to `dir` (replacing it); `refs` become index.json's entries. */
export function writeLayout(dir: string, store: BlobStore, refs: Descriptor[]): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  for (const [path, data] of layoutFiles(store, refs)) writeFileSync(join(dir, path), data);
}

/**
 * One platform as a tar that `docker load` reads (its manifest.json) and that is an OCI layout
 * too (what `docker save` writes since Docker 25); gzip layers load as they are.
 */
export function dockerArchive(store: BlobStore, image: Descriptor, repoTag: string, mtime: number): Uint8Array {
  const manifest = JSON.parse(new TextDecoder().decode(store.blobs.get(image.digest)!)) as {
    config: Descriptor;
    layers: Descriptor[];
  };
  const own = new BlobStore();
  for (const d of [image, manifest.config, ...manifest.layers]) own.blobs.set(d.digest, store.blobs.get(d.digest)!);
  const blobPath = (d: Descriptor) => `blobs/sha256/${d.digest.slice(7)}`;
  const dockerManifest = [
    { Config: blobPath(manifest.config), RepoTags: [repoTag], Layers: manifest.layers.map(blobPath) },
  ];
  const ref = {
    ...image,
    annotations: {
      "io.containerd.image.name": repoTag,
      "org.opencontainers.image.ref.name": repoTag.split(":").pop()!,
    },
  };
  const files = layoutFiles(own, [ref]);
  files.push(["manifest.json", JSON.stringify(dockerManifest)]);
  const enc = new TextEncoder();
  const entries: TarEntry[] = [
    { type: "dir", path: "blobs", mode: 0o755 },
    { type: "dir", path: "blobs/sha256", mode: 0o755 },
    ...files
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(
        ([path, data]): TarEntry => ({
          type: "file",
          path,
          mode: 0o644,
          data: typeof data === "string" ? enc.encode(data) : data,
        }),
      ),
  ];
  return tar(entries, mtime);
}
