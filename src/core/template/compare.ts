/** Go's eq, ne, lt, le, gt, ge builtins: basic kinds only, no implicit int/float mixing. */
import { sprintf } from "./printf.ts";
import { compareStrings, FuncError, GoObject, intValue, kindOf, typeName } from "./values.ts";

type BasicKind = "invalid" | "bool" | "int" | "uint" | "float" | "string";

function basicKind(v: unknown): BasicKind {
  const k = kindOf(v);
  return k === "bool" || k === "int" || k === "uint" || k === "float" || k === "string" ? k : "invalid";
}

/** A nil interface{} argument is no value to the comparison builtins. */
const unwrap = (v: unknown): unknown => (v === null ? undefined : v);

const isNil = (v: unknown): boolean => v === undefined || v === null;

function mixedIntEqual(k1: BasicKind, a: unknown, b: unknown): boolean {
  const x = intValue(a)!;
  const y = intValue(b)!;
  return k1 === "int" ? x >= 0n && x === y : y >= 0n && x === y;
}

export function eq(arg1: unknown, ...rest: unknown[]): boolean {
  arg1 = unwrap(arg1);
  if (rest.length === 0) throw new FuncError("missing argument for comparison");
  const k1 = basicKind(arg1);
  for (let arg of rest) {
    arg = unwrap(arg);
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if ((k1 === "int" && k2 === "uint") || (k1 === "uint" && k2 === "int")) truth = mixedIntEqual(k1, arg1, arg);
      else if (arg1 !== undefined && arg !== undefined) {
        throw new FuncError(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg)}`);
      }
    } else if (k1 === "int" || k1 === "uint") truth = intValue(arg1) === intValue(arg);
    else if (k1 !== "invalid") truth = arg1 === arg;
    else {
      const c1 = kindOf(arg1);
      const c2 = kindOf(arg);
      if (c1 !== c2 && c1 !== "invalid" && c2 !== "invalid") {
        throw new FuncError(
          `non-comparable types ${sprintf("%s", [arg1])}: ${typeName(arg1)}, ${typeName(arg)}: ${sprintf("%s", [arg])}`,
        );
      }
      if (isNil(arg1) || isNil(arg)) truth = isNil(arg1) === isNil(arg);
      else if (arg instanceof GoObject) truth = arg1 === arg;
      else throw new FuncError(`non-comparable type ${sprintf("%s", [arg])}: ${typeName(arg)}`);
    }
    if (truth) return true;
  }
  return false;
}

export function ne(a: unknown, b: unknown): boolean {
  return !eq(a, b);
}

export function lt(arg1: unknown, arg2: unknown): boolean {
  arg1 = unwrap(arg1);
  arg2 = unwrap(arg2);
  const k1 = basicKind(arg1);
  const k2 = basicKind(arg2);
  if (k1 === "invalid" || k2 === "invalid") throw new FuncError("invalid type for comparison");
  if (k1 !== k2) {
    const x = intValue(arg1);
    const y = intValue(arg2);
    if (k1 === "int" && k2 === "uint") return x! < 0n || x! < y!;
    if (k1 === "uint" && k2 === "int") return y! >= 0n && x! < y!;
    throw new FuncError(`incompatible types for comparison: ${typeName(arg1)} and ${typeName(arg2)}`);
  }
  switch (k1) {
    case "bool":
      throw new FuncError("invalid type for comparison");
    case "int":
    case "uint":
      return intValue(arg1)! < intValue(arg2)!;
    case "string":
      return compareStrings(arg1 as string, arg2 as string) < 0;
    default:
      return (arg1 as number) < (arg2 as number);
  }
}

export function le(a: unknown, b: unknown): boolean {
  return lt(a, b) || eq(a, b);
}

export function gt(a: unknown, b: unknown): boolean {
  return !le(a, b);
}

export function ge(a: unknown, b: unknown): boolean {
  return !lt(a, b);
}
