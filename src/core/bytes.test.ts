import { describe, expect, test } from "bun:test";
import { concatBytes, hexToBytes } from "./bytes.ts";

describe("bytes", () => {
  test("concatBytes joins in order, empty parts included", () => {
    expect(concatBytes([Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3)])).toEqual(Uint8Array.of(1, 2, 3));
    expect(concatBytes([])).toEqual(new Uint8Array(0));
  });

  test("hexToBytes reads an object id as git stores it in pack indexes", () => {
    const oid = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
    const bytes = hexToBytes(oid);
    expect(bytes.length).toBe(20);
    expect(Buffer.from(bytes).toString("hex")).toBe(oid);
    expect(hexToBytes("00ff7F")).toEqual(Uint8Array.of(0, 255, 127));
  });
});
