/**
 * Dry runs of release and rollback requests: the change set the worker would write, computed in
 * memory against the env's current tree and shown as a diff. Nothing is queued, committed or
 * pushed. Releases render through the same renderer as the worker; rollbacks build the same
 * reverts (see git/preview.ts).
 */
import { createHash } from "node:crypto";
import { diffFiles, type FileDiff, type ObjectChange } from "../core/diff/index.ts";
import { NotFoundError, UserError } from "../core/errors.ts";
import {
  appDir,
  assertSafeName,
  envDir,
  join,
  releaseChangeSet,
  type ChangeSet,
  type Release,
} from "../core/gitops/index.ts";
import { decodeArtifact } from "../core/queue.ts";
import { artifactVars } from "../core/release/index.ts";
import { filesAt, previewRollback } from "../git/index.ts";
import type { OpsDeps } from "./deps.ts";
import { manifestName } from "./process-event.ts";
import { envOf, type ReleaseInput, type RollbackInput } from "./releases.ts";
import type { ManifestRenderer } from "./render.ts";

export interface PreviewFile extends FileDiff {
  /** Git blob ids of the content before and after (absent: no file on that side). */
  oldHash?: string;
  newHash?: string;
}

export interface Preview {
  dryRun: true;
  env: string;
  /** The apps the request would write. */
  apps: string[];
  files: PreviewFile[];
  summary: ObjectChange[];
  diff: string;
}

/** Git's blob id of a text, so a preview's hashes match what `git ls-tree` shows after the write. */
function blobId(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** The preview of going from `before` to `after`. */
export function previewOf(
  env: string,
  apps: string[],
  before: Map<string, string>,
  after: Map<string, string>,
): Preview {
  const d = diffFiles(before, after);
  const files = d.files.map((f) => ({
    ...f,
    ...(before.has(f.path) ? { oldHash: blobId(before.get(f.path)!) } : {}),
    ...(after.has(f.path) ? { newHash: blobId(after.get(f.path)!) } : {}),
  }));
  return { dryRun: true, env, apps, files, summary: d.summary, diff: d.diff };
}

/** A change set applied to files in memory, as git/tree.ts applies it to a tree. */
function applyToFiles(files: Map<string, string>, cs: ChangeSet): Map<string, string> {
  const out = new Map(files);
  for (const dir of cs.replace)
    for (const p of [...out.keys()]) if (dir === "" || p === dir || p.startsWith(`${dir}/`)) out.delete(p);
  for (const f of cs.write) out.set(f.path, f.content);
  return out;
}

/** What `requestRelease` would write, rendered as the worker renders it. */
export async function previewRelease(
  d: OpsDeps & { renderer: ManifestRenderer },
  input: Omit<ReleaseInput, "triggeredBy"> & { triggeredBy?: string },
): Promise<Preview> {
  const env = await envOf(d, input.env);
  const app = input.app ? assertSafeName(input.app, "app") : undefined;
  const stored = await d.store.artifactEvent(input.artifactId);
  if (!stored) throw new NotFoundError(`artifact ${input.artifactId} not found`);
  const artifact = decodeArtifact(stored.blob);
  const vars = artifactVars(artifact);
  const layout = { env: env.name, repoPerEnv: env.repoPerEnv };
  const changes: { app: string; cs: ChangeSet }[] = [];
  for (const raw of artifact.environments) {
    // A manifest that does not load fails the real release too (its event ends as `error`).
    const loaded = await d.renderer.load({ objects: [raw], file: manifestName(artifact.id, raw), vars, render: true });
    for (const l of loaded) {
      const m = l.manifest;
      if (m.env !== env.name || (app && m.app !== app)) continue;
      if (l.error !== undefined) throw new UserError(`${manifestName(artifact.id, raw)}: ${l.error}`);
      const release: Release = {
        app: m.app,
        env: m.env,
        artifactId: artifact.id,
        triggeredBy: input.triggeredBy ?? "",
        version: artifact.version,
        gitopsRef: "",
        gitopsRepo: "",
      };
      changes.push({ app: m.app, cs: releaseChangeSet(layout, m.app, l.files!, release) });
    }
  }
  const g = await d.repos.get(env);
  const paths = [...new Set([...changes.map((c) => appDir(layout, c.app)), join(envDir(layout), "release.json")])];
  const before = await filesAt(g.repo, await g.head(), paths);
  const after = changes.reduce((files, c) => applyToFiles(files, c.cs), before);
  return previewOf(
    env.name,
    changes.map((c) => c.app),
    before,
    after,
  );
}

/** What `requestRollback` would write: the reverts built on the current head, no ref moved. */
export async function previewRollbackRequest(d: OpsDeps, input: Omit<RollbackInput, "triggeredBy">): Promise<Preview> {
  const env = await envOf(d, input.env);
  const app = assertSafeName(input.app, "app");
  if (!/^[0-9a-f]{4,40}$/.test(input.sha)) throw new UserError("sha must be a gitops commit sha");
  const g = await d.repos.get(env);
  const p = await previewRollback(g, { env: env.name, repoPerEnv: env.repoPerEnv, app, to: input.sha });
  return previewOf(env.name, [app], p.before, p.after);
}
