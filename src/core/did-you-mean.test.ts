import { expect, test } from "bun:test";
import { closestName, editDistance } from "./did-you-mean.ts";

test("editDistance counts insertions, deletions and substitutions", () => {
  expect(editDistance("", "")).toBe(0);
  expect(editDistance("abc", "")).toBe(3);
  expect(editDistance("kitten", "sitting")).toBe(3);
  expect(editDistance("replicas", "replicsa")).toBe(2);
});

test("closestName ignores case, keeps the first of equals and refuses names too far away", () => {
  expect(closestName("Nginx", ["ingress", "nginx"], 2)).toBe("nginx");
  expect(closestName("ab", ["ax", "ay"], 1)).toBe("ax");
  expect(closestName("replicas", ["image", "ingress"], 2)).toBeUndefined();
  expect(closestName("x", [], 3)).toBeUndefined();
});
