/** Loose objects: one zlib-compressed file per object under objects/xx/. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ObjectType, RawObject } from "./objects.ts";

export const loosePath = (objectsDir: string, oid: string) => join(objectsDir, oid.slice(0, 2), oid.slice(2));

/**
 * The loose object `oid`, or undefined when there is no such file. One read and Bun's native
 * inflate, no existence check first: an env page of 10,000 apps reads 20,000 of these at start.
 */
export function readLooseObject(objectsDir: string, oid: string): RawObject | undefined {
  let z: Uint8Array;
  try {
    z = readFileSync(loosePath(objectsDir, oid));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  const raw = Bun.inflateSync(
    z as Uint8Array<ArrayBuffer>,
    { windowBits: 15 } as Parameters<typeof Bun.inflateSync>[1],
  );
  const sp = raw.indexOf(0x20);
  const nul = raw.indexOf(0);
  return { type: new TextDecoder().decode(raw.subarray(0, sp)) as ObjectType, data: raw.subarray(nul + 1) };
}
