/** API tokens: how they are made and checked; the store keeps only their sha256. */
import { createHash, randomBytes } from "node:crypto";
import { UserError } from "../core/errors.ts";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** An operator-chosen token must be as hard to guess as ours: at least 32 characters, no spaces. */
export function checkGivenToken(token: string): string {
  if (token.length < 32 || /\s/.test(token)) {
    throw new UserError("a given token must be at least 32 characters without spaces", {
      hint: "generate one, e.g. openssl rand -base64 32",
    });
  }
  return token;
}

/** 32 random bytes, url-safe; only its sha256 is stored. */
export function newToken(): string {
  return `glt_${randomBytes(32).toString("base64url")}`;
}
