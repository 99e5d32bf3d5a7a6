/** The artifact CI ships (reference §2.4): model, validation, and the variables it gives manifests. */
import { UserError, ValidationError } from "../errors.ts";
import { isPlainObject } from "../k8s.ts";
import type { Version } from "../gitops/index.ts";

export type GitEvent = "push" | "tag" | "pr";

export interface Artifact {
  id: string;
  created: number;
  version: Version & { event: GitEvent };
  context?: Record<string, string>;
  environments: Record<string, unknown>[];
  cueEnvironments?: string[];
  items?: Record<string, unknown>[];
  vars?: Record<string, string>;
}

const events = new Set(["push", "tag", "pr"]);

/** Checks an artifact as posted by CI; every problem is reported with its JSON path. */
export function parseArtifact(body: unknown): Omit<Artifact, "id" | "created"> {
  const problems: UserError[] = [];
  const bad = (path: string, message: string) => problems.push(new UserError(message, { path }));
  if (!isPlainObject(body)) throw new UserError("the artifact must be a JSON object");
  const v = body.version;
  if (!isPlainObject(v)) bad("version", "is required");
  else {
    for (const f of ["repositoryName", "sha"])
      if (typeof v[f] !== "string" || !v[f]) bad(`version.${f}`, "is required");
    for (const f of [
      "branch",
      "sourceBranch",
      "targetBranch",
      "tag",
      "authorName",
      "authorEmail",
      "committerName",
      "committerEmail",
      "message",
      "url",
    ]) {
      if (v[f] !== undefined && typeof v[f] !== "string") bad(`version.${f}`, "must be a string");
    }
    // The original silently turned unknown events into push; say so instead.
    if (v.event !== undefined && !events.has(v.event as string))
      bad("version.event", `must be push, tag or pr, got ${JSON.stringify(v.event)}`);
    if (v.created !== undefined && typeof v.created !== "number") bad("version.created", "must be unix seconds");
  }
  if (body.environments !== undefined && (!Array.isArray(body.environments) || !body.environments.every(isPlainObject)))
    bad("environments", "must be a list of manifests");
  for (const f of ["context", "vars"]) {
    const m = body[f];
    if (m !== undefined && (!isPlainObject(m) || !Object.values(m).every((x) => typeof x === "string")))
      bad(f, "must be a map of strings");
  }
  if (body.items !== undefined && (!Array.isArray(body.items) || !body.items.every(isPlainObject)))
    bad("items", "must be a list of maps");
  if (problems.length) throw problems.length === 1 ? problems[0]! : new ValidationError(problems);
  const version = {
    ...(v as Record<string, unknown>),
    event: ((v as Record<string, unknown>).event as GitEvent) ?? "push",
  } as Artifact["version"];
  return {
    version,
    environments: (body.environments as Record<string, unknown>[]) ?? [],
    ...(body.context ? { context: body.context as Record<string, string> } : {}),
    ...(body.items ? { items: body.items as Record<string, unknown>[] } : {}),
    ...(body.vars ? { vars: body.vars as Record<string, string> } : {}),
    ...(body.cueEnvironments ? { cueEnvironments: body.cueEnvironments as string[] } : {}),
  };
}

/** Template variables: context ∪ string values of every item ∪ vars (later wins), as the original. */
export function artifactVars(a: Pick<Artifact, "context" | "items" | "vars" | "version">): Record<string, string> {
  const out: Record<string, string> = {};
  Object.assign(out, a.context ?? {});
  for (const item of a.items ?? []) for (const [k, v] of Object.entries(item)) if (typeof v === "string") out[k] = v;
  Object.assign(out, a.vars ?? {});
  // Fall back to the version for the common names CI scripts rely on.
  out.SHA ??= a.version.sha;
  out.BRANCH ??= a.version.branch ?? "";
  out.REPO ??= a.version.repositoryName;
  out.TAG ??= a.version.tag ?? "";
  out.EVENT ??= a.version.event;
  return out;
}
