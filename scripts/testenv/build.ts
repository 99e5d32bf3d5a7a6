/**
 * `npm run testenv -- build`: builds every binary of the test control plane from its published Go
 * module through a wrapper module (their own `replace ./…` lines do not apply to a dependency, so
 * the wrapper gets the equivalent replaces, derived from each module's go.mod). Skips what is
 * already in the versioned cache; prints and records how long each build took.
 */
import { $ } from "bun";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheRoot } from "./paths.ts";
import { components, versionsKey, type Component } from "./versions.ts";

export function binDir(): string {
  return join(cacheRoot(), "testbin", versionsKey());
}

interface GoModInfo {
  GoMod: string;
  Dir?: string;
}

async function download(mod: string, version: string, cwd: string): Promise<GoModInfo> {
  const out = await $`go mod download -json ${`${mod}@${version}`}`.cwd(cwd).quiet().nothrow();
  const text = out.stdout.toString();
  if (out.exitCode !== 0) throw new Error(`go mod download ${mod}@${version} failed: ${text || out.stderr.toString()}`);
  return JSON.parse(text) as GoModInfo;
}

/** `go mod edit -replace` arguments equivalent to the module's own replace block. */
export function deriveReplaces(goMod: string, version: string): string[] {
  const block = [...goMod.matchAll(/^replace\s*\(([\s\S]*?)^\)/gm)].flatMap((m) => m[1]!.split("\n"));
  const single = [...goMod.matchAll(/^replace\s+([^(\n].*)$/gm)].map((m) => m[1]!);
  const stagingVersion = `v0.${version.replace(/^v1\./, "")}`;
  const out: string[] = [];
  for (const raw of [...block, ...single]) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (!line.includes("=>")) continue;
    const [left, right] = line.split("=>").map((s) => s.trim()) as [string, string];
    const [from, fromVer] = left.split(/\s+/);
    const [to, toVer] = right.split(/\s+/);
    if (to!.startsWith(".")) {
      // A staging module of kubernetes: the same module, published at the matching v0 version.
      if (from!.startsWith("k8s.io/")) out.push(`${from}=${from}@${stagingVersion}`);
      continue; // other local replaces (an ./api module) resolve to their published version
    }
    out.push(`${from}${fromVer ? `@${fromVer}` : ""}=${to}${toVer ? `@${toVer}` : ""}`);
  }
  return out;
}

/** Only the packages whose binaries are missing: adding a binary to a component must not rebuild the others. */
async function buildComponent(c: Component, work: string, bin: string): Promise<number> {
  const packages = c.packages.filter((p) => !existsSync(join(bin, p.bin)));
  const started = performance.now();
  const dir = join(work, c.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, GOFLAGS: "-mod=mod", CGO_ENABLED: "0", GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? "auto" };
  await $`go mod init gimlet.test/wrap/${c.name}`.cwd(dir).env(env).quiet();
  const info = await download(c.module, c.version, dir);
  const replaces = deriveReplaces(readFileSync(info.GoMod, "utf8"), c.version);
  for (const r of replaces) await $`go mod edit -replace ${r}`.cwd(dir).env(env).quiet();
  const tools = packages.map((p) => `${p.pkg}@${c.version}`);
  const get = await $`go get -tool ${tools}`.cwd(dir).env(env).quiet().nothrow();
  if (get.exitCode !== 0) throw new Error(`go get for ${c.name} failed:\n${get.stderr.toString().slice(-3000)}`);
  for (const p of packages) {
    const b = await $`go build -trimpath -ldflags ${c.ldflags ?? "-s -w"} -o ${join(bin, p.bin)} ${p.pkg}`
      .cwd(dir)
      .env(env)
      .quiet()
      .nothrow();
    if (b.exitCode !== 0) throw new Error(`go build ${p.pkg} failed:\n${b.stderr.toString().slice(-3000)}`);
  }
  if (c.crds && info.Dir) {
    const crdDir = join(info.Dir, "config", "crd", "bases");
    if (existsSync(crdDir)) {
      mkdirSync(join(bin, "crds"), { recursive: true });
      for (const f of readdirSync(crdDir).filter((n) => n.endsWith(".yaml")))
        cpSync(join(crdDir, f), join(bin, "crds", f));
    }
  }
  if (c.extraCrds && info.Dir) {
    const from = join(info.Dir, c.extraCrds.from);
    mkdirSync(join(bin, c.extraCrds.to), { recursive: true });
    for (const f of readdirSync(from).filter((n) => n.endsWith(".yaml")))
      cpSync(join(from, f), join(bin, c.extraCrds.to, f));
  }
  return (performance.now() - started) / 1000;
}

/**
 * kwok moves nodes and pods through "stages"; without any it refuses to start. The fast stages
 * (node ready + heartbeat, pods running) ship in its module: gather them into one config file.
 */
async function ensureKwokStages(bin: string): Promise<void> {
  const out = join(bin, "kwok-stages.yaml");
  if (existsSync(out)) return;
  const kwok = components.find((c) => c.name === "kwok")!;
  const tmp = join(cacheRoot(), "testbin", `kwok-stages-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  await $`go mod init gimlet.test/kwok-stages`.cwd(tmp).quiet().nothrow();
  const info = await download(kwok.module, kwok.version, tmp);
  const stage = join(info.Dir!, "kustomize", "stage");
  const files = [
    "node/fast/node-initialize.yaml",
    "node/heartbeat/node-heartbeat.yaml",
    "pod/fast/pod-ready.yaml",
    "pod/fast/pod-complete.yaml",
    "pod/fast/pod-delete.yaml",
  ];
  writeFileSync(out, files.map((f) => readFileSync(join(stage, f), "utf8").replace(/^---\n/, "")).join("\n---\n"));
  rmSync(tmp, { recursive: true, force: true });
}

export async function build(opts: { only?: string[] } = {}): Promise<void> {
  const bin = binDir();
  mkdirSync(bin, { recursive: true });
  const reportFile = join(bin, "build-report.json");
  const report: Record<string, { seconds: number; bytes: number }> = existsSync(reportFile)
    ? JSON.parse(readFileSync(reportFile, "utf8"))
    : {};
  const work = join(cacheRoot(), "testbin", `work-${process.pid}`);
  const failures: string[] = [];
  for (const c of components) {
    if (opts.only && !opts.only.includes(c.name)) continue;
    const done =
      c.packages.every((p) => existsSync(join(bin, p.bin))) &&
      (!c.crds || existsSync(join(bin, "crds"))) &&
      (!c.extraCrds || existsSync(join(bin, c.extraCrds.to)));
    if (done) {
      console.error(`testenv build: ${c.name} ${c.version} cached`);
      continue;
    }
    console.error(`testenv build: ${c.name} ${c.version} …`);
    let seconds: number;
    try {
      seconds = await buildComponent(c, work, bin);
    } catch (e) {
      failures.push(`${c.name}: ${(e as Error).message.split("\n").slice(-6).join("\n")}`);
      console.error(`testenv build: ${c.name} FAILED`);
      continue;
    }
    const bytes = c.packages.reduce((n, p) => n + statSync(join(bin, p.bin)).size, 0);
    report[c.name] = { seconds: Math.round(seconds), bytes };
    writeFileSync(reportFile, JSON.stringify(report, null, 2));
    console.error(`testenv build: ${c.name} built in ${seconds.toFixed(0)} s (${(bytes / 1e6).toFixed(0)} MB)`);
  }
  await ensureKwokStages(bin);
  rmSync(work, { recursive: true, force: true });
  if (failures.length)
    throw new Error(`testenv build: ${failures.length} component(s) failed:\n${failures.join("\n")}`);
  console.error(`testenv build: binaries in ${bin}`);
}
