import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { UserError } from "../core/errors.ts";
import { parseStackDefinition } from "../core/stack/index.ts";
import { applySets } from "./configure-set.ts";

const defFile = join(import.meta.dir, "../../tests/integration/browser/fixtures/stack/stack-definition.yaml");
const def = parseStackDefinition(readFileSync(defFile, "utf8"), defFile);

function error(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as UserError).describe();
  }
  throw new Error("no error");
}

test("values are typed by the schema; a key of a dependency branch may come before its switch", () => {
  const out = applySets(def, { loki: { enabled: false } }, [
    "nginx.host=x.com",
    "nginx.enabled=true",
    "loki.volumeSize=20",
    "loki.retention=7d",
  ]);
  expect(Object.fromEntries(out)).toEqual({
    nginx: { host: "x.com", enabled: true },
    loki: { enabled: false, volumeSize: 20, retention: "7d" },
  });
});

test("unknown components and keys get a did-you-mean; bad values and missing required keys are errors", () => {
  expect(error(() => applySets(def, {}, ["ngnix.enabled=true"]))).toBe(
    "--set ngnix.enabled=true: unknown component ngnix (did you mean nginx?)",
  );
  expect(error(() => applySets(def, {}, ["nginx.hots=a"]))).toBe(
    "--set nginx.hots=a: unknown key nginx.hots (did you mean host?)",
  );
  expect(error(() => applySets(def, {}, ["nginx.enabled=yes"]))).toStartWith(
    'nginx.enabled expects true or false, got "yes"',
  );
  expect(error(() => applySets(def, {}, ["loki.volumeSize=big"]))).toStartWith(
    'loki.volumeSize expects a number, got "big"',
  );
  expect(error(() => applySets(def, {}, ["loki.retention=1y"]))).toStartWith(
    'loki.retention expects one of "7d", "30d", "90d"',
  );
  expect(error(() => applySets(def, {}, ["nginx.enabled=true"]))).toBe("config.nginx.host: is required");
  expect(error(() => applySets(def, {}, ["loki.volumeSize=0"]))).toBe("config.loki.volumeSize: must be >= 1");
  expect(error(() => applySets(def, {}, ["nginx"]))).toStartWith('--set "nginx" is not component.key=value');
});
