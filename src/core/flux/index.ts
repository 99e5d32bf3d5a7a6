/**
 * @module Flux objects for the charts gimlet does not render itself: a HelmRepository or
 * GitRepository source plus a HelmRelease with the manifest's values inline.
 */
export { isGitChart, parseGitChart, renderFluxHelmRelease, type ChartRef, type GitChart } from "./helm-release.ts";
export { type FluxVerdict, type FluxWord, fluxLabelOf, fluxVerdict, replacesWord } from "./verdict.ts";
