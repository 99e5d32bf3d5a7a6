import { describe, expect, test } from "bun:test";
import { pack, Unpacker } from "./agent-bridge-wire.ts";

const noise = (n: number) => Array.from({ length: n }, () => crypto.randomUUID()).join("");

describe("agent bridge payloads", () => {
  test("small messages are plain JSON, compressible ones gzip, and each payload stays under the cap", () => {
    expect(pack({ o: "a", k: "hb" }, 7900, 4)).toEqual(['{"o":"a","k":"hb"}']);
    const z = pack({ o: "a", k: "d", text: "x".repeat(20_000) } as never, 7900, 4)!;
    expect(z).toHaveLength(1);
    expect(z[0]!.startsWith("z:")).toBe(true);
    const parts = pack({ o: "a", k: "d", text: noise(100) } as never, 1000, 64)!;
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(1000);
  });

  test("parts come back as the message, in any order, once the last one arrives", () => {
    const msg = { o: "a", k: "res", text: noise(100) };
    const parts = pack(msg as never, 1000, 64)!.reverse();
    const u = new Unpacker();
    for (const p of parts.slice(0, -1)) expect(u.push(p)).toBeUndefined();
    expect(u.waiting).toBe(1);
    expect(u.push(parts.at(-1)!)).toEqual(msg);
    expect(u.waiting).toBe(0);
  });

  test("a message needing more parts than allowed is refused, not cut", () => {
    expect(pack({ o: "a", k: "d", text: noise(100) } as never, 1000, 2)).toBeUndefined();
  });

  test("a message whose parts stop coming is forgotten after the timeout", () => {
    let now = 0;
    const u = new Unpacker(() => now, 1000);
    const [first] = pack({ o: "a", k: "d", text: noise(100) } as never, 1000, 64)!;
    u.push(first!);
    now = 5000;
    u.push(pack({ o: "b", k: "d", text: noise(100) } as never, 1000, 64)![0]!);
    expect(u.waiting).toBe(1);
  });

  test("unreadable payloads and bad parts are errors", () => {
    const u = new Unpacker();
    expect(() => u.push("not json")).toThrow();
    expect(() => u.push('{"k":"hb"}')).toThrow("not an agent bridge message");
    expect(() => u.push('{"o":"a","k":"part","id":"x","i":3,"of":2,"d":""}')).toThrow("bad message part 3/2");
  });
});
