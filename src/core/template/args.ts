/**
 * How Go's text/template fits a value to a function parameter (validateType) and a literal to
 * a typed parameter (evalArg's per-kind cases), so mismatches fail with Go's messages.
 */
import type { NumberNode } from "./ast.ts";
import { GoInt, type GoFunc, type GoType, typeName } from "./values.ts";

export const ANY = "interface {}";
/** Builtins (eq, index, len…) receive values unconverted, including "no value". */
export const VALUE = "reflect.Value";

export function canBeNil(typ: GoType): boolean {
  return (
    typ === ANY ||
    typ === VALUE ||
    typ.startsWith("map[") ||
    typ.startsWith("[]") ||
    typ.startsWith("*") ||
    typ.startsWith("func")
  );
}

export class ArgError extends Error {}

/** Go's validateType: the value a parameter of type `typ` receives, or an ArgError. */
export function fitValue(value: unknown, typ: GoType | null): unknown {
  if (typ === null || typ === VALUE) return value;
  if (value === undefined) {
    if (canBeNil(typ)) return null;
    throw new ArgError(`invalid value; expected ${typ}`);
  }
  if (typ === ANY) return value;
  if (value === null) {
    throw new ArgError(`wrong type for value; expected ${typ}; got interface {}`);
  }
  const actual = typeName(value);
  if (actual !== typ) throw new ArgError(`wrong type for value; expected ${typ}; got ${actual}`);
  return value;
}

const intTypes = new Set(["int", "int64", "int32", "int16", "int8"]);
const uintTypes = new Set(["uint", "uint64", "uint32", "uint16", "uint8"]);

/** The literal category a parameter type accepts, mirroring evalArg's switch on typ.Kind(). */
export function literalKind(typ: GoType): "bool" | "string" | "int" | "uint" | "float" | "any" | "other" {
  if (typ === ANY || typ === VALUE) return "any";
  if (typ === "bool" || typ === "string") return typ;
  if (typ === "float64" || typ === "float32") return "float";
  if (intTypes.has(typ)) return "int";
  if (uintTypes.has(typ)) return "uint";
  return "other";
}

/** A numeric literal converted to an integer parameter's type. */
export function intConstant(n: NumberNode, typ: GoType): unknown {
  return typ === "int" ? n.int : new GoInt(n.int, typ as GoInt["type"]);
}

/** A function with its Go signature; `variadic` is the element type of a trailing ...param. */
export function def(params: readonly GoType[], fn: (...args: any[]) => unknown, variadic?: GoType): GoFunc {
  return variadic === undefined ? { params, fn } : { params, fn, variadic };
}
