/** The Gimlet manifest (`.gimlet/<env>.yaml`), field for field as the original defines it. */

export type GitEvent = "push" | "tag" | "pr";

export interface DeployPolicy {
  branch?: string;
  tag?: string;
  event?: GitEvent;
  commitMessagePatterns?: string[];
}

export interface CleanupPolicy {
  /** "" when the manifest gives none: the policy then never fires. */
  app: string;
  /** Defaulted to branchDeleted when the manifest leaves it out, as the original did. */
  event: "branchDeleted";
  branch?: string;
}

export interface ChartRef {
  repository?: string;
  name: string;
  version?: string;
}

export interface Json6902Patch {
  target: { group?: string; version?: string; kind: string; name: string; namespace?: string };
  patch: string;
}

export interface Manifest {
  app: string;
  env: string;
  namespace: string;
  preview?: boolean;
  deploy?: DeployPolicy;
  cleanup?: CleanupPolicy;
  chart?: ChartRef;
  values?: Record<string, unknown>;
  strategicMergePatches?: string;
  json6902Patches?: Json6902Patch[];
  manifests?: string;
}
