/**
 * The fs isomorphic-git writes through. A loose object is written to a temporary name and renamed
 * into place: isomorphic-git skips writing an object whose file already exists, so a file cut short
 * by a killed process would otherwise stay truncated for good and fail every later read of the repo.
 */
import * as nodeFs from "node:fs";
import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";

const looseObject = /[\\/]objects[\\/][0-9a-f]{2}[\\/][0-9a-f]{38,62}$/;

/** Marks temporary object files, so start-up clean-up can tell them from objects. */
export const tmpObjectInfix = ".tmp-";

async function writeFileAtomically(path: unknown, data: unknown, options?: unknown): Promise<void> {
  const write = writeFile as (p: unknown, d: unknown, o?: unknown) => Promise<void>;
  if (typeof path !== "string" || !looseObject.test(path)) return write(path, data, options);
  const tmp = `${path}${tmpObjectInfix}${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await write(tmp, data, options);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export const gitFs: typeof nodeFs = {
  ...nodeFs,
  promises: { ...nodeFs.promises, writeFile: writeFileAtomically },
} as typeof nodeFs;
