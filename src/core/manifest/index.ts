/** @module The Gimlet manifest: model, loading with positions, variables, rendering. */
export type { ChartRef, CleanupPolicy, DeployPolicy, Json6902Patch, Manifest } from "./model.ts";
export { loadManifestObjects, loadManifests, type LoadedManifest, type LoadOptions } from "./load.ts";
export { chartKind, renderManifest, valuesProblems } from "./render.ts";
export { mergeVars, parseDotenv, type Vars } from "./vars.ts";
export { lintManifestText, type LintResult } from "./lint.ts";
export { createManifest, onechartRepository, parseChartFlag, type CreateOptions } from "./create.ts";
