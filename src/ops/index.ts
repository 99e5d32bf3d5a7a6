/**
 * @module The use cases every transport shares (API routes, the worker, the CLI, next the dashboard
 * and the agent): each `(deps, input) → result data`, with no HTTP, argv or printing.
 */
export { DataDir, openDataStore, prepareDataDir } from "./data-dir.ts";
export { nowOf, type OpsDeps } from "./deps.ts";
export { listArtifacts, pushArtifact, type PushArtifactInput, type PushArtifactResult } from "./artifacts.ts";
export {
  deleteApp,
  envOf,
  releaseHistory,
  releaseStatus,
  requestRelease,
  requestRollback,
  type DeleteResult,
  type HistoryEntry,
  type HistoryQuery,
} from "./releases.ts";
export { reindexAll } from "./history.ts";
export {
  commitEnv,
  gitopsRepoOf,
  recentGitopsCommits,
  recordCommitStatus,
  requestHashes,
  trackArtifact,
  trackRequest,
} from "./tracking.ts";
export {
  bootstrapEnv,
  createEnv,
  deleteEnv,
  listEnvs,
  planEnvDeletion,
  type BootstrapResult,
  type DeleteEnvResult,
  type EnvDeletionPlan,
  type EnvFieldNames,
  type EnvView,
} from "./envs.ts";
export {
  createUser,
  deleteUser,
  getUser,
  issueToken,
  listTokens,
  listUsers,
  revokeToken,
  roles,
  setPassword,
  tokenId,
  type UserView,
} from "./users.ts";
export {
  checkPassword,
  checkToken,
  endAllSessions,
  endSession,
  sessionOf,
  sessionTtlSeconds,
  startSession,
  type NewSession,
} from "./sessions.ts";
export { enqueue } from "./queue.ts";
export { maxAttempts, processEvent, type ProcessDeps } from "./process-event.ts";
export { receiveBranchDeletion, type BranchDeletionResult } from "./webhooks.ts";
export {
  RenderAbortedError,
  RenderTimeoutError,
  type ManifestRenderer,
  type RenderedManifest,
  type RenderJob,
} from "./render.ts";
export { AgentHub, type AgentHubOptions, type CommandBody, type Downlink, type LogSink } from "./agent-hub.ts";
export type { AgentPeers, RemoteAgent } from "./agent-peers.ts";
export {
  appDetails,
  envState,
  findApp,
  reconcileEnv,
  restartApp,
  streamAppLogs,
  type LiveDeps,
  type LogOptions,
  type ReconcileTarget,
} from "./live.ts";
export {
  artifactSummary,
  latestReleases,
  recentActivity,
  type ActivityEntry,
  type ActivityQuery,
} from "./activity.ts";
export { deliverySteps } from "./delivery.ts";
export {
  previewOf,
  previewRelease,
  previewRollbackRequest,
  type Preview,
  type PreviewFile,
} from "./preview.ts";
export { currentReleases, warmCurrentReleases } from "./env-status.ts";
export { releaseTimeline, stepsOf, type StepRecords, type Timeline, type TimelineStep } from "./timeline.ts";
export {
  commitTargets,
  followRelease,
  repoCommits,
  repoIndex,
  type FollowedRelease,
  type RepoCommitsPage,
} from "./repos-view.ts";
export { RolloutWatch, rolloutDone, runs, type Expected } from "./rollout-watch.ts";
export { recordStep } from "./release-steps.ts";
export { appliedApps, fluxAppliedAt, recordFluxWord, type RecordedWord } from "./flux-status.ts";
export { deliveryStats, type StatsQuery } from "./stats.ts";
