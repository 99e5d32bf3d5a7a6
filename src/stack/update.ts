/** `stack update`: the versions newer than the pinned one, each with its changeLog; moves the pin. */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UserError } from "../core/errors.ts";
import { parseStackConfig, setRepository } from "../core/stack/definition.ts";
import { currentTag, parseStackRef, withTag } from "../core/stack/source.ts";
import { versionsSince } from "../core/stack/versions.ts";
import { readStackYaml } from "./generate.ts";
import { StackLoader } from "./load.ts";

export interface UpdateInfo {
  currentVersion: string | undefined;
  latestVersion: string | undefined;
  /** Newer versions, oldest first, each with its changeLog. */
  newer: { version: string; changeLog: string }[];
}

export async function checkUpdate(configPath: string, loader = new StackLoader()): Promise<UpdateInfo> {
  const { config } = readStackYaml(configPath);
  const ref = parseStackRef(config.stack.repository, dirname(resolve(configPath)));
  if (ref.kind === "dir") {
    throw new UserError("stack.repository is a local directory: it has no versions to update to", {
      path: "stack.repository",
      hint: "use a git URL with ?tag= or embedded:<name>?tag= to follow a stack's versions",
    });
  }
  const versions = (await loader.versions(ref)) ?? [];
  const current = currentTag(ref);
  const newerTags = current === undefined ? versions : (versionsSince(versions, current) ?? []);
  if (current !== undefined && !versions.includes(current) && versionsSince(versions, current) === undefined) {
    throw new UserError(`the pinned tag ${current} is not a version`, {
      path: "stack.repository",
      hint: "pin a semver tag like v1.2.0",
    });
  }
  const newer = [];
  for (const version of newerTags) {
    const stack = await loader.load({ ...ref, ref: { tag: version } } as typeof ref);
    newer.push({ version, changeLog: stack.definition.changeLog });
  }
  return { currentVersion: current, latestVersion: newerTags.at(-1) ?? current, newer };
}

/** Moves stack.yaml's pin to the latest version; returns the new repository string. */
export function applyUpdate(configPath: string, info: UpdateInfo): string | undefined {
  if (!info.newer.length || !info.latestVersion) return undefined;
  const text = readFileSync(configPath, "utf8");
  const { config } = parseStackConfig(text, configPath);
  const repository = withTag(config.stack.repository, info.latestVersion);
  return setRepository(text, repository, configPath);
}
