/** `release.json`: the metadata of the release an app folder holds (reference §2.6). */
import { UserError } from "../errors.ts";
import { isPlainObject } from "../k8s.ts";

export interface Version {
  repositoryName: string;
  sha: string;
  created?: number;
  branch?: string;
  event?: string;
  sourceBranch?: string;
  targetBranch?: string;
  tag?: string;
  authorName?: string;
  authorEmail?: string;
  committerName?: string;
  committerEmail?: string;
  message?: string;
  url?: string;
}

export interface Release {
  app: string;
  env: string;
  artifactId?: string;
  triggeredBy?: string;
  version?: Version;
  gitopsRef: string;
  gitopsRepo: string;
  /** Filled in when read from history, never written. */
  created?: number;
  rolledBack?: boolean;
  /** Idempotency key of the request that wrote it (event id): a retried write finds it done. */
  eventId?: string;
}

/** Compact JSON with a trailing newline, as the original writes it; read-only fields dropped. */
export function encodeRelease(r: Release): string {
  const { created: _c, rolledBack: _r, ...rest } = r;
  return JSON.stringify({ ...rest, gitopsRef: "", gitopsRepo: "" }) + "\n";
}

export function decodeRelease(text: string, where: string): Release {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UserError(`release.json is not valid JSON`, { pos: { file: where }, cause: e });
  }
  if (!isPlainObject(v) || typeof v.app !== "string" || typeof v.env !== "string") {
    throw new UserError("release.json lacks app or env", { pos: { file: where } });
  }
  return { gitopsRef: "", gitopsRepo: "", ...(v as object) } as Release;
}
