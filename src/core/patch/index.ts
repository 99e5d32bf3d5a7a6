/** @module kustomize-equivalent patching of rendered objects: strategic merge, JSON 6902, resource order. */
export { applyStrategicMergePatches, mergePatch } from "./strategic.ts";
export { applyJson6902Patches, type Json6902Target } from "./json6902.ts";
export { kustomizeOrder } from "./order.ts";
