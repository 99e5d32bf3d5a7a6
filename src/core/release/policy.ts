/** Deploy and cleanup policies (reference §2.5, §2.11), with the documented semantics. */
import type { CleanupPolicy, DeployPolicy } from "../manifest/index.ts";
import type { Artifact } from "./artifact.ts";
import { globToRegExp, matchNegatable } from "./glob.ts";

/** Whether an artifact triggers a policy deploy of a manifest. */
export function deployTrigger(artifact: Pick<Artifact, "version">, deploy: DeployPolicy | undefined): boolean {
  if (!deploy) return false;
  const patterns = deploy.commitMessagePatterns ?? [];
  if (!deploy.branch && !deploy.event && !deploy.tag && patterns.length === 0) return false;
  const v = artifact.version;
  if (deploy.branch && deploy.event !== "push" && deploy.event !== "pr") return false;
  if (deploy.tag && deploy.event !== "tag") return false;
  if (deploy.event && deploy.event !== v.event) return false;
  if (deploy.branch && !matchNegatable(deploy.branch, v.branch ?? "")) return false;
  if (deploy.tag && !matchNegatable(deploy.tag, v.tag ?? "")) return false;
  if (patterns.length) {
    const message = v.message ?? "";
    if (
      !message.includes("[DEPLOY: ALL]") &&
      !patterns.some((p) => globToRegExp(p.replace(/\[/g, "\\[").replace(/\]/g, "\\]")).test(message))
    )
      return false;
  }
  return true;
}

/**
 * Whether a deleted branch triggers a manifest's cleanup. As in the original, a policy without a
 * branch pattern or without an app never fires — a missing pattern must not delete a running app
 * on every branch deletion — and a missing event means branchDeleted (its only value).
 * Negation follows the documented intent: `!main` fires for every branch but main (the original
 * fired for main too).
 */
export function cleanupTrigger(branch: string, cleanup: Partial<CleanupPolicy> | undefined): boolean {
  if (!cleanup?.branch || !cleanup.app) return false;
  if ((cleanup.event ?? "branchDeleted") !== "branchDeleted") return false;
  return matchNegatable(cleanup.branch, branch);
}
