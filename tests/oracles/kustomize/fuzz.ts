/**
 * Differential fuzzing against real kustomize, for local use (needs Go; CI never runs it):
 *   bun tests/oracles/kustomize/fuzz.ts [cases per family = 300] [seed = 1]
 * Writes random cases (strategic merge on workloads, Services and custom resources; wild lists with
 * missing keys, duplicates and directives; JSON 6902 operations) to a temp dir, has main.go run
 * kustomize on them, and compares. Where kustomize fails we must fail; where kustomize leaves a
 * `$` directive in its output we may differ but must not leave one ourselves; elsewhere the
 * objects must be equal. Turn a failure into a case under cases/ before fixing it.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { stringify } from "yaml";
import { runCase } from "./run-case.ts";

const perFamily = Number(process.argv[2] ?? 300);
let seed = Number(process.argv[3] ?? 1);
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
const chance = (p: number) => rnd() < p;
const some = <T>(max: number, f: () => T) => Array.from({ length: Math.floor(rnd() * (max + 1)) }, f);

interface Case {
  resources: unknown;
  patches?: unknown[];
  json6902?: unknown[];
}

function container(patch: boolean): Record<string, unknown> {
  const c: Record<string, unknown> = { name: pick(["a", "b", "c"]) };
  if (!patch || chance(0.5)) c.image = pick(["img:1", "img:2"]);
  if (chance(0.5)) c.env = some(2, () => ({ name: pick(["X", "Y", "Z"]), value: pick(["1", "2"]) }));
  if (chance(0.4))
    c.ports = some(2, () => ({
      containerPort: pick([80, 81, 9090]),
      ...(chance(0.5) ? { protocol: pick(["TCP", "UDP"]) } : {}),
      ...(chance(0.5) ? { name: pick(["http", "m"]) } : {}),
    }));
  if (chance(0.4)) c.volumeMounts = some(2, () => ({ name: pick(["v1", "v2"]), mountPath: pick(["/a", "/b", "/c"]) }));
  if (chance(0.3)) c.args = [pick(["p", "q"]), pick(["r", "s"])];
  if (patch && chance(0.15)) c.$patch = pick(["delete", "replace", "merge"]);
  if (patch && chance(0.1)) c.image = null;
  if (patch && Array.isArray(c.env) && chance(0.2)) c.env.push({ name: "X", $patch: "delete" });
  return c;
}

function podSpec(patch: boolean): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  if (!patch || chance(0.7)) {
    const cs: unknown[] = Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => container(patch));
    if (patch && chance(0.1)) cs.unshift({ $patch: pick(["replace", "delete", "merge"]) });
    s.containers = cs;
  }
  if (chance(0.4))
    s.volumes = Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => ({
      name: pick(["v1", "v2"]),
      ...(chance(0.5) ? { emptyDir: {} } : { configMap: { name: "cm" } }),
    }));
  if (chance(0.3)) s.tolerations = patch && chance(0.3) ? null : [{ key: pick(["k1", "k2"]) }];
  if (chance(0.2)) s.initContainers = [container(patch)];
  if (chance(0.2)) s.imagePullSecrets = [{ name: pick(["s1", "s2"]) }];
  if (patch && chance(0.05)) s.$patch = pick(["replace", "delete"]);
  return s;
}

function meta(patch: boolean): Record<string, unknown> {
  const m: Record<string, unknown> = { name: "web" };
  if (chance(0.3)) m.labels = patch && chance(0.3) ? pick([null, { a: null }, {}]) : { a: pick(["1", "2"]) };
  if (chance(0.2))
    m.finalizers = patch && chance(0.2) ? pick([null, [{ $patch: "replace" }, "x"], ["a", "z"]]) : [pick(["f1", "f2"])];
  if (chance(0.2)) m.annotations = patch && chance(0.3) ? pick([null, { k: null }, { k: 1 }]) : { k: "v" };
  if (patch && chance(0.1)) m.namespace = pick(["default", ""]);
  return m;
}

/** Typical workloads, Services and a custom resource. */
function workload(): Case {
  const kind = pick(["deploy", "deploy", "svc", "crd", "cronjob"]);
  if (kind === "svc") {
    const ports = (patch: boolean) =>
      Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => ({
        port: pick([80, 443]),
        ...(chance(0.5) ? { protocol: pick(["TCP", "UDP"]) } : {}),
        ...(chance(0.5) ? { name: pick(["http", "https"]) } : {}),
        ...(patch && chance(0.2) ? { $patch: "delete" } : {}),
      }));
    return {
      resources: {
        apiVersion: "v1",
        kind: "Service",
        metadata: meta(false),
        spec: { ports: ports(false), selector: { app: "web" } },
      },
      patches: [{ apiVersion: "v1", kind: "Service", metadata: meta(true), spec: { ports: ports(true) } }],
    };
  }
  if (kind === "crd") {
    const patch: Record<string, unknown> = { apiVersion: "example.com/v1", kind: "Thing", metadata: meta(true) };
    patch.spec = chance(0.5)
      ? { items: [{ name: "a", y: 2 }], m: { k: null, z: 1 } }
      : { m: { $patch: pick(["replace", "delete"]), q: 1 } };
    if (chance(0.1)) patch.$patch = "delete";
    return {
      resources: {
        apiVersion: "example.com/v1",
        kind: "Thing",
        metadata: meta(false),
        spec: { items: [{ name: "a", x: 1 }, { name: "b" }], m: { k: "v", j: "w" } },
      },
      patches: [patch],
    };
  }
  if (kind === "cronjob") {
    const cj = (patch: boolean) => ({
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: meta(patch),
      spec: { jobTemplate: { spec: { template: { spec: podSpec(patch) } } } },
    });
    return { resources: cj(false), patches: [cj(true)] };
  }
  const resources = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(false),
    spec: { replicas: 1, template: { metadata: { labels: { app: "web" } }, spec: podSpec(false) } },
  };
  const spec = chance(0.2) ? { replicas: pick([2, null]) } : { template: { spec: podSpec(true) } };
  return {
    resources,
    patches: some(1, () => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: meta(true), spec })).concat([
      { apiVersion: "apps/v1", kind: "Deployment", metadata: meta(true), spec },
    ]),
  };
}

/** Keyed lists with elements missing the key, scalars, duplicates, nested directives. */
function wild(): Case {
  const el = (key: string, values: unknown[], patch: boolean): unknown => {
    if (chance(0.06)) return pick(["s", 1, null]);
    const e: Record<string, unknown> = {};
    if (chance(0.9)) e[key] = pick(values);
    if (chance(0.5)) e.v = pick([1, 2, "x", null, { a: 1 }, [1, 2]]);
    if (chance(0.3)) e.w = { p: pick([1, null]), q: 2 };
    if (patch && chance(0.15)) e.$patch = pick(["delete", "replace", "merge", "bogus"]);
    if (patch && chance(0.1)) e.w = { $patch: pick(["delete", "replace"]), z: 1 };
    return e;
  };
  const list = (key: string, values: unknown[], patch: boolean) => {
    const l = some(3, () => el(key, values, patch));
    if (patch && chance(0.1))
      l.splice(Math.floor(rnd() * (l.length + 1)), 0, { $patch: pick(["replace", "delete", "merge"]) });
    return l;
  };
  const deployment = (patch: boolean) => {
    const c: Record<string, unknown> = { name: "main" };
    if (chance(0.6)) c.env = list("name", ["A", "B", "C"], patch);
    if (chance(0.4)) c.volumeMounts = list("mountPath", ["/a", "/b"], patch);
    if (chance(0.3))
      c.ports = list("containerPort", [80, "80", 81], patch).map((e) =>
        e && typeof e === "object" && chance(0.5) ? { ...e, protocol: pick(["TCP", "UDP", null]) } : e,
      );
    if (chance(0.2))
      c.resources =
        patch && chance(0.3)
          ? pick([null, "x", { $patch: "replace", limits: { cpu: 1 } }, { limits: null }])
          : { limits: { cpu: 2, memory: 1 }, requests: { cpu: 1 } };
    const spec: Record<string, unknown> = { containers: [c] };
    if (chance(0.3)) spec.volumes = list("name", ["v1", "v2"], patch);
    if (chance(0.2)) spec.hostAliases = list("ip", ["1.1.1.1", "2.2.2.2"], patch);
    return { apiVersion: "apps/v1", kind: "Deployment", metadata: meta(patch), spec: { template: { spec } } };
  };
  return { resources: deployment(false), patches: some(1, () => deployment(true)).concat([deployment(true)]) };
}

/** JSON 6902 operations over paths that exist, do not, or are malformed. */
function json6902(): Case {
  const paths = [
    "/data/a",
    "/data/b",
    "/data",
    "/list/0",
    "/list/3",
    "/list/-1",
    "/list/-",
    "/list/-4",
    "/list/01",
    "/obj/k",
    "/obj/n/x",
    "/nul",
    "/nul/x",
    "/metadata/annotations/k",
    "/list",
    "",
    "/obj",
    "/obj/k/x",
    "data/a",
    "/a~1b",
    "/list/x",
  ];
  const values = [1, "s", null, { z: 1 }, [1, 2], true, "on", "0755"];
  const ops = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
    const op: Record<string, unknown> = {
      op: pick(["add", "remove", "replace", "move", "copy", "test", "add", "replace"]),
      path: pick(paths),
    };
    if (op.op === "move" || op.op === "copy") op.from = pick(paths);
    else if (op.op !== "remove" && chance(0.9))
      op.value = op.op === "test" ? pick([...values, "1", "v", ["x", "y", "z"]]) : pick(values);
    return op;
  });
  const patch = chance(0.2) ? JSON.stringify(ops) : stringify(ops).replace(/: "(on|0755)"/g, ": $1");
  return {
    resources: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", annotations: { k: "v" } },
      data: { a: "1" },
      list: ["x", "y", "z"],
      obj: { k: "v" },
      nul: null,
      "a/b": 2,
    },
    json6902: [{ target: { version: "v1", kind: "ConfigMap", name: "c" }, patch }],
  };
}

const dir = mkdtempSync(join(tmpdir(), "kustomize-fuzz-"));
const families = { workload, wild, json6902 };
for (const [family, make] of Object.entries(families)) {
  for (let i = 0; i < perFamily; i++) {
    const c = make();
    const d = join(dir, `${family}-${String(i).padStart(4, "0")}`);
    mkdirSync(d);
    writeFileSync(join(d, "resources.yaml"), stringify(c.resources));
    if (c.patches) writeFileSync(join(d, "patches.yaml"), c.patches.map((p) => stringify(p)).join("---\n"));
    if (c.json6902) writeFileSync(join(d, "json6902.yaml"), stringify(c.json6902));
  }
}
execFileSync("go", ["run", ".", dir], { cwd: import.meta.dir, stdio: ["ignore", "ignore", "ignore"] });

let passed = 0;
let failed = 0;
const hasDirective = (v: unknown) => JSON.stringify(v).includes('"$');
for (const name of readdirSync(dir).sort()) {
  const { ours, kustomize } = runCase(join(dir, name));
  let problem = "";
  if ("error" in kustomize) problem = "error" in ours ? "" : `kustomize failed (${kustomize.error}), we did not`;
  else if (hasDirective(kustomize.objects))
    problem = "objects" in ours && hasDirective(ours.objects) ? "we left a directive in the output" : "";
  else if ("error" in ours) problem = `we failed: ${ours.error}`;
  else if (!isDeepStrictEqual(JSON.parse(JSON.stringify(ours.objects)), kustomize.objects))
    problem = `ours ${JSON.stringify(ours.objects)}\nkustomize ${JSON.stringify(kustomize.objects)}`;
  if (problem) {
    failed++;
    if (failed <= 5) console.log(`FAIL ${join(dir, name)}\n${problem.slice(0, 3000)}\n`);
  } else passed++;
}
console.log(`${passed} passed, ${failed} failed (cases in ${dir})`);
process.exit(failed ? 1 : 0);
