import { describe, expect, test } from "bun:test";
import { encodeSse, encodeSseComment, SseParser } from "./sse.ts";

describe("SSE codec", () => {
  test("encodes id, event and one data line per line of data", () => {
    expect(encodeSse({ id: "e.1", event: "release.processed", data: "a\nb" })).toBe(
      "id: e.1\nevent: release.processed\ndata: a\ndata: b\n\n",
    );
    expect(encodeSseComment("ping")).toBe(": ping\n\n");
    expect(() => encodeSse({ id: "1\n2", data: "" })).toThrow("an SSE id cannot contain a line break");
  });

  test("parses what it encodes, however the bytes are split into chunks", () => {
    const msgs = [
      { id: "x.1", event: "env.created", data: '{"env":"staging"}' },
      { event: "resync", data: "line one\nline two" },
      { id: "x.2", data: "" },
    ];
    const text = `retry: 2000\n${encodeSseComment("subscribed")}` + msgs.map(encodeSse).join("");
    for (const size of [1, 2, 3, 7, text.length]) {
      const p = new SseParser();
      const got = [];
      for (let i = 0; i < text.length; i += size) got.push(...p.push(text.slice(i, i + size)));
      expect(got).toEqual(msgs);
      expect(p.lastEventId).toBe("x.2");
      expect(p.retry).toBe(2000);
    }
  });

  test("accepts CRLF and CR line ends, a field without a space, and ignores unknown fields", () => {
    const p = new SseParser();
    expect(p.push("id:7\r\nevent:a\r\nfoo: bar\r\ndata:x\r\n\r")).toEqual([]);
    expect(p.push("\ndata: y\r\rnext")).toEqual([{ id: "7", event: "a", data: "x" }, { data: "y" }]);
  });

  test("comments alone dispatch nothing", () => {
    expect(new SseParser().push(": ping\n\n: ping\n\n")).toEqual([]);
  });
});
