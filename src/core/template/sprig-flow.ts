/** Sprig's defaults, flow control, reflection and path functions, plus Helm's `required`. */
import { ANY, def } from "./args.ts";
import { deepEqual, FuncError, type GoFunc, isEmpty, reflectKind, typeName } from "./values.ts";

function dfault(d: unknown, ...given: unknown[]): unknown {
  return given.length === 0 || isEmpty(given[0]) ? d : given[0];
}

function required(warn: string, val: unknown): unknown {
  if (val === null || val === "") throw new FuncError(warn);
  return val;
}

/** path.Clean: lexical cleanup of slash-separated paths. */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const s = (rooted ? "/" : "") + out.join("/");
  return s === "" ? "." : s;
}

function basePath(p: string): string {
  if (p === "") return ".";
  p = p.replace(/\/+$/, "");
  if (p === "") return "/";
  return p.slice(p.lastIndexOf("/") + 1);
}

function dirPath(p: string): string {
  return cleanPath(p.slice(0, p.lastIndexOf("/") + 1));
}

function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== "/"; i--) if (p[i] === ".") return p.slice(i);
  return "";
}

const pathFunc = (f: (p: string) => unknown): GoFunc => def(["string"], f);

export const flowFuncs: Record<string, GoFunc> = {
  default: def([ANY], dfault, ANY),
  empty: def([ANY], isEmpty),
  coalesce: def([], (...xs: unknown[]) => xs.find((x) => !isEmpty(x)) ?? null, ANY),
  all: def([], (...xs: unknown[]) => xs.every((x) => !isEmpty(x)), ANY),
  any: def([], (...xs: unknown[]) => xs.some((x) => !isEmpty(x)), ANY),
  ternary: def([ANY, ANY, "bool"], (t: unknown, f: unknown, v: boolean) => (v ? t : f)),
  fail: def(["string"], (msg: string) => {
    throw new FuncError(msg);
  }),
  required: def(["string", ANY], required),
  typeOf: def([ANY], typeName),
  typeIs: def(["string", ANY], (t: string, v: unknown) => t === typeName(v)),
  typeIsLike: def(["string", ANY], (t: string, v: unknown) => t === typeName(v) || "*" + t === typeName(v)),
  kindOf: def([ANY], reflectKind),
  kindIs: def(["string", ANY], (k: string, v: unknown) => k === reflectKind(v)),
  deepEqual: def([ANY, ANY], deepEqual),
  base: pathFunc(basePath),
  dir: pathFunc(dirPath),
  clean: pathFunc(cleanPath),
  ext: pathFunc(extPath),
  isAbs: pathFunc((p) => p.startsWith("/")),
  // filepath on Linux, where gimlet runs, is path.
  osBase: pathFunc(basePath),
  osDir: pathFunc(dirPath),
  osClean: pathFunc(cleanPath),
  osExt: pathFunc(extPath),
  osIsAbs: pathFunc((p) => p.startsWith("/")),
  hello: def([], () => "Hello!"),
};
