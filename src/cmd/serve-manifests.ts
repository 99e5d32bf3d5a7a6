/** `gimlet serve manifests`: prints the objects that run the release manager in a cluster. */
import { defaultImage } from "../core/deploy/image.ts";
import { serveManifests } from "../core/deploy/serve-manifests.ts";
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
}

export async function printServeManifests(args: ServeManifestArgs): Promise<void> {
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
  });
  await stdout(toMultiDocYaml(objects));
  if (key) {
    await stderr(
      "note: the Secret holds a new encryption key and the first admin token; apply it once. To upgrade, " +
        "print with --no-secret so the key in the cluster stays. The admin token:\n" +
        `  kubectl -n ${args.namespace ?? "gimlet"} get secret gimlet -o jsonpath='{.data.GIMLET_ADMIN_TOKEN}' | base64 -d\n`,
    );
  }
}
