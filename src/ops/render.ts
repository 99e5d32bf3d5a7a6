/**
 * How the worker's use case renders untrusted manifests: through a renderer the transport provides
 * (the server runs it on a thread with a hard timeout), given the manifests as objects.
 */
import { UserError } from "../core/errors.ts";
import type { FileChange } from "../core/gitops/index.ts";
import type { Manifest, Vars } from "../core/manifest/index.ts";

export interface RenderJob {
  /** Manifests as data: an artifact's `environments` entries. */
  objects: Record<string, unknown>[];
  /** How errors name them: the artifact id and the manifest's env/app. */
  file: string;
  vars: Vars;
  missingKey?: "error" | "zero";
  /** Also render each manifest to files (deploys); cleanup needs only the loaded manifests. */
  render: boolean;
}

export interface RenderedManifest {
  manifest: Manifest;
  files?: FileChange[];
  /** Why rendering this manifest failed, as users see it. */
  error?: string;
}

export interface ManifestRenderer {
  /** Throws the load error as a UserError, RenderTimeoutError at the deadline, RenderAbortedError when stopped. */
  load(job: RenderJob): Promise<RenderedManifest[]>;
}

/** The render did not finish within the deadline and was stopped. */
export class RenderTimeoutError extends UserError {
  override name = "RenderTimeoutError";
}

/** The renderer was closed (the server is stopping) while a render was in progress. */
export class RenderAbortedError extends Error {
  override name = "RenderAbortedError";
}
