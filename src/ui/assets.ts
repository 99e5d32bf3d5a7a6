/**
 * The static files pages load, embedded in the binary: htmx 4, its SSE extension and the one
 * stylesheet. No CDN, so pages work offline and under a CSP of `'self'`.
 */
import htmxPath from "htmx.org/dist/htmx.min.js" with { type: "file" };
import ssePath from "htmx.org/dist/ext/hx-sse.min.js" with { type: "file" };
import cssPath from "./assets/style.css" with { type: "file" };

export interface Asset {
  /** Where the bytes are: a real path, or `/$bunfs/…` inside the compiled binary. */
  file: string;
  contentType: string;
}

/** URL name under the assets prefix → file. */
export const assets: Record<string, Asset> = {
  "htmx.min.js": { file: htmxPath, contentType: "text/javascript; charset=utf-8" },
  "hx-sse.min.js": { file: ssePath, contentType: "text/javascript; charset=utf-8" },
  "style.css": { file: cssPath, contentType: "text/css; charset=utf-8" },
};

/** The policy every page is served with: nothing inline, nothing from elsewhere but images. */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");
