/**
 * The render thread: loads and renders untrusted manifests (artifact manifests posted to the
 * server) away from the thread that serves HTTP and git. The main side (renderer.ts) terminates
 * it when a render takes too long. It is its own entrypoint of the compiled binary
 * (scripts/build.ts), and imports pure core only.
 */
import { UserError } from "../core/errors.ts";
import { splitObjects } from "../core/gitops/index.ts";
import { loadManifestObjects, renderManifest } from "../core/manifest/index.ts";
import type { TemplateLimits } from "../core/template/index.ts";
import type { RenderedManifest, RenderJob } from "../ops/render.ts";

export type { RenderedManifest } from "../ops/render.ts";

/** A job as posted to the thread: the manifests travel as objects (structured clone), never as YAML text. */
export interface RenderRequest extends RenderJob {
  id: number;
  limits?: Partial<TemplateLimits>;
}

export type RenderReply =
  | { id: number; ok: true; manifests: RenderedManifest[] }
  | { id: number; ok: false; error: string; user: boolean };

const describe = (e: unknown): string =>
  e instanceof UserError ? e.describe() : e instanceof Error ? e.message : String(e);

export function handle(req: RenderRequest): RenderReply {
  try {
    const loaded = loadManifestObjects(req.objects, {
      file: req.file,
      vars: req.vars,
      missingKey: req.missingKey,
      limits: req.limits,
    });
    const manifests = loaded.map((l): RenderedManifest => {
      if (!req.render) return { manifest: l.manifest };
      try {
        return { manifest: l.manifest, files: splitObjects(renderManifest(l)) };
      } catch (e) {
        return { manifest: l.manifest, error: describe(e) };
      }
    });
    return { id: req.id, ok: true, manifests };
  } catch (e) {
    return { id: req.id, ok: false, error: describe(e), user: e instanceof UserError };
  }
}

declare const self: Worker;
// Only when loaded as a Worker: tests import `handle` directly.
if (!Bun.isMainThread) {
  self.onmessage = (ev: MessageEvent<RenderRequest>) => self.postMessage(handle(ev.data));
}
