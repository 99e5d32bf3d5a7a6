/** @module Releases: artifacts, their variables, and deploy/cleanup policies. */
export { artifactVars, parseArtifact, type Artifact, type GitEvent } from "./artifact.ts";
export { cleanupTrigger, deployTrigger } from "./policy.ts";
export { globToRegExp, matchNegatable } from "./glob.ts";
export type { Timeline, TimelineStep } from "./timeline.ts";
