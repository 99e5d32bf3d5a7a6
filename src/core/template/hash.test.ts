import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { sha1Hex, sha256Hex } from "./hash.ts";

test("sha256 and sha1 match node:crypto across block boundaries", () => {
  for (let n = 0; n < 300; n++) {
    const data = new Uint8Array(n).map((_, i) => (i * 131 + n * 7) & 255);
    expect(sha256Hex(data)).toBe(createHash("sha256").update(data).digest("hex"));
    expect(sha1Hex(data)).toBe(createHash("sha1").update(data).digest("hex"));
  }
});
