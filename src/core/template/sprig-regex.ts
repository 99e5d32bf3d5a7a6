/** Sprig's regex functions. The non-`must` forms panic on a bad pattern (Go's MustCompile). */
import { def } from "./args.ts";
import {
  compile,
  findAllString,
  findString,
  matchString,
  mustCompile,
  quoteMeta,
  replaceAllLiteralString,
  replaceAllString,
  split,
} from "./regex.ts";
import { FuncError, type GoFunc, tagged } from "./values.ts";

type Compiler = typeof compile;

/** Regex errors surface as the function's error, like a Go panic or error return. */
function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new FuncError((e as Error).message);
  }
}

const strings = (xs: string[] | null): string[] => tagged(xs ?? [], "[]string");

function family(c: Compiler): Record<string, GoFunc> {
  return {
    find: def(["string", "string"], (re: string, s: string) => guard(() => findString(c(re), s))),
    findAll: def(["string", "string", "int"], (re: string, s: string, n: bigint) =>
      guard(() => strings(findAllString(c(re), s, Number(n)))),
    ),
    replaceAll: def(["string", "string", "string"], (re: string, s: string, r: string) =>
      guard(() => replaceAllString(c(re), s, r)),
    ),
    replaceAllLiteral: def(["string", "string", "string"], (re: string, s: string, r: string) =>
      guard(() => replaceAllLiteralString(c(re), s, r)),
    ),
    split: def(["string", "string", "int"], (re: string, s: string, n: bigint) =>
      guard(() => strings(split(c(re), s, Number(n), re))),
    ),
  };
}

const lax = family(mustCompile);
const strict = family(compile);

export const regexFuncs: Record<string, GoFunc> = {
  // regexMatch ignores compile errors and answers false.
  regexMatch: def(["string", "string"], (re: string, s: string) => {
    try {
      return matchString(compile(re), s);
    } catch {
      return false;
    }
  }),
  mustRegexMatch: def(["string", "string"], (re: string, s: string) => guard(() => matchString(compile(re), s))),
  regexFind: lax.find!,
  mustRegexFind: strict.find!,
  regexFindAll: lax.findAll!,
  mustRegexFindAll: strict.findAll!,
  regexReplaceAll: lax.replaceAll!,
  mustRegexReplaceAll: strict.replaceAll!,
  regexReplaceAllLiteral: lax.replaceAllLiteral!,
  mustRegexReplaceAllLiteral: strict.replaceAllLiteral!,
  regexSplit: lax.split!,
  mustRegexSplit: strict.split!,
  regexQuoteMeta: def(["string"], quoteMeta),
};
