/** @module Flux objects for charts gimlet does not render itself. */
export { parseGitChart, renderFluxHelmRelease, type ChartRef } from "./helm-release.ts";
