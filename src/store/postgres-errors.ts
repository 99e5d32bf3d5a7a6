/**
 * A database that is down or unreachable is not a bug of the request that met it: its errors become
 * `UnavailableError` (HTTP 503 with Retry-After) at the store's edge, so callers see "database
 * unavailable: …" instead of an internal error. Everything else the server answers (constraint
 * violations, syntax, permissions) passes through untouched.
 */
import { UnavailableError } from "../core/errors.ts";

/** Seconds a client is told to wait: about how long a Postgres restart or failover takes. */
export const RETRY_AFTER_SECONDS = 5;

/** Bun.SQL's codes for a connection that could not be made or was lost. */
const CLIENT_CODES = new Set([
  "ERR_POSTGRES_CONNECTION_CLOSED",
  "ERR_POSTGRES_CONNECTION_FAILED",
  "ERR_POSTGRES_CONNECTION_REFUSED",
  "ERR_POSTGRES_CONNECTION_TIMEOUT",
  "ERR_POSTGRES_IDLE_TIMEOUT",
  "ERR_POSTGRES_LIFETIME_TIMEOUT",
]);
/** The operating system's, when a socket error surfaces as it is. */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * Whether `e` says the database cannot be reached: SQLSTATE class 08 (connection exception),
 * 57P01–57P03 (the server is shutting down, crashed, or not accepting connections yet), or a
 * client-side connection or socket failure.
 */
export function isConnectionError(e: unknown): boolean {
  const err = e as { code?: unknown; errno?: unknown } | null;
  if (!err || typeof err !== "object") return false;
  const state = typeof err.errno === "string" ? err.errno : "";
  if (state.startsWith("08") || state === "57P01" || state === "57P02" || state === "57P03") return true;
  const code = typeof err.code === "string" ? err.code : "";
  return CLIENT_CODES.has(code) || SOCKET_CODES.has(code) || SOCKET_CODES.has(state);
}

/**
 * The error to show for `e`: an UnavailableError for a connection failure, else `e` itself. The
 * message leaves out the database URL (any caller may read it); the server's log has the cause.
 */
export function asUnavailable(e: unknown): unknown {
  if (e instanceof UnavailableError || !isConnectionError(e)) return e;
  const err = e as { message?: string; errno?: string };
  const state = err.errno ? ` (SQLSTATE ${err.errno})` : "";
  return new UnavailableError(`database unavailable: ${err.message ?? String(e)}${state}`, RETRY_AFTER_SECONDS, {
    hint: `the server retries by itself; try again in ${RETRY_AFTER_SECONDS} s`,
    cause: e,
  });
}

const wrapped = new WeakMap<object, object>();

/**
 * `target` with every method's connection failures turned into UnavailableError, sync throws and
 * rejections alike; objects a property holds (the request log) are wrapped too. Methods run on the
 * unwrapped object, so the queries' own `this.sql` tagged templates are never touched.
 */
export function mapConnectionErrors<T extends object>(target: T): T {
  const known = wrapped.get(target);
  if (known) return known as T;
  const proxy = new Proxy(target, {
    get(t, prop) {
      const v = Reflect.get(t, prop, t) as unknown;
      if (typeof v === "function") {
        if (Object.hasOwn(t, prop)) return v; // an instance's own function (the SQL client): as it is
        return (...args: unknown[]) => {
          let out: unknown;
          try {
            out = (v as (...a: unknown[]) => unknown).apply(t, args);
          } catch (e) {
            throw asUnavailable(e);
          }
          return out instanceof Promise
            ? out.catch((e: unknown) => {
                throw asUnavailable(e);
              })
            : out;
        };
      }
      if (v && typeof v === "object" && prop === "requests") return mapConnectionErrors(v);
      return v;
    },
  });
  wrapped.set(target, proxy);
  return proxy;
}
