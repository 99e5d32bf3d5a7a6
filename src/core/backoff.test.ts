import { expect, test } from "bun:test";
import { Backoff } from "./backoff.ts";

test("waits double up to the cap, each between half and all of its ceiling", () => {
  const lo = new Backoff({ baseMs: 100, capMs: 1000, random: () => 0 });
  const hi = new Backoff({ baseMs: 100, capMs: 1000, random: () => 1 });
  expect(Array.from({ length: 6 }, () => lo.next())).toEqual([50, 100, 200, 400, 500, 500]);
  expect(Array.from({ length: 6 }, () => hi.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
});

test("reset starts again from the base", () => {
  const b = new Backoff({ baseMs: 100, random: () => 1 });
  b.next();
  b.next();
  b.reset();
  expect(b.next()).toBe(100);
});

test("the default cap is 30 s even after many attempts", () => {
  const b = new Backoff({ random: () => 1 });
  for (let i = 0; i < 100; i++) b.next();
  expect(b.next()).toBe(30_000);
});
