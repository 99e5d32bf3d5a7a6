/**
 * Where `stack.repository` points. As in the original: a git URL with an optional `?tag=`,
 * `?sha=` or `?branch=`, or a local directory; plus the stacks embedded in the binary
 * (`embedded:reference?tag=v2`). `file:///abs/path` names a local git repository (air-gapped
 * mirrors), read directly.
 */
import { UserError } from "../errors.ts";

export type StackVersionRef = { tag: string } | { sha: string } | { branch: string };

export type StackRef =
  | { kind: "git"; url: string; ref?: StackVersionRef }
  | { kind: "file-git"; path: string; url: string; ref?: StackVersionRef }
  | { kind: "dir"; path: string }
  | { kind: "embedded"; name: string; ref?: { tag: string } };

const hint =
  "use https://host/owner/stack.git?tag=v1.0.0, file:///abs/path?tag=v1.0.0, embedded:reference?tag=v2 " +
  "or a local directory";

function versionRef(query: URLSearchParams, repository: string): StackVersionRef | undefined {
  const keys = ["tag", "sha", "branch"].filter((k) => query.has(k));
  for (const k of query.keys()) {
    if (!["tag", "sha", "branch"].includes(k)) {
      throw new UserError(`unknown query parameter ${k} in ${repository}`, { path: "stack.repository", hint });
    }
  }
  if (keys.length > 1) {
    throw new UserError(`give one of ?tag=, ?sha= and ?branch=, not ${keys.join(" and ")}`, {
      path: "stack.repository",
    });
  }
  const k = keys[0];
  if (!k) return undefined;
  const v = query.get(k)!;
  if (!v) throw new UserError(`empty ?${k}= in ${repository}`, { path: "stack.repository", hint });
  if (k === "sha" && !/^[0-9a-f]{4,40}$/i.test(v)) {
    throw new UserError(`?sha=${v} is not a commit hash`, { path: "stack.repository", hint: "4 to 40 hex digits" });
  }
  return k === "tag" ? { tag: v } : k === "sha" ? { sha: v.toLowerCase() } : { branch: v };
}

function splitQuery(s: string): [string, URLSearchParams] {
  const i = s.indexOf("?");
  return i < 0 ? [s, new URLSearchParams()] : [s.slice(0, i), new URLSearchParams(s.slice(i + 1))];
}

/** Parses `stack.repository`; `baseDir` resolves relative local paths (the directory of stack.yaml). */
export function parseStackRef(repository: string, baseDir: string): StackRef {
  const [base, query] = splitQuery(repository.trim());
  if (base.startsWith("embedded:")) {
    const name = base.slice("embedded:".length);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
      throw new UserError(`bad embedded stack name ${JSON.stringify(name)}`, { path: "stack.repository", hint });
    const ref = versionRef(query, repository);
    if (ref && !("tag" in ref))
      throw new UserError("an embedded stack is pinned with ?tag=", { path: "stack.repository", hint });
    return { kind: "embedded", name, ...(ref ? { ref } : {}) };
  }
  if (/^https?:\/\//.test(base)) {
    let url: URL;
    try {
      url = new URL(base);
    } catch {
      throw new UserError(`cannot read ${JSON.stringify(repository)} as a URL`, { path: "stack.repository", hint });
    }
    if (url.username || url.password) {
      throw new UserError("the stack URL must not contain credentials", {
        path: "stack.repository",
        hint: "set GIMLET_STACK_TOKEN",
      });
    }
    const ref = versionRef(query, repository);
    return { kind: "git", url: base, ...(ref ? { ref } : {}) };
  }
  if (base.startsWith("file://")) {
    const path = decodeURIComponent(base.slice("file://".length));
    if (!path.startsWith("/"))
      throw new UserError("a file:// URL needs an absolute path: file:///abs/path", { path: "stack.repository" });
    const ref = versionRef(query, repository);
    return { kind: "file-git", path, url: base, ...(ref ? { ref } : {}) };
  }
  if (/^(ssh:\/\/|git@|[\w.-]+@[\w.-]+:)/.test(base)) {
    throw new UserError(`ssh stack URLs are not supported: ${repository}`, { path: "stack.repository", hint });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(base)) {
    throw new UserError(`unsupported stack URL scheme in ${repository}`, { path: "stack.repository", hint });
  }
  if (query.size)
    throw new UserError("a local stack directory takes no ?tag=; it is used as it is", {
      path: "stack.repository",
      hint,
    });
  const path = base.startsWith("/") ? base : `${baseDir.replace(/\/+$/, "")}/${base}`;
  return { kind: "dir", path: normalize(path) };
}

function normalize(p: string): string {
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return "/" + out.join("/");
}

/** Version-locked: a tag, sha or branch is given, or the stack is a local directory (original rule). */
export function isVersionLocked(ref: StackRef): boolean {
  return ref.kind === "dir" || ref.ref !== undefined;
}

/** The pinned tag, if any. */
export function currentTag(ref: StackRef): string | undefined {
  return ref.kind !== "dir" && ref.ref && "tag" in ref.ref ? ref.ref.tag : undefined;
}

/** `repository` pinned to `tag`: other query parameters are replaced. */
export function withTag(repository: string, tag: string): string {
  const [base] = splitQuery(repository.trim());
  return `${base}?tag=${tag}`;
}

/** A human name for messages: the URL without its query, or the directory. */
export function describeStackRef(ref: StackRef): string {
  if (ref.kind === "dir") return ref.path;
  if (ref.kind === "embedded") return `embedded:${ref.name}`;
  return ref.url;
}
