/** Loose objects: one zlib-compressed file per object under objects/xx/. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import type { ObjectType, RawObject } from "./objects.ts";

export const loosePath = (objectsDir: string, oid: string) => join(objectsDir, oid.slice(0, 2), oid.slice(2));

/** The loose object `oid`, or undefined when there is no such file. */
export function readLooseObject(objectsDir: string, oid: string): RawObject | undefined {
  const file = loosePath(objectsDir, oid);
  if (!existsSync(file)) return undefined;
  const raw = new Uint8Array(inflateSync(readFileSync(file)));
  const sp = raw.indexOf(0x20);
  const nul = raw.indexOf(0);
  return { type: new TextDecoder().decode(raw.subarray(0, sp)) as ObjectType, data: raw.subarray(nul + 1) };
}
