/** @module The release manager: HTTP API, release worker, environment repos. */
export { createApp } from "./app.ts";
export { Repos } from "./repos.ts";
export { Worker } from "./worker.ts";
export type { ServerDeps } from "./deps.ts";
export { serve, type ServeOptions } from "./start.ts";
export { acquireServeLock, openDataStore, prepareDataDir } from "./data-dir.ts";
