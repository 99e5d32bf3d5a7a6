/** @module Gitops repository layout rules: paths, safe names, commit messages, release.json, change sets. */
export { splitObjects, type FileChange } from "./split.ts";
export {
  appDir,
  assertRelativePath,
  assertSafeName,
  envDir,
  isReservedName,
  isSafeName,
  join,
  layoutDirs,
  reservedDirs,
  type Layout,
} from "./paths.ts";
export { commitMessages, defaultAuthor, isDeleteMessage, revertedSha, revertMessage } from "./messages.ts";
export { decodeRelease, encodeRelease, type Release, type Version } from "./release.ts";
export {
  bootstrapSteps,
  fluxVersion,
  parseRepoUrl,
  planBootstrap,
  type BootstrapOptions,
  type BootstrapPlan,
} from "./bootstrap.ts";
export { deleteChangeSet, filesChangeSet, releaseChangeSet, type ChangeSet } from "./changeset.ts";
export {
  dataDirLayout,
  gitopsRepoName,
  deletedRepoPath,
  hostedRepoName,
  hostedRepoPath,
  hostedRepoUrl,
  parseHostedRepoName,
  remoteCachePath,
  type HostedKind,
} from "./hosted.ts";
