/** The agent's live state and its wire format, shared by the agent, the server and the dashboard. */
export * from "./state.ts";
export * from "./wire.ts";
export { applyChanges, diffState, sameJson } from "./changes.ts";
export * from "./view.ts";
export { decodeLogChunk, decodeResult, decodeSnapshot, decodeUpdate } from "./decode.ts";
