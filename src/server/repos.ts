/** The data dir's owner under the name the server and its tests first knew it by. */
export { DataDir as Repos } from "../ops/data-dir.ts";
