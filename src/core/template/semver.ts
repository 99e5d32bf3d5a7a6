/**
 * Semantic versions and constraints with Masterminds/semver v3's rules (what sprig's semver
 * and semverCompare use): lenient versions (v prefix, missing minor/patch), and constraints with
 * = != > < >= <= ~ ~> ^, x-ranges, hyphen ranges, comma/space AND and || OR.
 */
import { def } from "./args.ts";
import { FuncError, GoObject, type GoFunc, uint64 } from "./values.ts";

const versionRe =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const MAX_U64 = 2n ** 64n - 1n;

export class Version extends GoObject {
  readonly goType = "*semver.Version";
  readonly goKind = "ptr" as const;

  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: string,
    readonly metadata: string,
    readonly original: string,
  ) {
    super();
  }

  override toString(): string {
    return `${this.major}.${this.minor}.${this.patch}${this.pre ? "-" + this.pre : ""}${this.metadata ? "+" + this.metadata : ""}`;
  }

  toJSONValue(): unknown {
    return this.toString();
  }

  method(name: string): GoFunc | undefined {
    return Object.hasOwn(versionMethods, name) ? versionMethods[name]!(this) : undefined;
  }

  compare(o: Version): number {
    for (const [a, b] of [
      [this.major, o.major],
      [this.minor, o.minor],
      [this.patch, o.patch],
    ] as const) {
      if (a !== b) return a < b ? -1 : 1;
    }
    if (this.pre === o.pre) return 0;
    if (this.pre === "") return 1;
    if (o.pre === "") return -1;
    return comparePrerelease(this.pre, o.pre);
  }
}

const versionMethods: Record<string, (v: Version) => GoFunc> = {
  Major: (v) => def([], () => uint64(v.major)),
  Minor: (v) => def([], () => uint64(v.minor)),
  Patch: (v) => def([], () => uint64(v.patch)),
  Prerelease: (v) => def([], () => v.pre),
  Metadata: (v) => def([], () => v.metadata),
  Original: (v) => def([], () => v.original),
  String: (v) => def([], () => v.toString()),
  Compare: (v) => def(["*semver.Version"], (o: Version) => BigInt(v.compare(o))),
  LessThan: (v) => def(["*semver.Version"], (o: Version) => v.compare(o) < 0),
  GreaterThan: (v) => def(["*semver.Version"], (o: Version) => v.compare(o) > 0),
  Equal: (v) => def(["*semver.Version"], (o: Version) => v.compare(o) === 0),
};

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === "") return o !== "" ? -1 : 1;
  if (o === "") return 1;
  const sn = /^[0-9]+$/.test(s) && BigInt(s) <= MAX_U64;
  const on = /^[0-9]+$/.test(o) && BigInt(o) <= MAX_U64;
  if (!sn && !on) return s > o ? 1 : -1;
  if (!on) return -1;
  if (!sn) return 1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

function comparePrerelease(a: string, b: string): number {
  const x = a.split(".");
  const y = b.split(".");
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = comparePrePart(x[i] ?? "", y[i] ?? "");
    if (d !== 0) return d;
  }
  return 0;
}

const allowed = /^[0-9A-Za-z-]*$/;

function segment(s: string | undefined): bigint {
  if (!s) return 0n;
  const v = BigInt(s.replace(/^\./, ""));
  if (v > MAX_U64)
    throw new FuncError(
      `Error parsing version segment: strconv.ParseUint: parsing ${JSON.stringify(s.replace(/^\./, ""))}: value out of range`,
    );
  return v;
}

/** semver.NewVersion */
export function newVersion(v: string): Version {
  const m = versionRe.exec(v);
  if (!m) throw new FuncError("Invalid Semantic Version");
  const pre = m[5] ?? "";
  const meta = m[8] ?? "";
  const version = new Version(segment(m[1]), segment(m[2]), segment(m[3]), pre, meta, v);
  if (pre) {
    for (const p of pre.split(".")) {
      if (/^[0-9]+$/.test(p)) {
        if (p.length > 1 && p[0] === "0") throw new FuncError("Version segment starts with 0");
      } else if (!allowed.test(p)) throw new FuncError("Invalid Prerelease string");
    }
  }
  return version;
}

interface Constraint {
  op: string;
  orig: string;
  con: Version;
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
}

const cv =
  "v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?";
const ops = "=||!=|>|<|>=|=>|<=|=<|~|~>|\\^";
const constraintRe = new RegExp(`^\\s*(${ops})\\s*(${cv})\\s*$`);
const rangeRe = new RegExp(`\\s*(${cv})\\s+-\\s+(${cv})\\s*`, "g");
const findRe = new RegExp(`(${ops})\\s*(${cv})`, "g");
const validRe = new RegExp(`^(\\s*(${ops})\\s*(${cv})\\s*)((?:\\s+|,\\s*)(${ops})\\s*(${cv})\\s*)*$`);
const isX = (s: string): boolean => s === "x" || s === "X" || s === "*";

function parseConstraint(c: string): Constraint {
  const m = constraintRe.exec(c);
  if (!m) throw new FuncError(`improper constraint: ${c}`);
  const [op, orig, major] = [m[1]!, m[2]!, m[3]!];
  const [minor, patch, pre] = [m[4] ?? "", m[5] ?? "", m[6] ?? ""];
  let ver = orig;
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(major)) {
    ver = `0.0.0${pre}`;
    dirty = true;
  } else if (isX(minor.replace(/^\./, "")) || minor === "") {
    minorDirty = dirty = true;
    ver = `${major}.0.0${pre}`;
  } else if (isX(patch.replace(/^\./, "")) || patch === "") {
    patchDirty = dirty = true;
    ver = `${major}${minor}.0${pre}`;
  }
  let con: Version;
  try {
    con = newVersion(ver);
  } catch {
    throw new FuncError("constraint Parser Error");
  }
  return { op, orig, con, dirty, minorDirty, patchDirty };
}

/** semver.NewConstraint: OR groups of AND-ed constraints. */
export function newConstraint(text: string): Constraint[][] {
  const rewritten = text.replace(rangeRe, (_all, lo: string, ...rest: string[]) => `>= ${lo}, <= ${rest[9]} `);
  return rewritten.split("||").map((part) => {
    if (!validRe.test(part)) throw new FuncError(`improper constraint: ${part}`);
    const found = part.match(findRe) ?? [part];
    return found.map(parseConstraint);
  });
}

function check(v: Version, c: Constraint): boolean {
  const con = c.con;
  // Prereleases only satisfy constraints that name a prerelease (except a plain !=).
  if (v.pre !== "" && con.pre === "" && (c.op !== "!=" || c.dirty)) return false;
  const tilde = (): boolean => {
    if (v.compare(con) < 0) return false;
    if (con.major === 0n && con.minor === 0n && con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
    if (v.major !== con.major) return false;
    return !(v.minor !== con.minor && !c.minorDirty);
  };
  switch (c.op) {
    case "":
    case "=":
      return c.dirty ? tilde() : v.compare(con) === 0;
    case "!=":
      if (c.dirty) {
        if (con.major !== v.major) return true;
        if (con.minor !== v.minor && !c.minorDirty) return true;
        if (c.minorDirty) return false;
        if (con.patch !== v.patch && !c.patchDirty) return true;
        if (c.patchDirty) return (v.pre !== "" || con.pre !== "") && comparePrerelease(v.pre, con.pre) !== 0;
      }
      return v.compare(con) !== 0;
    case ">":
      if (!c.dirty) return v.compare(con) === 1;
      if (v.major > con.major) return true;
      if (v.major < con.major || c.minorDirty) return false;
      if (c.patchDirty) return v.minor > con.minor;
      return v.compare(con) === 1;
    case "<":
      return v.compare(con) < 0;
    case ">=":
    case "=>":
      return v.compare(con) >= 0;
    case "<=":
    case "=<":
      if (!c.dirty) return v.compare(con) <= 0;
      if (v.major > con.major) return false;
      return !(v.major === con.major && v.minor > con.minor && !c.minorDirty);
    case "~":
    case "~>":
      return tilde();
    case "^":
      if (v.compare(con) < 0) return false;
      if (con.major > 0n || c.minorDirty) return v.major === con.major;
      if (v.major > 0n) return false;
      if (con.minor > 0n || c.patchDirty) return v.minor === con.minor;
      if (v.minor > 0n) return false;
      return con.patch === v.patch;
  }
  return false;
}

export function semverCompare(constraint: string, version: string): boolean {
  const groups = newConstraint(constraint);
  const v = newVersion(version);
  return groups.some((and) => and.every((c) => check(v, c)));
}

export const semverFuncs: Record<string, GoFunc> = {
  semver: def(["string"], newVersion),
  semverCompare: def(["string", "string"], semverCompare),
};
