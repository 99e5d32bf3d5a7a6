/** Sprig's list functions, with the `must` variants (which fail the same way here). */
import { ANY, def } from "./args.ts";
import { chargeSteps, checkSize } from "./limits.ts";
import { toInt } from "./sprig-math.ts";
import { strslice, strval } from "./sprig-strings.ts";
import { compareStrings, deepEqual, FuncError, type GoFunc, isEmpty, reflectKind, tagged, typeName } from "./values.ts";

const nilDeref = "runtime error: invalid memory address or nil pointer dereference";

/** The elements of a slice argument, or the error sprig reports for other kinds. */
function elems(list: unknown, message: (kind: string) => string): unknown[] {
  if (list === null || list === undefined) throw new FuncError(nilDeref);
  if (!Array.isArray(list)) throw new FuncError(message(reflectKind(list)));
  return list;
}

const cannot = (verb: string) => (kind: string) => `Cannot ${verb} on type ${kind}`;

function sliceList(list: unknown, ...indices: unknown[]): unknown {
  const xs = elems(list, (k) => `list should be type of slice or array but ${k}`);
  if (xs.length === 0) return null;
  const start = indices.length > 0 ? Number(toInt(indices[0])) : 0;
  const end = indices.length >= 2 ? Number(toInt(indices[1])) : xs.length;
  if (start < 0 || end < start || end > xs.length)
    throw new FuncError("reflect.Value.Slice: slice index out of bounds");
  const out = xs.slice(start, end);
  const t = typeName(xs);
  return t === "[]interface {}" ? out : tagged(out, t);
}

function chunk(size: bigint, list: unknown): unknown[][] {
  const xs = elems(list, (k) => `Cannot chunk type ${k}`);
  const n = Number(size);
  if (n <= 0) throw new FuncError("runtime error: makeslice: len out of range");
  const out: unknown[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return tagged(out, "[][]interface {}");
}

function concat(...lists: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const l of lists) {
    if (!Array.isArray(l)) throw new FuncError(`Cannot concat type ${reflectKind(l)} as list`);
    checkSize(out.length + l.length, "concat");
    out.push(...l);
  }
  return out;
}

/** Sprig's untilStep: counts from start towards stop (exclusive) by step; empty when it never would. */
export function untilStep(start: number, stop: number, step: number): bigint[] {
  const v: bigint[] = [];
  if (step !== 0 && (stop - start) / step > 0) checkSize(Math.ceil((stop - start) / step), "list of numbers");
  if (stop < start) {
    if (step >= 0) return v;
    for (let i = start; i > stop; i += step) v.push(BigInt(i));
    return v;
  }
  if (step <= 0) return v;
  for (let i = start; i < stop; i += step) v.push(BigInt(i));
  return v;
}

const intList = (xs: bigint[]): bigint[] => tagged(xs, "[]int");

function seq(...params: bigint[]): string {
  const p = params.map(Number);
  let list: bigint[];
  switch (p.length) {
    case 1: {
      const [start, end] = [1, p[0]!];
      const inc = end < start ? -1 : 1;
      list = untilStep(start, end + inc, inc);
      break;
    }
    case 2: {
      const [start, end] = [p[0]!, p[1]!];
      const step = end < start ? -1 : 1;
      list = untilStep(start, end + step, step);
      break;
    }
    case 3: {
      const [start, step, end] = [p[0]!, p[1]!, p[2]!];
      let inc = 1;
      if (end < start) {
        inc = -1;
        if (step > 0) return "";
      }
      list = untilStep(start, end + inc, step);
      break;
    }
    default:
      return "";
  }
  return list.join(" ");
}

const sortAlpha = (list: unknown): string[] =>
  tagged(Array.isArray(list) ? strslice(list).sort(compareStrings) : [strval(list)], "[]string");

const one = (f: (list: unknown) => unknown): GoFunc => def([ANY], f);

const firstOf = (l: unknown) => {
  const xs = elems(l, cannot("find first"));
  return xs.length ? xs[0] : null;
};
const lastOf = (l: unknown) => {
  const xs = elems(l, cannot("find last"));
  return xs.length ? xs[xs.length - 1] : null;
};
const restOf = (l: unknown) => {
  const xs = elems(l, cannot("find rest"));
  return xs.length ? xs.slice(1) : null;
};
const initialOf = (l: unknown) => {
  const xs = elems(l, cannot("find initial"));
  return xs.length ? xs.slice(0, -1) : null;
};
const push = (l: unknown, v: unknown) => [...elems(l, cannot("push")), v];
const prepend = (l: unknown, v: unknown) => [v, ...elems(l, cannot("prepend"))];
const reverse = (l: unknown) => [...elems(l, cannot("find reverse"))].reverse();
const compact = (l: unknown) => elems(l, cannot("compact")).filter((x) => !isEmpty(x));
// Quadratic in the list: charged to the step budget before the work starts.
const uniq = (l: unknown) => {
  const out: unknown[] = [];
  const xs = elems(l, cannot("find uniq"));
  chargeSteps((xs.length * xs.length) / 2, "uniq");
  for (const x of xs) if (!out.some((y) => deepEqual(x, y))) out.push(x);
  return out;
};
const without = (l: unknown, ...omit: unknown[]) => {
  const xs = elems(l, cannot("find without"));
  chargeSteps(xs.length * omit.length, "without");
  return xs.filter((x) => !omit.some((y) => deepEqual(x, y)));
};
const has = (needle: unknown, haystack: unknown) => {
  if (haystack === null) return false;
  const xs = elems(haystack, cannot("find has"));
  chargeSteps(xs.length, "has");
  return xs.some((x) => deepEqual(needle, x));
};

export const listFuncs: Record<string, GoFunc> = {
  list: def([], (...xs: unknown[]) => xs, ANY),
  tuple: def([], (...xs: unknown[]) => xs, ANY),
  append: def([ANY, ANY], push),
  push: def([ANY, ANY], push),
  mustAppend: def([ANY, ANY], push),
  mustPush: def([ANY, ANY], push),
  prepend: def([ANY, ANY], prepend),
  mustPrepend: def([ANY, ANY], prepend),
  first: one(firstOf),
  mustFirst: one(firstOf),
  last: one(lastOf),
  mustLast: one(lastOf),
  rest: one(restOf),
  mustRest: one(restOf),
  initial: one(initialOf),
  mustInitial: one(initialOf),
  reverse: one(reverse),
  mustReverse: one(reverse),
  compact: one(compact),
  mustCompact: one(compact),
  uniq: one(uniq),
  mustUniq: one(uniq),
  without: def([ANY], without, ANY),
  mustWithout: def([ANY], without, ANY),
  has: def([ANY, ANY], has),
  mustHas: def([ANY, ANY], has),
  slice: def([ANY], sliceList, ANY),
  mustSlice: def([ANY], sliceList, ANY),
  concat: def([], concat, ANY),
  chunk: def(["int", ANY], chunk),
  mustChunk: def(["int", ANY], chunk),
  sortAlpha: one(sortAlpha),
  until: def(["int"], (n: bigint) => intList(untilStep(0, Number(n), n < 0n ? -1 : 1))),
  untilStep: def(["int", "int", "int"], (a: bigint, b: bigint, c: bigint) =>
    intList(untilStep(Number(a), Number(b), Number(c))),
  ),
  seq: def([], seq, "int"),
};
