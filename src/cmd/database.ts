/**
 * `--database`: where the store lives when it is not the data dir's SQLite. One definition, so
 * `gimlet serve` and the commands that work on its data dir directly (local.ts) read it alike.
 */
import { UserError } from "../core/errors.ts";

export const databaseFlag = {
  database: {
    type: "string",
    description:
      "PostgreSQL URL instead of the data dir's SQLite: several replicas then serve one data dir (env GIMLET_DATABASE_URL)",
    valueHint: "postgres://USER:PASSWORD@HOST:PORT/DB",
  },
} as const;

/** The flag, else GIMLET_DATABASE_URL: a checked postgres:// URL, or undefined for the data dir's SQLite. */
export function databaseFrom(args: { database?: string }): string | undefined {
  return databaseUrl(args.database ?? process.env.GIMLET_DATABASE_URL);
}

/** A postgres:// URL, checked before anything starts; "" and unset mean the data dir's SQLite. */
export function databaseUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let u: URL | undefined;
  try {
    u = new URL(value);
  } catch {
    // reported below
  }
  if (!u || (u.protocol !== "postgres:" && u.protocol !== "postgresql:") || !u.hostname) {
    throw new UserError("the database must be a PostgreSQL URL", {
      path: "--database",
      hint: "postgres://USER:PASSWORD@HOST:PORT/DB; leave it unset for the data dir's SQLite",
    });
  }
  return value;
}
