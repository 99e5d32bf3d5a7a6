/** `gimlet serve manifests`: prints the objects that run the release manager in a cluster. */
import { defaultImage } from "../core/deploy/image.ts";
import { serveManifests } from "../core/deploy/serve-manifests.ts";
import { UserError } from "../core/errors.ts";
import { toMultiDocYaml } from "../core/yaml.ts";
import { buildInfo } from "./build-info.ts";
import { stderr, stdout } from "./io.ts";

export interface ServeManifestArgs {
  host?: string;
  image?: string;
  namespace?: string;
  "storage-class"?: string;
  size?: string;
  secret: boolean;
  "database-secret"?: string;
  replicas?: string;
  "access-mode"?: string;
  database?: string;
}

/** The default key of `--database-secret NAME`: the variable it ends up in. */
export const databaseSecretKey = "GIMLET_DATABASE_URL";

/** `NAME[:KEY]`; the name and key are checked with the other options. */
export function databaseSecretArg(value: string | undefined): { name: string; key: string } | undefined {
  if (value === undefined) return undefined;
  const i = value.indexOf(":");
  return i < 0 ? { name: value, key: databaseSecretKey } : { name: value.slice(0, i), key: value.slice(i + 1) };
}

function replicasArg(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,3}$/.test(value)) {
    throw new UserError(`${JSON.stringify(value)} is not a replica count`, {
      path: "--replicas",
      hint: "a whole number from 1 to 100",
    });
  }
  return Number(value);
}

function accessModeArg(value: string | undefined): "ReadWriteMany" | "ReadWriteOnce" | undefined {
  if (value === undefined || value === "ReadWriteMany" || value === "ReadWriteOnce") return value;
  const hint = "ReadWriteMany (several replicas) or ReadWriteOnce (one replica)";
  throw new UserError(`${JSON.stringify(value)} is not an access mode`, { path: "--access-mode", hint });
}

export async function printServeManifests(args: ServeManifestArgs): Promise<void> {
  if (args.database !== undefined) {
    // The URL carries the password: printed manifests end up in git and in CI logs.
    throw new UserError("the manifests never carry the database URL", {
      path: "--database",
      hint:
        "put it in a Secret (kubectl -n gimlet create secret generic gimlet-db --from-literal=" +
        "GIMLET_DATABASE_URL=postgres://…) and pass --database-secret gimlet-db",
    });
  }
  // A fresh key each run: applied over an existing one it would make stored credentials unreadable.
  const random = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32)));
  const key = args.secret ? random().toString("base64") : undefined;
  // The first admin token, read back with kubectl instead of from the pod's log.
  const adminToken = args.secret ? `glt_${random().toString("base64url")}` : undefined;
  const objects = serveManifests({
    image: args.image ?? defaultImage(buildInfo.version),
    host: args.host,
    namespace: args.namespace,
    storageClass: args["storage-class"],
    size: args.size,
    encryptionKey: key,
    adminToken,
    databaseSecret: databaseSecretArg(args["database-secret"]),
    replicas: replicasArg(args.replicas),
    accessMode: accessModeArg(args["access-mode"]),
  });
  await stdout(toMultiDocYaml(objects));
  if (key) {
    await stderr(
      "note: the Secret holds a new encryption key and the first admin token; apply it once. To upgrade, " +
        "print with --no-secret so the key in the cluster stays. The admin token:\n" +
        `  kubectl -n ${args.namespace ?? "gimlet"} get secret gimlet -o jsonpath='{.data.GIMLET_ADMIN_TOKEN}' | base64 -d\n`,
    );
  }
  const db = databaseSecretArg(args["database-secret"]);
  if (db) {
    await stderr(
      `note: the pods read GIMLET_DATABASE_URL from the Secret ${db.name} (key ${db.key}); create it before ` +
        "applying, in the same namespace. Every replica mounts the one PVC gimlet-data as its data dir.\n",
    );
  }
}
