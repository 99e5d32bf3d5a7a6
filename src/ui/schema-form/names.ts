/**
 * Form field names ↔ config paths. A name is the path's segments joined by "." with "~" and "."
 * escaped as "~0" and "~1" (JSON Pointer's idea), so any key survives the round trip and
 * `nginx.host` reads as the config path it edits.
 */
export type Path = (string | number)[];

const escapeSeg = (s: string) => s.replace(/~/g, "~0").replace(/\./g, "~1");
const unescapeSeg = (s: string) => s.replace(/~1/g, ".").replace(/~0/g, "~");

export function nameOf(path: Path): string {
  return path.map((s) => escapeSeg(String(s))).join(".");
}

/** The inverse of nameOf; numeric segments stay strings (the schema says whether they index an array). */
export function pathOf(name: string): string[] {
  return name === "" ? [] : name.split(".").map(unescapeSeg);
}

/** An HTML id for a field name: only [A-Za-z0-9_-], other characters hex-escaped, so ids never collide. */
export function idOf(prefix: string, name: string): string {
  return prefix + "-" + name.replace(/[^A-Za-z0-9-]/g, (c) => "_" + c.codePointAt(0)!.toString(16) + "_");
}
