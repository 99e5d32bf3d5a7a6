/** Ed25519 deploy keys for ssh gitops repos, in OpenSSH format (read by ssh, git and Flux alike). */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { concatBytes } from "../core/bytes.ts";

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

function sshString(b: Uint8Array | string): Uint8Array {
  const bytes = typeof b === "string" ? new TextEncoder().encode(b) : b;
  return concatBytes([u32(bytes.length), bytes]);
}

export function generateDeployKey(comment = "gimlet"): { privateKeyPem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const pub = new Uint8Array(publicKey.export({ format: "der", type: "spki" }).subarray(-32));
  const seed = new Uint8Array(privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32));
  const pubBlob = concatBytes([sshString("ssh-ed25519"), sshString(pub)]);
  const check = new Uint8Array(randomBytes(4));
  let secret = concatBytes([
    check,
    check,
    sshString("ssh-ed25519"),
    sshString(pub),
    sshString(concatBytes([seed, pub])),
    sshString(comment),
  ]);
  const pad = (8 - (secret.length % 8)) % 8;
  secret = concatBytes([secret, Uint8Array.from({ length: pad }, (_, i) => i + 1)]);
  const body = concatBytes([
    new TextEncoder().encode("openssh-key-v1\0"),
    sshString("none"),
    sshString("none"),
    sshString(""),
    u32(1),
    sshString(pubBlob),
    sshString(secret),
  ]);
  const b64 = Buffer.from(body)
    .toString("base64")
    .replace(/(.{70})/g, "$1\n")
    .trimEnd();
  return {
    privateKeyPem: `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `ssh-ed25519 ${Buffer.from(pubBlob).toString("base64")} ${comment}`,
  };
}
