/**
 * Gimlet stacks, the pure parts: the stack-definition.yaml and stack.yaml formats, where a stack
 * comes from, rendering a stack's templates, and planning the 3-way merge of a regenerate.
 * @module
 */
export {
  parseStackConfig,
  parseStackDefinition,
  setRepository,
  stringifyStackConfig,
  type LineOf,
  type LoadedStackConfig,
  type StackCategory,
  type StackComponent,
  type StackConfig,
  type StackDefinition,
} from "./definition.ts";
export { lintStackConfig } from "./lint.ts";
export { merge3, oursLabel, planRegenerate, theirsLabel } from "./merge.ts";
export type { ConflictHunk, FileAction, MergeResult, RegenerateInput, RegeneratePlan } from "./merge.ts";
export { definitionFile, ignoreFile, maxDepth, renderStack, type StackFiles } from "./render.ts";
export { currentTag, describeStackRef, isVersionLocked, parseStackRef, withTag } from "./source.ts";
export type { StackRef, StackVersionRef } from "./source.ts";
export {
  latestVersion,
  sortedVersions,
  versionsSince,
  type Version,
} from "./versions.ts";
export { planStackBootstrap } from "./bootstrap.ts";
