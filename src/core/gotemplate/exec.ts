/** Executes a parsed template with Go's semantics (missingkey, truth, scoping, range order). */
import type { Arg, Command, Node, Pipeline } from "./ast.ts";
import { ArgTypeError } from "./convert.ts";
import { formatValue, isMap, NoValue, printAction, truth, typeName } from "./value.ts";

export type Func = (...args: unknown[]) => unknown;
/** A function that receives its arguments unevaluated (and, or). */
export type LazyFunc = { lazy: true; call: (args: (() => unknown)[]) => unknown };

export class ExecError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

class Break {}
class Continue {}

export interface ExecOptions {
  missingKey: "error" | "zero" | "default";
  funcs: Record<string, Func | LazyFunc>;
  defines: Map<string, Node[]>;
  maxDepth?: number;
}

interface Scope {
  vars: { name: string; value: unknown }[];
}

export class Exec {
  private out: string[] = [];
  private depth = 0;
  constructor(private readonly o: ExecOptions) {}

  run(nodes: Node[], dot: unknown): string {
    const scope: Scope = { vars: [{ name: "$", value: dot }] };
    this.list(nodes, dot, scope);
    return this.out.join("");
  }

  private list(nodes: Node[], dot: unknown, scope: Scope): void {
    for (const n of nodes) this.node(n, dot, scope);
  }

  private node(n: Node, dot: unknown, scope: Scope): void {
    switch (n.t) {
      case "text":
        this.out.push(n.text);
        return;
      case "action": {
        const v = this.pipeline(n.pipe, dot, scope);
        if (n.pipe.decl.length === 0) this.out.push(printAction(v));
        return;
      }
      case "if":
      case "with": {
        const mark = scope.vars.length;
        const v = this.pipeline(n.pipe, dot, scope);
        if (truth(v)) this.list(n.list, n.t === "with" ? v : dot, scope);
        else if (n.else) this.list(n.else, dot, scope);
        scope.vars.length = mark;
        return;
      }
      case "range":
        return this.range(n, dot, scope);
      case "template": {
        const body = this.o.defines.get(n.name);
        if (!body) throw new ExecError(`template "${n.name}" not defined`, n.pos);
        if (++this.depth > (this.o.maxDepth ?? 1000)) throw new ExecError(`exceeded maximum template depth (${this.o.maxDepth ?? 1000})`, n.pos);
        const newDot = n.pipe ? this.pipeline(n.pipe, dot, scope) : null;
        this.list(body, newDot, { vars: [{ name: "$", value: newDot }] });
        this.depth--;
        return;
      }
      case "break":
        throw new Break();
      case "continue":
        throw new Continue();
    }
  }

  private range(n: Extract<Node, { t: "range" }>, dot: unknown, scope: Scope): void {
    const mark = scope.vars.length;
    const pipe = { ...n.pipe, decl: [] };
    const v = this.pipeline(pipe, dot, scope);
    const decl = n.pipe.decl;
    const each = (key: unknown, elem: unknown) => {
      if (decl.length === 1) scope.vars.push({ name: decl[0]!, value: elem });
      if (decl.length === 2) scope.vars.push({ name: decl[0]!, value: key }, { name: decl[1]!, value: elem });
      try {
        this.list(n.list, elem, scope);
      } catch (e) {
        if (e instanceof Continue) return;
        throw e;
      } finally {
        scope.vars.length = mark;
      }
    };
    let ran = false;
    try {
      if (Array.isArray(v)) {
        v.forEach((elem, i) => {
          ran = true;
          each(BigInt(i), elem);
        });
      } else if (isMap(v)) {
        for (const k of Object.keys(v).sort()) {
          ran = true;
          each(k, v[k]);
        }
      } else if (typeof v === "bigint") {
        for (let i = 0n; i < v; i++) {
          ran = true;
          each(i, i);
        }
      } else if (v !== null && v !== undefined && v !== NoValue) {
        throw new ExecError(`range can't iterate over ${formatValue(v)}`, n.pos);
      }
    } catch (e) {
      if (!(e instanceof Break)) throw e;
    }
    if (!ran && n.else) this.list(n.else, dot, scope);
    scope.vars.length = mark;
  }

  private pipeline(p: Pipeline, dot: unknown, scope: Scope): unknown {
    let v: unknown = undefined;
    let has = false;
    for (const cmd of p.cmds) {
      v = this.command(cmd, dot, scope, has ? v : undefined, has);
      has = true;
    }
    if (p.decl.length) {
      if (p.assign) {
        const slot = [...scope.vars].reverse().find((x) => x.name === p.decl[0]);
        if (!slot) throw new ExecError(`undefined variable: ${p.decl[0]}`, p.pos);
        slot.value = v;
      } else scope.vars.push({ name: p.decl[0]!, value: v });
    }
    return v;
  }

  private command(cmd: Command, dot: unknown, scope: Scope, final: unknown, hasFinal: boolean): unknown {
    const [first, ...rest] = cmd.args;
    switch (first!.t) {
      case "ident":
        return this.call(first!.name, rest, dot, scope, final, hasFinal, first!.pos);
      case "field":
      case "var":
      case "pipe":
      case "dot": {
        if (rest.length || hasFinal) {
          const name = first!.t === "field" ? first!.names.at(-1) : undefined;
          throw new ExecError(name ? `${name} is not a method but has arguments` : `can't give argument to non-function ${describeArg(first!)}`, first!.pos);
        }
        return this.arg(first!, dot, scope);
      }
      case "nil":
        throw new ExecError("nil is not a command", first!.pos);
      default:
        if (rest.length || hasFinal) throw new ExecError(`can't give argument to non-function ${describeArg(first!)}`, first!.pos);
        return this.arg(first!, dot, scope);
    }
  }

  private call(name: string, args: Arg[], dot: unknown, scope: Scope, final: unknown, hasFinal: boolean, pos: number): unknown {
    const fn = this.o.funcs[name];
    if (!fn) throw new ExecError(`function "${name}" not defined`, pos);
    const thunks = args.map((a) => () => this.arg(a, dot, scope));
    if (hasFinal) thunks.push(() => final);
    const want = arity[name];
    const got = thunks.length;
    if (want && (got < want[0] || (want[1] !== undefined && got > want[1]))) {
      const exact = want[1] === want[0];
      throw new ExecError(`wrong number of args for ${name}: want ${exact ? "" : want[1] === undefined ? "at least " : "at most "}${exact || want[1] === undefined ? want[0] : want[1]} got ${got}`, pos);
    }
    try {
      if (typeof fn === "object" && fn.lazy) return fn.call(thunks);
      return (fn as Func)(...thunks.map((t) => t()));
    } catch (e) {
      if (e instanceof ExecError || e instanceof Break || e instanceof Continue) throw e;
      if (e instanceof ArgTypeError) {
        const lit = args.find((a) => (a.t === "number" || a.t === "string" || a.t === "bool") && a.value === e.value);
        if (lit) throw new ExecError(`expected ${e.expected === "int" ? "integer" : e.expected}; found ${describeArg(lit)}`, lit.pos);
        throw new ExecError(e.message, pos);
      }
      throw new ExecError(`error calling ${name}: ${(e as Error).message}`, pos);
    }
  }

  arg(a: Arg, dot: unknown, scope: Scope): unknown {
    switch (a.t) {
      case "dot":
        return dot;
      case "field":
        return this.fields(dot, a.names, a.pos, true);
      case "var": {
        const slot = [...scope.vars].reverse().find((x) => x.name === a.name);
        if (!slot) throw new ExecError(`undefined variable: ${a.name}`, a.pos);
        return this.fields(slot.value, a.names, a.pos, false);
      }
      case "pipe":
        return this.fields(this.pipeline(a.pipe, dot, scope), a.names, a.pos, false);
      case "string":
      case "number":
      case "bool":
        return a.value;
      case "nil":
        return null;
      case "ident":
        return this.call(a.name, [], dot, scope, undefined, false, a.pos);
    }
  }

  private fields(v: unknown, names: string[], pos: number, fromDot: boolean): unknown {
    let cur = v;
    // A value read out of a map is an interface {} to Go, whatever it holds.
    let viaMap = fromDot;
    for (const name of names) {
      if (cur === NoValue || cur === null || cur === undefined) {
        if (fromDot || names.length) throw new ExecError(`nil pointer evaluating interface {}.${name}`, pos);
      }
      if (isMap(cur)) {
        if (Object.prototype.hasOwnProperty.call(cur, name)) {
          cur = cur[name];
          if (cur === undefined) cur = null;
          viaMap = true;
          continue;
        }
        if (this.o.missingKey === "error") throw new ExecError(`map has no entry for key "${name}"`, pos);
        cur = NoValue;
        continue;
      }
      if (typeof cur === "object" && cur !== null && !Array.isArray(cur) && name in (cur as object)) {
        const f = (cur as Record<string, unknown>)[name];
        cur = typeof f === "function" ? (f as () => unknown).call(cur) : f;
        continue;
      }
      throw new ExecError(`can't evaluate field ${name} in type ${viaMap && cur !== v ? "interface {}" : typeName(cur)}`, pos);
    }
    return cur;
  }
}

function describeArg(a: Arg): string {
  switch (a.t) {
    case "string":
      return JSON.stringify(a.value);
    case "number":
      return a.text;
    case "bool":
      return String(a.value);
    case "dot":
      return "dot";
    default:
      return a.t;
  }
}

/** Parameter counts of the predefined functions, checked before the call as Go does. */
const arity: Record<string, [number, number?]> = {
  len: [1, 1],
  not: [1, 1],
  index: [1],
  slice: [1],
  printf: [1],
  eq: [1],
  ne: [2, 2],
  lt: [2, 2],
  le: [2, 2],
  gt: [2, 2],
  ge: [2, 2],
  and: [1],
  or: [1],
};
