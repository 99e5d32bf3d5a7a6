/**
 * The stack update stream is the stack's semver tags (a leading `v` tolerated, as the original
 * did; `v2` reads as 2.0.0 so embedded versions can be short). Tags that are not versions are
 * ignored rather than failing the command, which the original did.
 */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  pre: (string | number)[];
  /** The tag as written. */
  tag: string;
}

const versionRe = /^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parseVersion(tag: string): Version | undefined {
  const m = versionRe.exec(tag);
  if (!m) return undefined;
  const pre = m[4] ? m[4].split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [];
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0), pre, tag };
}

function compareVersions(a: Version, b: Version): number {
  const d = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (d) return d;
  // A pre-release sorts before its release.
  if (!a.pre.length || !b.pre.length) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    if (typeof x === "number") return -1;
    if (typeof y === "number") return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Version tags, oldest first. */
export function sortedVersions(tags: readonly string[]): Version[] {
  return tags.flatMap((t) => parseVersion(t) ?? []).sort(compareVersions);
}

export function latestVersion(tags: readonly string[]): string | undefined {
  return sortedVersions(tags).at(-1)?.tag;
}

/** Tags newer than `current`, oldest first; undefined when `current` is not a version. */
export function versionsSince(tags: readonly string[], current: string): string[] | undefined {
  const since = parseVersion(current);
  if (!since) return undefined;
  return sortedVersions(tags)
    .filter((v) => compareVersions(v, since) > 0)
    .map((v) => v.tag);
}
