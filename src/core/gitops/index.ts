/** @module Gitops repository layout rules: which files a release becomes. */
export { splitObjects, type FileChange } from "./split.ts";
