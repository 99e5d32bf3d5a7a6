/**
 * Environment credentials sealed with the store's cipher, the same way in both stores: the cipher
 * binds each value to its column and environment, so a sealed token copied to another row won't open.
 */
import type { Row } from "./rows.ts";
import { Cipher } from "./secrets.ts";
import type { Environment } from "./types.ts";

/** A known value sealed with the key, so a wrong key is caught at open. */
export const KEY_CHECK = "secrets.key_check";
export const KEY_CHECK_VALUE = "gimlet-encryption-key-check-v1";

export function sealCredential(cipher: Cipher | undefined, value: string, context: string): string {
  if (!value) return "";
  if (!cipher) throw new Error(`refusing to store ${context} without an encryption key (open the store with a cipher)`);
  return cipher.seal(value, context);
}

export function openCredential(cipher: Cipher | undefined, value: string, context: string): string {
  if (!value) return "";
  if (!cipher) throw new Error(`${context} is encrypted and this store was opened without the key`);
  return cipher.open(value, context);
}

/** An environment as read (see toEnv) with its credentials opened. */
export function openEnv(cipher: Cipher | undefined, e: Environment): Environment {
  return {
    ...e,
    repoToken: openCredential(cipher, e.repoToken, `environments.repo_token:${e.name}`),
    fluxReceiverToken: openCredential(cipher, e.fluxReceiverToken ?? "", `environments.flux_receiver_token:${e.name}`),
  };
}

/**
 * An environments row's credential columns with every plain value sealed (sealed ones kept as they
 * are), for the first unlock of a store written before it had a key; `sealed` counts the values sealed now.
 */
export function sealPlainEnvRow(
  cipher: Cipher,
  r: Row,
): { repoToken: string; fluxReceiverToken: string; sealed: number } {
  const name = r.name as string;
  let sealed = 0;
  const seal = (col: string) => {
    const v = r[col] as string;
    if (!v || Cipher.isSealed(v)) return v;
    sealed++;
    return cipher.seal(v, `environments.${col}:${name}`);
  };
  const repoToken = seal("repo_token");
  const fluxReceiverToken = seal("flux_receiver_token");
  return { repoToken, fluxReceiverToken, sealed };
}
