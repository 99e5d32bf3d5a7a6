/** Sign-in limits and the way back after sign-in: pure parts of the dashboard's browser security. */
import { expect, test } from "bun:test";
import { LoginLimiter, safeNext } from "./web-auth.ts";

test("ten failures within the window block the key until the oldest ages out; success clears it", () => {
  let now = 1_000_000;
  const l = new LoginLimiter(10, 60_000, () => now);
  for (let i = 0; i < 9; i++) l.fail(["ip:a", "login:ann"]);
  expect(l.retryAfter(["ip:a", "login:ann"])).toBe(0);
  l.fail(["ip:a", "login:ann"]);
  expect(l.retryAfter(["login:ann"])).toBe(60);
  expect(l.retryAfter(["ip:b", "login:bob"])).toBe(0);
  now += 30_000;
  expect(l.retryAfter(["ip:a"])).toBe(30);
  now += 30_001;
  expect(l.retryAfter(["ip:a", "login:ann"])).toBe(0);
  for (let i = 0; i < 10; i++) l.fail(["login:ann"]);
  l.succeed(["login:ann"]);
  expect(l.retryAfter(["login:ann"])).toBe(0);
});

test("next is a path of this site only", () => {
  expect(safeNext("/envs/staging?q=web")).toBe("/envs/staging?q=web");
  const bads = [
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "javascript:alert(1)",
    "envs",
    "/a b",
    42,
    undefined,
  ];
  for (const bad of bads) {
    expect(safeNext(bad)).toBe("/");
  }
});
