import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cipher, KEY_FILE, loadCipher, parseKey } from "./secrets.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "secrets-"));
  dirs.push(d);
  return d;
};

describe("Cipher (AES-256-GCM, v1 format)", () => {
  const c = new Cipher(randomBytes(32));

  test("round trips, with a fresh nonce each time and the plain text nowhere in the output", () => {
    const a = c.seal("ghp_secret", "environments.repo_token:prod");
    const b = c.seal("ghp_secret", "environments.repo_token:prod");
    expect(a).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("secret");
    expect(c.open(a, "environments.repo_token:prod")).toBe("ghp_secret");
    expect(c.open(c.seal("", "x"), "x")).toBe("");
  });

  test("refuses another key, another place, an altered byte and a malformed value", () => {
    const s = c.seal("tok", "environments.repo_token:prod");
    expect(new Cipher(randomBytes(32)).tryOpen(s, "environments.repo_token:prod")).toBeUndefined();
    expect(c.tryOpen(s, "environments.repo_token:staging")).toBeUndefined();
    const body = Buffer.from(s.split(":")[2]!, "base64url");
    body[0]! ^= 1;
    expect(
      c.tryOpen(`${s.split(":").slice(0, 2).join(":")}:${body.toString("base64url")}`, "environments.repo_token:prod"),
    ).toBeUndefined();
    for (const bad of ["tok", "v1:", "v1:abc", "v1::", `v2:${s.slice(3)}`]) expect(c.tryOpen(bad, "x")).toBeUndefined();
    expect(() => c.open("v1:abc:def", "environments.repo_token:prod")).toThrow(
      /environments\.repo_token:prod cannot be decrypted/,
    );
  });
});

describe("parseKey", () => {
  test("takes 32 bytes of base64 or base64url", () => {
    const k = randomBytes(32);
    expect(Buffer.from(parseKey(k.toString("base64"), "K"))).toEqual(k);
    expect(Buffer.from(parseKey(` ${k.toString("base64url")}\n`, "K"))).toEqual(k);
  });
  test("names the source and the length when it is not a 32-byte key", () => {
    expect(() => parseKey(randomBytes(16).toString("base64"), "GIMLET_ENCRYPTION_KEY")).toThrow(
      /GIMLET_ENCRYPTION_KEY must hold 32 bytes in base64, got 16 bytes/,
    );
    expect(() => parseKey("not base64!", "GIMLET_ENCRYPTION_KEY")).toThrow(/got no valid base64/);
  });
});

describe("loadCipher", () => {
  test("creates the key file 0600 once and reads the same key after", () => {
    const d = tmp();
    const a = loadCipher(d, { mayCreate: true, env: {} });
    expect(statSync(join(d, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(parseKey(readFileSync(join(d, KEY_FILE), "utf8"), "f")).toHaveLength(32);
    const b = loadCipher(d, { mayCreate: false, env: {} });
    expect(b.open(a.seal("x", "c"), "c")).toBe("x");
  });

  test("a missing key for sealed credentials is an error naming the file and the env var", () => {
    const d = tmp();
    expect(() => loadCipher(d, { mayCreate: false, env: {} })).toThrow(
      /key is missing: .*encryption\.key does not exist/,
    );
    try {
      loadCipher(d, { mayCreate: false, env: {} });
    } catch (e) {
      expect((e as { hint?: string }).hint).toContain("GIMLET_ENCRYPTION_KEY");
    }
  });

  test("GIMLET_ENCRYPTION_KEY wins over the key file and creates none", () => {
    const d = tmp();
    const k = randomBytes(32);
    const c = loadCipher(d, { mayCreate: true, env: { GIMLET_ENCRYPTION_KEY: k.toString("base64") } });
    expect(c.source).toBe("GIMLET_ENCRYPTION_KEY");
    expect(new Cipher(k).open(c.seal("x", "c"), "c")).toBe("x");
    expect(() => statSync(join(d, KEY_FILE))).toThrow();
  });
});
