/**
 * Credentials at rest: AES-256-GCM (node:crypto) with a key kept outside the database — the key file
 * `encryption.key` in the data dir (0600, made on first use) or GIMLET_ENCRYPTION_KEY. Whoever has
 * only gimlet.db (a backup, a copied volume) gets ciphertext.
 *
 * Format `v1:<nonce>:<ciphertext+tag>` (base64url; 12-byte random nonce, 16-byte tag). The version
 * prefix lets a later format or key rotation coexist with what is stored. Each value is bound to where
 * it lives (e.g. `environments.repo_token:prod`) as associated data, so a ciphertext copied into
 * another row or column does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";

export const KEY_FILE = "encryption.key";
export const KEY_ENV = "GIMLET_ENCRYPTION_KEY";
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = "v1:";

const generateHint = "generate one with: head -c 32 /dev/urandom | base64";

export class Cipher {
  private readonly key: Buffer;
  /** Where the key came from, for error messages ("the key file /data/encryption.key", "GIMLET_ENCRYPTION_KEY"). */
  readonly source: string;

  constructor(key: Uint8Array, source = "the encryption key") {
    if (key.length !== KEY_BYTES) throw new Error(`an AES-256 key is ${KEY_BYTES} bytes, got ${key.length}`);
    this.key = Buffer.from(key);
    this.source = source;
  }

  static isSealed(v: string): boolean {
    return v.startsWith(PREFIX);
  }

  seal(plain: string, context: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const c = createCipheriv("aes-256-gcm", this.key, nonce);
    c.setAAD(Buffer.from(context));
    const body = Buffer.concat([c.update(plain, "utf8"), c.final(), c.getAuthTag()]);
    return `${PREFIX}${nonce.toString("base64url")}:${body.toString("base64url")}`;
  }

  /** The plain value, or undefined when it is not ours: another key, another place, or altered. */
  tryOpen(sealed: string, context: string): string | undefined {
    if (!sealed.startsWith(PREFIX)) return undefined;
    const [n, b] = sealed.slice(PREFIX.length).split(":");
    const nonce = Buffer.from(n ?? "", "base64url");
    const body = Buffer.from(b ?? "", "base64url");
    if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) return undefined;
    try {
      const d = createDecipheriv("aes-256-gcm", this.key, nonce);
      d.setAAD(Buffer.from(context));
      d.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([d.update(body.subarray(0, body.length - TAG_BYTES)), d.final()]).toString("utf8");
    } catch {
      return undefined;
    }
  }

  open(sealed: string, context: string): string {
    const v = this.tryOpen(sealed, context);
    if (v === undefined) {
      throw new UserError(`the stored credential ${context} cannot be decrypted with ${this.source}`, {
        hint: "it was altered or written with another key; set it again (e.g. recreate the env)",
      });
    }
    return v;
  }
}

/** Parses a base64 (or base64url) key of exactly 32 bytes; `source` names where it came from. */
export function parseKey(text: string, source: string): Uint8Array {
  const t = text.trim();
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(t) ? Buffer.from(t, "base64") : Buffer.alloc(0);
  if (bytes.length !== KEY_BYTES) {
    throw new UserError(
      `${source} must hold ${KEY_BYTES} bytes in base64, got ${bytes.length ? `${bytes.length} bytes` : "no valid base64"}`,
      {
        hint: generateHint,
      },
    );
  }
  return new Uint8Array(bytes);
}

/**
 * The key for a data dir: GIMLET_ENCRYPTION_KEY when set, else the key file. The key file is created
 * only when nothing was encrypted yet (`mayCreate`): a missing key for sealed credentials is an error,
 * never a new key that would silently fail to open them.
 */
export function loadCipher(
  dataDir: string,
  opts: { mayCreate: boolean; env?: Record<string, string | undefined> },
): Cipher {
  const fromEnv = (opts.env ?? process.env)[KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return new Cipher(parseKey(fromEnv, KEY_ENV), KEY_ENV);
  const file = join(dataDir, KEY_FILE);
  if (!existsSync(file)) {
    if (!opts.mayCreate) {
      throw new UserError(
        `the credentials in ${join(dataDir, "gimlet.db")} are encrypted, but the key is missing: ${file} does not exist`,
        {
          hint: `restore ${file} from a backup, or set ${KEY_ENV} to the key they were encrypted with`,
        },
      );
    }
    createKeyFile(file);
  }
  return new Cipher(parseKey(readFileSync(file, "utf8"), `the key file ${file}`), `the key file ${file}`);
}

function createKeyFile(file: string): void {
  // Written aside, then linked into place: link fails if the name exists, so two processes starting
  // at once agree on one key, and nobody ever reads a half-written file.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, randomBytes(KEY_BYTES).toString("base64") + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}
