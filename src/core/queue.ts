/**
 * The durable queue's payloads: one union of queued requests and one of their results, encoded for
 * the store and decoded (with validation) by the worker. Producers, the worker and the store share
 * these types instead of agreeing on untyped JSON by convention.
 *
 * The encoding is the one earlier versions wrote (an artifact row's blob is the artifact itself; the
 * others are small JSON objects), so rows queued before an upgrade still decode.
 */
import { UserError } from "./errors.ts";
import { isPlainObject } from "./k8s.ts";
import { parseArtifact, type Artifact } from "./release/index.ts";

export type QueueRequest =
  | { type: "artifact"; artifact: Artifact }
  | { type: "release"; env: string; app?: string; artifactId: string; triggeredBy: string }
  | { type: "rollback"; env: string; app: string; targetSHA: string; triggeredBy: string }
  | { type: "delete"; env: string; app: string; triggeredBy: string }
  | { type: "branchDeleted"; repository: string; branch: string };

export type QueueRequestType = QueueRequest["type"];
export const queueRequestTypes: readonly QueueRequestType[] = [
  "artifact",
  "release",
  "rollback",
  "delete",
  "branchDeleted",
];

/** What processing did to one app in one env. */
export interface QueueResult {
  app: string;
  env: string;
  /** The gitops commit written, "" when none was. */
  hash: string;
  status: "success" | "failure" | "skipped";
  statusDesc: string;
}

/** A row as the store keeps it: the request type and its JSON. */
export interface EncodedRequest {
  type: QueueRequestType;
  blob: string;
}

export function encodeRequest(r: QueueRequest): EncodedRequest {
  switch (r.type) {
    case "artifact":
      return { type: r.type, blob: JSON.stringify(r.artifact) };
    case "release":
      return {
        type: r.type,
        blob: JSON.stringify({ env: r.env, app: r.app, artifactId: r.artifactId, triggeredBy: r.triggeredBy }),
      };
    case "rollback":
      return {
        type: r.type,
        blob: JSON.stringify({ env: r.env, app: r.app, targetSHA: r.targetSHA, triggeredBy: r.triggeredBy }),
      };
    case "delete":
      return { type: r.type, blob: JSON.stringify({ env: r.env, app: r.app, triggeredBy: r.triggeredBy }) };
    case "branchDeleted":
      return { type: r.type, blob: JSON.stringify({ repository: r.repository, branch: r.branch }) };
  }
}

/** Why a queued row cannot be processed; the worker records the message and moves on. */
export class QueueDecodeError extends UserError {
  override name = "QueueDecodeError";
}

/** Decodes a stored request, checking every field; a malformed or unknown row throws QueueDecodeError. */
export function decodeRequest(type: string, blob: string): QueueRequest {
  let body: unknown;
  try {
    body = JSON.parse(blob);
  } catch (e) {
    throw new QueueDecodeError(`queued ${JSON.stringify(type)} request is not valid JSON: ${(e as Error).message}`);
  }
  if (!isPlainObject(body)) throw new QueueDecodeError(`queued ${JSON.stringify(type)} request must be a JSON object`);
  const str = (k: string, required = true): string => {
    const v = body[k];
    if (v === undefined || v === null || v === "") {
      if (required) throw new QueueDecodeError(`queued ${type} request: ${k} is missing`, { path: k });
      return "";
    }
    if (typeof v !== "string") throw new QueueDecodeError(`queued ${type} request: ${k} must be a string`, { path: k });
    return v;
  };
  switch (type) {
    case "artifact":
      return { type, artifact: decodeArtifact(blob, body) };
    case "release": {
      const app = str("app", false);
      return {
        type,
        env: str("env"),
        ...(app ? { app } : {}),
        artifactId: str("artifactId"),
        triggeredBy: str("triggeredBy", false) || "api",
      };
    }
    case "rollback":
      return {
        type,
        env: str("env"),
        app: str("app"),
        targetSHA: str("targetSHA"),
        triggeredBy: str("triggeredBy", false) || "api",
      };
    case "delete":
      return { type, env: str("env"), app: str("app"), triggeredBy: str("triggeredBy", false) || "api" };
    case "branchDeleted":
      return { type, repository: str("repository"), branch: str("branch") };
    default:
      throw new QueueDecodeError(`unknown queued request type ${JSON.stringify(type)}`, {
        hint: `known types: ${queueRequestTypes.join(", ")}; a newer gimlet may have queued it`,
      });
  }
}

/** A stored artifact (what an artifact row's blob holds): the posted artifact plus its id and time. */
export function decodeArtifact(blob: string, parsed?: unknown): Artifact {
  let body = parsed;
  if (body === undefined) {
    try {
      body = JSON.parse(blob);
    } catch (e) {
      throw new QueueDecodeError(`stored artifact is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!isPlainObject(body)) throw new QueueDecodeError("stored artifact must be a JSON object");
  const id = body.id;
  if (typeof id !== "string" || !id) throw new QueueDecodeError("stored artifact has no id", { path: "id" });
  let a: Omit<Artifact, "id" | "created">;
  try {
    a = parseArtifact(body);
  } catch (e) {
    const why = e instanceof UserError ? e.describe() : String(e);
    throw new QueueDecodeError(`stored artifact ${id} is malformed: ${why}`, { cause: e });
  }
  const created = typeof body.created === "number" ? body.created : 0;
  return { ...a, id, created };
}

const resultStatuses = new Set(["success", "failure", "skipped"]);

/**
 * Results as stored (JSON). Entries that are not results are dropped rather than failing a read:
 * a row is looked at long after it was written, and a reader must not break on one bad entry.
 */
export function decodeResults(json: string): QueueResult[] {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(v)) return [];
  const out: QueueResult[] = [];
  for (const r of v) {
    if (!isPlainObject(r)) continue;
    const s = (k: string) => (typeof r[k] === "string" ? (r[k] as string) : "");
    const status = s("status");
    if (!resultStatuses.has(status)) continue;
    out.push({
      app: s("app"),
      env: s("env"),
      hash: s("hash"),
      status: status as QueueResult["status"],
      statusDesc: s("statusDesc"),
    });
  }
  return out;
}

/** The env/app pairs a request is about, as far as they are known before processing. */
export function requestTargets(r: QueueRequest): { env: string; app?: string }[] {
  switch (r.type) {
    case "artifact": {
      const out: { env: string; app?: string }[] = [];
      // Templated names are only known once rendered.
      for (const m of r.artifact.environments) {
        if (typeof m.env !== "string" || m.env.includes("{{")) continue;
        out.push(typeof m.app === "string" && !m.app.includes("{{") ? { env: m.env, app: m.app } : { env: m.env });
      }
      return out;
    }
    case "release":
      return [{ env: r.env, ...(r.app ? { app: r.app } : {}) }];
    case "rollback":
    case "delete":
      return [{ env: r.env, app: r.app }];
    case "branchDeleted":
      return [];
  }
}
