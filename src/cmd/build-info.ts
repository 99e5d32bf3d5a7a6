/** Version and commit, embedded by scripts/build.ts; a source checkout reports "dev". */
import pkg from "../../package.json" with { type: "json" };

declare const __GIMLET_COMMIT__: string | undefined;
declare const __GIMLET_VERSION__: string | undefined;

export const buildInfo = {
  version: typeof __GIMLET_VERSION__ === "string" ? __GIMLET_VERSION__ : pkg.version,
  commit: typeof __GIMLET_COMMIT__ === "string" ? __GIMLET_COMMIT__ : "dev",
};

export function versionLine(): string {
  return `gimlet ${buildInfo.version} (commit ${buildInfo.commit})`;
}
