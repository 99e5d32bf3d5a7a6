/**
 * Shapes the use cases in ops hand to the dashboard: ops builds them, ui renders them. They live in
 * core because ui may import only core, and one declaration keeps the two sides from drifting.
 */
import type { QueueResult } from "./queue.ts";

/** An env/app pair a commit's manifests deploy to. */
export interface CommitTarget {
  env: string;
  app: string;
  /** Why it cannot be deployed from here (absent: it can). */
  blocked?: string;
}

/** One commit (one artifact) of a repository's page. */
export interface RepoCommitView {
  sha: string;
  message: string;
  author: string;
  branch: string;
  created: number;
  url: string;
  artifactId: string;
  /** Links the artifact's items carry (`{name: "CI", url}`), http(s) only. */
  links: { name: string; url: string }[];
  targets: CommitTarget[];
}

/** A release request as its follow page shows it. */
export interface FollowedRelease {
  id: string;
  status: string;
  statusDesc: string;
  created: number;
  env: string;
  app: string;
  triggeredBy: string;
  artifact?: { id: string; repo: string; sha: string; message: string; url: string };
  /** Per app written: the gitops commit and Flux's word on it. */
  results: (QueueResult & { flux: string; fluxDesc: string; fluxAt?: number })[];
}

/** What deleting an env takes with it: what a confirmation names before anything happens. */
export interface EnvDeletionPlan {
  env: string;
  builtin: boolean;
  /** The remote repo (remote envs): never touched, only the local clone goes. */
  repoUrl: string;
  /** The hosted repos on disk (builtin envs): removed, or kept under deleted/ with keepRepo. */
  hostedRepos: string[];
  /** Rows of the release-history mirror: deleted (git keeps the history itself). */
  releases: number;
  /** Users bound to the env (its agent's, its Flux's): deleted with their tokens. */
  users: string[];
}

/** One queued request as the activity feed lists it, with the gitops commits it made. */
export interface ActivityEntry {
  id: string;
  type: string;
  status: string;
  statusDesc: string;
  created: number;
  repository: string;
  sha: string;
  triggeredBy?: string;
  targets: { env: string; app?: string }[];
  commits: { sha: string; env: string; status: string; desc: string }[];
}
