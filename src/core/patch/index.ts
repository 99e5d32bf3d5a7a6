/**
 * @module Kustomize-equivalent patching of rendered objects, as gimlet's original did it through
 * kustomize's krusty: strategic merge patches (kyaml's merge, quirks included), JSON 6902 patches
 * (evanphx/json-patch v4 semantics) and kustomize's legacy resource order.
 * The goldens in tests/oracles/kustomize are real kustomize output.
 */
export { applyStrategicMergePatches, honourDirectives, mergeObject, type PatchOptions } from "./strategic.ts";
export { applyJson6902Patches, type Json6902Patch, type Json6902Target } from "./json6902.ts";
export { kustomizeOrder } from "./order.ts";
