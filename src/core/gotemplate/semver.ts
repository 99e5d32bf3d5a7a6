/** Masterminds/semver v3 as sprig exposes it: versions, and constraints for semverCompare. */

export class SemverVersion {
  constructor(
    private readonly major: bigint,
    private readonly minor: bigint,
    private readonly patch: bigint,
    private readonly pre: string,
    private readonly meta: string,
    private readonly original: string,
  ) {}
  Major(): bigint {
    return this.major;
  }
  Minor(): bigint {
    return this.minor;
  }
  Patch(): bigint {
    return this.patch;
  }
  Prerelease(): string {
    return this.pre;
  }
  Metadata(): string {
    return this.meta;
  }
  Original(): string {
    return this.original;
  }
  String(): string {
    return `${this.major}.${this.minor}.${this.patch}${this.pre ? `-${this.pre}` : ""}${this.meta ? `+${this.meta}` : ""}`;
  }
  toString(): string {
    return this.String();
  }
}

const versionRe = /^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export function semverParse(s: string): SemverVersion {
  const m = versionRe.exec(s.trim());
  if (!m) throw new Error("Invalid Semantic Version");
  return new SemverVersion(BigInt(m[1]!), BigInt(m[2] ?? 0), BigInt(m[3] ?? 0), m[4] ?? "", m[5] ?? "", s);
}

function cmpPre(a: string, b: string): number {
  if (a === b) return 0;
  if (!a) return 1;
  if (!b) return -1;
  const pa = a.split(".");
  const pb = b.split(".");
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) {
      if (BigInt(x) !== BigInt(y)) return BigInt(x) < BigInt(y) ? -1 : 1;
    } else if (nx !== ny) return nx ? -1 : 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function semverCmp(a: SemverVersion, b: SemverVersion): number {
  for (const [x, y] of [
    [a.Major(), b.Major()],
    [a.Minor(), b.Minor()],
    [a.Patch(), b.Patch()],
  ] as const) {
    if (x !== y) return x < y ? -1 : 1;
  }
  return cmpPre(a.Prerelease(), b.Prerelease());
}

interface Bound {
  op: string;
  v: SemverVersion;
  /** Which parts the constraint gave (x-ranges and partial versions). */
  parts: number;
}

const partRe = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parseBound(op: string, s: string): Bound[] {
  const m = partRe.exec(s);
  if (!m) throw new Error(`improper constraint: ${op}${s}`);
  const nums = [m[1], m[2], m[3]];
  let parts = 0;
  for (const n of nums) {
    if (n === undefined || /[xX*]/.test(n)) break;
    parts++;
  }
  const v = new SemverVersion(BigInt(parts > 0 ? nums[0]! : 0), BigInt(parts > 1 ? nums[1]! : 0), BigInt(parts > 2 ? nums[2]! : 0), m[4] ?? "", "", s);
  const bump = (p: number) =>
    new SemverVersion(p === 0 ? v.Major() + 1n : v.Major(), p === 1 ? v.Minor() + 1n : p === 0 ? 0n : v.Minor(), 0n, "", "", s);
  switch (op) {
    case "":
    case "=":
      if (parts === 3) return [{ op: "=", v, parts }];
      if (parts === 0) return [{ op: ">=", v, parts }];
      return [{ op: ">=", v, parts }, { op: "<", v: bump(parts - 1), parts }];
    case "!=":
      if (parts === 3) return [{ op: "!=", v, parts }];
      return [{ op: "!range", v, parts }];
    case "~":
    case "~>":
      return [{ op: ">=", v, parts }, { op: "<", v: bump(parts >= 2 ? 1 : 0), parts }];
    case "^":
      if (v.Major() > 0n || parts <= 1) return [{ op: ">=", v, parts }, { op: "<", v: bump(0), parts }];
      if (v.Minor() > 0n || parts === 2) return [{ op: ">=", v, parts }, { op: "<", v: bump(1), parts }];
      return [{ op: ">=", v, parts }, { op: "<", v: new SemverVersion(0n, 0n, v.Patch() + 1n, "", "", s), parts }];
    case ">":
      if (parts < 3) return [{ op: ">=", v: bump(Math.max(parts - 1, 0)), parts }];
      return [{ op: ">", v, parts }];
    case "<=":
    case "=<":
      if (parts < 3) return [{ op: "<", v: bump(Math.max(parts - 1, 0)), parts }];
      return [{ op: "<=", v, parts }];
    case ">=":
    case "=>":
      return [{ op: ">=", v, parts }];
    case "<":
      return [{ op: "<", v, parts }];
  }
  throw new Error(`improper constraint: ${op}${s}`);
}

function test(b: Bound, v: SemverVersion): boolean {
  const c = semverCmp(v, b.v);
  switch (b.op) {
    case "=":
      return c === 0;
    case "!=":
      return c !== 0;
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case "!range":
      return !(semverCmp(v, b.v) >= 0 && v.Major() === b.v.Major() && (b.parts < 2 || v.Minor() === b.v.Minor()));
  }
  return false;
}

/** semverCompare: "|| " separates alternatives, "," or spaces join conditions in one. */
export function semverCompare(constraint: string, version: string): boolean {
  let v: SemverVersion;
  try {
    v = semverParse(version);
  } catch {
    throw new Error("Invalid Semantic Version");
  }
  return constraint.split("||").some((alt) => {
    const text = alt.trim().replace(/\s*,\s*/g, " ");
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
    const bounds: Bound[] = hyphen
      ? [...parseBound(">=", hyphen[1]!), ...parseBound("<=", hyphen[2]!)]
      : text
          .replace(/(=>|=<|>=|<=|!=|~>|[=<>~^])\s+/g, "$1")
          .split(/\s+/)
          .filter(Boolean)
          .flatMap((tok) => {
            const m = /^(=>|=<|>=|<=|!=|~>|[=<>~^])?(.*)$/.exec(tok)!;
            return parseBound(m[1] ?? "", m[2]!);
          });
    if (bounds.length === 0) throw new Error(`improper constraint: ${alt}`);
    // A prerelease only satisfies a constraint that names a prerelease of the same version line.
    if (v.Prerelease() && !bounds.some((b) => b.v.Prerelease() && b.v.Major() === v.Major() && b.v.Minor() === v.Minor() && b.v.Patch() === v.Patch())) return false;
    return bounds.every((b) => test(b, v));
  });
}
