/**
 * Loads a stack from wherever `stack.repository` points: its files, its parsed definition and its
 * `.stackignore` matcher (gitignore syntax, by the `ignore` package: what git itself matches).
 * One StackLoader per command, so the current and the previous version of a git stack share one
 * opened (and at most once fetched) clone.
 */
import ignore from "ignore";
import { UserError } from "../core/errors.ts";
import { parseStackDefinition, type StackDefinition } from "../core/stack/definition.ts";
import { definitionFile, ignoreFile, type StackFiles } from "../core/stack/render.ts";
import { describeStackRef, type StackRef } from "../core/stack/source.ts";
import { latestVersion, sortedVersions } from "../core/stack/versions.ts";
import { readStackDir } from "./dir-source.ts";
import { embeddedStackFiles } from "./embedded-files.ts";
import {
  listCachedTags,
  listStackTags,
  openLocalStack,
  openRemoteStack,
  readStackTree,
  resolveStackRef,
  type GitStackRepo,
} from "./git-source.ts";

export interface LoadedStack {
  ref: StackRef;
  files: StackFiles;
  definition: StackDefinition;
  ignored: (path: string) => boolean;
  /** The stack's name for messages, with its version. */
  label: string;
}

function refLabel(ref: StackRef): string {
  if (ref.kind === "dir" || !ref.ref) return describeStackRef(ref);
  const r = ref.ref;
  return `${describeStackRef(ref)}@${"tag" in r ? r.tag : "sha" in r ? r.sha : r.branch}`;
}

export function ignoreMatcher(files: StackFiles): (path: string) => boolean {
  const text = files[ignoreFile];
  if (text === undefined) return () => false;
  const ig = ignore().add(text);
  return (path) => path === ignoreFile || ig.ignores(path);
}

export class StackLoader {
  private readonly repos = new Map<string, Promise<GitStackRepo>>();
  private embedded: Map<string, Map<string, StackFiles>> | undefined;

  private repoFor(ref: Extract<StackRef, { kind: "git" | "file-git" }>): Promise<GitStackRepo> {
    let r = this.repos.get(ref.url);
    if (!r) {
      r = ref.kind === "git" ? openRemoteStack(ref.url) : Promise.resolve(openLocalStack(ref.path, ref.url));
      this.repos.set(ref.url, r);
      r.catch(() => this.repos.delete(ref.url));
    }
    return r;
  }

  /** name → version → files of the stacks inside the binary. */
  embeddedStacks(): Map<string, Map<string, StackFiles>> {
    if (this.embedded) return this.embedded;
    const out = new Map<string, Map<string, StackFiles>>();
    for (const [key, content] of Object.entries(embeddedStackFiles())) {
      const [name, version, ...rest] = key.split("/");
      if (!name || !version || rest.length === 0) continue;
      if (!out.has(name)) out.set(name, new Map());
      const versions = out.get(name)!;
      if (!versions.has(version)) versions.set(version, {});
      versions.get(version)![rest.join("/")] = content;
    }
    this.embedded = out;
    return out;
  }

  private embeddedVersions(name: string): Map<string, StackFiles> {
    const versions = this.embeddedStacks().get(name);
    if (!versions) {
      const known = [...this.embeddedStacks().keys()].join(", ") || "none";
      throw new UserError(`no embedded stack named ${name}`, {
        path: "stack.repository",
        hint: `embedded stacks: ${known}`,
      });
    }
    return versions;
  }

  /** The versions a stack offers (git tags, or the embedded versions); undefined for a directory. */
  async versions(ref: StackRef): Promise<string[] | undefined> {
    if (ref.kind === "dir") return undefined;
    if (ref.kind === "embedded") return sortedVersions([...this.embeddedVersions(ref.name).keys()]).map((v) => v.tag);
    return sortedVersions(await listStackTags(await this.repoFor(ref))).map((v) => v.tag);
  }

  /** Versions known without the network (tags already in the cache); for the update hint of generate. */
  async knownVersions(ref: StackRef): Promise<string[] | undefined> {
    if (ref.kind !== "git") return this.versions(ref);
    const repo = await this.repoFor(ref);
    return sortedVersions(await listCachedTags(repo)).map((v) => v.tag);
  }

  async files(ref: StackRef): Promise<StackFiles> {
    if (ref.kind === "dir") return readStackDir(ref.path);
    if (ref.kind === "embedded") {
      const versions = this.embeddedVersions(ref.name);
      const tag = ref.ref?.tag ?? latestVersion([...versions.keys()]);
      const files = tag !== undefined ? versions.get(tag) : undefined;
      if (!files) {
        throw new UserError(`embedded stack ${ref.name} has no version ${tag}`, {
          path: "stack.repository",
          hint: `versions: ${sortedVersions([...versions.keys()])
            .map((v) => v.tag)
            .join(", ")}`,
        });
      }
      return files;
    }
    const repo = await this.repoFor(ref);
    return readStackTree(repo, await resolveStackRef(repo, ref.ref));
  }

  async load(ref: StackRef): Promise<LoadedStack> {
    const files = await this.files(ref);
    const label = refLabel(ref);
    const text = files[definitionFile];
    if (text === undefined) {
      throw new UserError(`${label} has no ${definitionFile} at its root`, {
        path: "stack.repository",
        hint: "point stack.repository at a stack (a repo with stack-definition.yaml), e.g. embedded:reference",
      });
    }
    return {
      ref,
      files,
      definition: parseStackDefinition(text, `${label}:${definitionFile}`),
      ignored: ignoreMatcher(files),
      label,
    };
  }
}
