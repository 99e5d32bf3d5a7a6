/** gimlet's `sanitizeDNSName`: any text to a valid DNS label (RFC 1123), e.g. a branch name to an app name. */
import { toLower } from "./unicode.ts";

const invalidRuns = /[^0-9a-z]+/g;
const edgeDashes = /^-+|-+$/g;

/** Lowercase; runs of characters outside [0-9a-z] become "-"; at most 63 characters; no leading or trailing "-". */
export function sanitizeDNSName(s: string): string {
  return toLower(s).replace(invalidRuns, "-").slice(0, 63).replace(edgeDashes, "");
}
