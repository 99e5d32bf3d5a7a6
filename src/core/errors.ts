/**
 * The small set of typed errors every module throws. `cmd` turns them into exit codes,
 * `server` into HTTP responses; nothing else decides how an error is shown.
 */

/** Where in a file a problem sits. Lines and columns are 1-based. */
export interface SourcePos {
  file?: string;
  line?: number;
  column?: number;
}

export function formatPos(pos: SourcePos | undefined): string {
  if (!pos) return "";
  const parts = [pos.file ?? "<input>"];
  if (pos.line !== undefined) parts.push(String(pos.line));
  if (pos.line !== undefined && pos.column !== undefined) parts.push(String(pos.column));
  return parts.join(":");
}

/** Bad input from a user: a file, a flag, a request body. Exit code 1, HTTP 400. */
export class UserError extends Error {
  override name = "UserError";
  constructor(
    message: string,
    readonly options: { pos?: SourcePos; path?: string; hint?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }
  get pos(): SourcePos | undefined {
    return this.options.pos;
  }
  get hint(): string | undefined {
    return this.options.hint;
  }
  /** `file:line:col: path: message (hint)` — the one shape users see. */
  describe(): string {
    const where = formatPos(this.options.pos);
    const path = this.options.path ? `${this.options.path}: ` : "";
    const hint = this.options.hint ? ` (${this.options.hint})` : "";
    return `${where ? where + ": " : ""}${path}${this.message}${hint}`;
  }
}

/** Several problems found in one pass (lint, validation). */
export class ValidationError extends UserError {
  override name = "ValidationError";
  constructor(
    readonly problems: UserError[],
    summary?: string,
  ) {
    super(summary ?? `${problems.length} problem${problems.length === 1 ? "" : "s"} found`);
  }
  override describe(): string {
    return this.problems.map((p) => p.describe()).join("\n");
  }
}

export class NotFoundError extends UserError {
  override name = "NotFoundError";
}

export class ConflictError extends UserError {
  override name = "ConflictError";
}

/** The caller is known but may not do this (the access policy said no). HTTP 403. */
export class ForbiddenError extends UserError {
  override name = "ForbiddenError";
}

/** Something the server waited for (an agent's answer) did not come in time. HTTP 504. */
export class TimeoutError extends UserError {
  override name = "TimeoutError";
}

/** A party the server relayed to (an agent, its API server) answered with an error. HTTP 502. */
export class UpstreamError extends UserError {
  override name = "UpstreamError";
}

/**
 * Something the server depends on (its database) cannot be reached right now; the same request may
 * succeed later. HTTP 503 with Retry-After. Not the caller's mistake, but shown like one: a clear
 * message and no stack trace.
 */
export class UnavailableError extends UserError {
  override name = "UnavailableError";
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, options);
  }
}
