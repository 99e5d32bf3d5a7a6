/**
 * The release image, built as `npm run image` builds it (pinned Bun runtimes and Debian packages,
 * fetched once into ~/.cache/gimlet): two builds give the same binaries and the same digests, the
 * layout's blobs are what their names say, and the amd64 root filesystem runs `gimlet` with
 * nothing from the host (chroot, own mount and pid namespaces, read-only root, only /tmp
 * writable, as the image's user 65532). Needs root for the namespaces; CI runs as root.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pkg from "../../../package.json" with { type: "json" };
import { elfDeps } from "../../../scripts/image/elf.ts";

const root = resolve(import.meta.dir, "../../..");
const bun = join(root, "node_modules/.bin/bun");
const isRoot = process.getuid?.() === 0;
const work = mkdtempSync(join(tmpdir(), "gimlet-image-"));
const revision = "0123456789abcdef0123456789abcdef01234567";

async function run(cmd: string[], env: Record<string, string> = {}): Promise<string> {
  const p = Bun.spawn(cmd, { cwd: root, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited ${code}:\n${err}`);
  return out;
}

/** Builds binaries and image into work/NAME; returns the index digest the script printed. */
async function build(name: string): Promise<string> {
  const dist = join(work, name);
  await run([bun, "scripts/build.ts", "--release", "--outdir", dist], { GIMLET_BUILD_COMMIT: revision.slice(0, 12) });
  const args = ["scripts/image.ts", "--dist", dist, "--revision", revision];
  // The mechanics are under test here, not the pins: a superseded Debian version must not fail CI.
  const out = await run([bun, ...args], { SOURCE_DATE_EPOCH: "1700000000", GIMLET_IMAGE_ALLOW_UNPINNED: "1" });
  return out.trim();
}

const json = (path: string) => JSON.parse(readFileSync(path, "utf8"));
let digests: string[] = [];
const rootfs = join(work, "rootfs");

describe.skipIf(!isRoot)("release image (root)", () => {
  beforeAll(async () => {
    digests = [await build("a"), await build("b")];
    // Unpack the amd64 image the way a runtime does: its manifest's layers in order.
    const layout = join(work, "a", "image");
    const index = json(join(layout, "index.json"));
    const tag = (m: any) => m.annotations["org.opencontainers.image.ref.name"];
    const amd64 = index.manifests.find((m: any) => tag(m) === `${pkg.version}-amd64`);
    const manifest = json(join(layout, "blobs/sha256", amd64.digest.slice(7)));
    // The image's "/" is this directory: a runtime makes it 0755. Set the mode outright, since another
    // test in this process may have narrowed the umask (a data dir does, for its own files).
    mkdirSync(rootfs);
    chmodSync(rootfs, 0o755);
    for (const l of manifest.layers) {
      await run(["tar", "-xzf", join(layout, "blobs/sha256", l.digest.slice(7)), "-C", rootfs]);
    }
    mkdirSync(join(rootfs, "proc"));
    chmodSync(join(rootfs, "proc"), 0o555);
  }, 180_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test("two builds: identical binaries, SHA256SUMS, index digest and docker archive", async () => {
    expect(digests[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digests[1]).toBe(digests[0]!);
    expect(readFileSync(join(work, "a/SHA256SUMS"), "utf8")).toBe(readFileSync(join(work, "b/SHA256SUMS"), "utf8"));
    const sums = readFileSync(join(work, "a/SHA256SUMS"), "utf8");
    expect(sums).toMatch(/^[0-9a-f]{64} {2}gimlet-linux-x64\n[0-9a-f]{64} {2}gimlet-linux-arm64\n$/);
    const hash = (p: string) => new Bun.CryptoHasher("sha256").update(readFileSync(p)).digest("hex");
    expect(hash(join(work, "a/gimlet-image-amd64.tar"))).toBe(hash(join(work, "b/gimlet-image-amd64.tar")));
  });

  test("layout: blobs match their digests; index → amd64 + arm64 with labels; arm64 is aarch64", async () => {
    const layout = join(work, "a", "image");
    for (const name of await Array.fromAsync(new Bun.Glob("*").scan(join(layout, "blobs/sha256")))) {
      const bytes = readFileSync(join(layout, "blobs/sha256", name));
      expect(new Bun.CryptoHasher("sha256").update(bytes).digest("hex")).toBe(name);
    }
    const top = json(join(layout, "index.json")).manifests.find((m: any) => m.digest === digests[0]);
    expect(top.annotations["org.opencontainers.image.ref.name"]).toBe(pkg.version);
    const index = json(join(layout, "blobs/sha256", digests[0]!.slice(7)));
    expect(index.manifests.map((m: any) => m.platform.architecture)).toEqual(["amd64", "arm64"]);
    for (const m of index.manifests) {
      const manifest = json(join(layout, "blobs/sha256", m.digest.slice(7)));
      const config = json(join(layout, "blobs/sha256", manifest.config.digest.slice(7)));
      expect(config.architecture).toBe(m.platform.architecture);
      expect(config.config.User).toBe("65532:65532");
      expect(config.config.Entrypoint).toEqual(["/usr/local/bin/gimlet"]);
      expect(config.config.Labels).toMatchObject({
        "org.opencontainers.image.version": pkg.version,
        "org.opencontainers.image.revision": revision,
        "org.opencontainers.image.source": expect.stringMatching(/^https:\/\//),
      });
      expect(config.created).toBe("2023-11-14T22:13:20Z");
    }
    const arm64 = join(work, "a/gimlet-linux-arm64");
    expect(elfDeps(readFileSync(arm64), arm64)).toMatchObject({
      machine: "aarch64",
      interpreter: "/lib/ld-linux-aarch64.so.1",
    });
    // The docker archive names its config and layers in manifest.json, as `docker load` reads them.
    const list = await run(["tar", "-tf", join(work, "a/gimlet-image-amd64.tar")]);
    expect(list).toContain("manifest.json");
    expect(list).toContain("oci-layout");
  });

  test("root fs: only the binary, glibc's libraries it needs, certificates, users and /tmp", async () => {
    const listing = (await run(["sh", "-c", `cd ${rootfs} && find . -not -type d | sort`])).trim().split("\n");
    expect(listing).toEqual([
      "./etc/group",
      "./etc/nsswitch.conf",
      "./etc/passwd",
      "./etc/ssl/certs/ca-certificates.crt",
      "./lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
      "./lib/x86_64-linux-gnu/libc.so.6",
      "./lib/x86_64-linux-gnu/libdl.so.2",
      "./lib/x86_64-linux-gnu/libm.so.6",
      "./lib/x86_64-linux-gnu/libpthread.so.0",
      "./lib64/ld-linux-x86-64.so.2",
      "./usr/local/bin/gimlet",
    ]);
    expect((await run(["stat", "-c", "%a", join(rootfs, "tmp")])).trim()).toBe("1777");
    expect(readFileSync(join(rootfs, "etc/passwd"), "utf8")).toContain(":65532:65532:");
    const certs = readFileSync(join(rootfs, "etc/ssl/certs/ca-certificates.crt"), "utf8");
    expect(certs.match(/BEGIN CERTIFICATE/g)!.length).toBeGreaterThan(100);
  });

  /** gimlet inside the root fs: a private mount + pid namespace, /proc, a read-only root, tmpfs /tmp. */
  const inImage = (args: string[]) => [
    "unshare",
    "--mount",
    "--pid",
    "--fork",
    "--kill-child=SIGTERM",
    "--propagation",
    "private",
    "sh",
    "-c",
    `mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && mount -t proc proc "$0/proc" && ` +
      `mount -t tmpfs -o mode=1777 tmpfs "$0/tmp" && ` +
      `exec env -i "$(command -v chroot)" --userspec=65532:65532 "$0" /usr/local/bin/gimlet "$@"`,
    rootfs,
    ...args,
  ];

  test("gimlet --version and agent --help run in the image", async () => {
    expect(await run(inImage(["--version"]))).toStartWith(`gimlet ${pkg.version} (commit `);
    expect(await run(inImage(["agent", "--help"]))).toContain("--server");
    expect(await run(inImage(["serve", "manifests", "--no-secret"]))).toContain("kind: StatefulSet");
  });

  test("gimlet serve answers /healthz and /readyz with its data dir in /tmp", async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const p = Bun.spawn(inImage(["serve", "--data-dir", "/tmp/data", "--listen", `127.0.0.1:${port}`]), {
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      let health: Response | undefined;
      for (let i = 0; i < 100 && !health; i++) {
        health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (!health) await Bun.sleep(100);
      }
      if (!health) {
        throw new Error(`no answer from gimlet serve in the image:\n${await new Response(p.stderr).text()}`);
      }
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    } finally {
      // unshare ignores SIGTERM while it waits, and chroot's setuid drops --kill-child's death
      // signal: SIGTERM goes to the server itself (unshare's forked child, pid 1 inside).
      const children = readFileSync(`/proc/${p.pid}/task/${p.pid}/children`, "utf8").trim();
      for (const pid of children.split(/\s+/).filter(Boolean)) process.kill(Number(pid), "SIGTERM");
      await p.exited;
    }
    const log = await new Response(p.stderr).text();
    expect(log).toContain("Admin token: ");
    expect(log).toContain("shutting down");
    expect(await p.exited).toBe(0);
  }, 30_000);
});
