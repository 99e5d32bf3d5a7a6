/** Where the test environment keeps its cache. */
import { homedir } from "node:os";
import { join } from "node:path";

export function cacheRoot(): string {
  return process.env.GIMLET_CACHE ?? join(homedir(), ".cache", "gimlet");
}
