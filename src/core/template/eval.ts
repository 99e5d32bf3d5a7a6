/**
 * Evaluation of pipelines and their parts with Go's rules: fields and map keys under the
 * missingkey mode, variables, function calls whose arguments are fitted to the function's Go
 * signature (with Go's error wording), and the untyped constants of the template language.
 */
import { ANY, ArgError, fitValue, intConstant, literalKind, VALUE } from "./args.ts";
import type {
  AnyNode,
  Arg,
  ChainNode,
  FieldNode,
  IdentifierNode,
  ListNode,
  NumberNode,
  PipeNode,
  VariableNode,
} from "./ast.ts";
import { nodeString } from "./ast.ts";
import { chargeSteps, checkSize, LimitError } from "./limits.ts";
import { FuncError, GoObject, type GoFunc, hasKey, isMap, truth, typeName } from "./values.ts";

export class ExecError extends Error {
  constructor(
    message: string,
    /** Offset of the node being evaluated, -1 when unknown. */
    readonly pos: number,
    /** The node as Go prints it in `at <…>`. */
    readonly context: string,
    /** Set when a resource limit (not the template's logic) stopped the run. */
    readonly limit?: LimitError,
  ) {
    super(message);
  }
}

export interface ExecEnv {
  /** Functions added to the template (sprig, gimlet's, the caller's); they shadow builtins. */
  funcs: ReadonlyMap<string, GoFunc>;
  builtins: ReadonlyMap<string, GoFunc>;
  missingKey: "error" | "zero" | "default";
  templates: ReadonlyMap<string, ListNode>;
}

/** "No final value": the command is not the second or later stage of a pipeline. */
export const MISSING = Symbol("missing");
type Final = unknown;

export interface Variable {
  name: string;
  value: unknown;
}

export class Evaluator {
  vars: Variable[];
  protected node: AnyNode | null = null;
  /** Whether dot came out of an interface{} container (range element): Go names its type so. */
  protected dotIface = false;

  constructor(
    protected readonly env: ExecEnv,
    data: unknown,
  ) {
    this.vars = [{ name: "$", value: data }];
  }

  protected at(node: AnyNode): void {
    this.node = node;
  }

  protected errorf(msg: string): never {
    throw this.errorAt(msg);
  }

  protected errorAt(msg: string, limit?: LimitError): ExecError {
    const n = this.node;
    return new ExecError(msg, n ? n.pos : -1, n ? nodeString(n) : "", limit);
  }

  protected setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  protected varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    this.errorf(`undefined variable: ${name}`);
  }

  protected evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd.args, cmd, value);
      // A nil interface{} result is no value at all to the rest of the pipeline.
      if (value === null) value = undefined;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, value);
      else this.vars.push({ name: v.ident[0]!, value });
    }
    return value;
  }

  protected notAFunction(args: readonly Arg[], final: Final): void {
    if (args.length > 1 || final !== MISSING)
      this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  protected evalCommand(dot: unknown, args: readonly Arg[], cmd: AnyNode, final: Final): unknown {
    const first = args[0]!;
    switch (first.kind) {
      case "field":
        return this.evalFieldNode(dot, first, args, final);
      case "chain":
        return this.evalChainNode(dot, first, args, final);
      case "identifier":
        return this.evalFunction(dot, first, cmd, args, final);
      case "pipe":
        this.notAFunction(args, final);
        return this.evalPipeline(dot, first);
      case "variable":
        return this.evalVariableNode(dot, first, args, final);
    }
    this.at(first);
    this.notAFunction(args, final);
    switch (first.kind) {
      case "bool":
        return first.value;
      case "dot":
        return dot;
      case "nil":
        this.errorf("nil is not a command");
      case "number":
        return this.idealConstant(first);
      case "string":
        return first.text;
    }
  }

  protected idealConstant(n: NumberNode): unknown {
    this.at(n);
    const t = n.text;
    const hexInt = t.length > 2 && t[0] === "0" && (t[1] === "x" || t[1] === "X") && !/[pP]/.test(t);
    if (n.isFloat && !hexInt && t[0] !== "'" && /[.eEpP]/.test(t)) return n.float;
    if (n.isInt) return n.int;
    if (n.isUint) this.errorf(`${t} overflows int`);
    return undefined;
  }

  protected evalFieldNode(dot: unknown, field: FieldNode, args: readonly Arg[], final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(dot, dot, this.dotIface, field, field.ident, args, final);
  }

  protected evalChainNode(dot: unknown, chain: ChainNode, args: readonly Arg[], final: Final): unknown {
    this.at(chain);
    if (chain.node.kind === "nil") this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, false, chain, chain.fields, args, final);
  }

  protected evalVariableNode(dot: unknown, v: VariableNode, args: readonly Arg[], final: Final): unknown {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, false, v, v.ident.slice(1), args, final);
  }

  protected evalFieldChain(
    dot: unknown,
    receiver: unknown,
    iface: boolean,
    node: AnyNode,
    ident: readonly string[],
    args: readonly Arg[],
    final: Final,
  ): unknown {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) {
      const parent = receiver;
      receiver = this.evalField(dot, ident[i]!, node, [], MISSING, receiver, iface);
      iface = isMap(parent) && typeName(parent) === "map[string]interface {}";
    }
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver, iface);
  }

  protected evalField(
    dot: unknown,
    name: string,
    node: AnyNode,
    args: readonly Arg[],
    final: Final,
    receiver: unknown,
    iface: boolean,
  ): unknown {
    if (receiver === undefined) {
      if (this.env.missingKey === "error") this.errorf(`nil data; no entry for key ${JSON.stringify(name)}`);
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${name}`);
    const typ = iface ? ANY : typeName(receiver);
    if (receiver instanceof GoObject) {
      const method = receiver.method(name);
      if (method) return this.evalCall(dot, method, false, node, name, args, final);
    }
    const hasArgs = args.length > 1 || final !== MISSING;
    if (isMap(receiver)) {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      if (hasKey(receiver, name)) return receiver[name];
      switch (this.env.missingKey) {
        case "error":
          this.errorf(`map has no entry for key ${JSON.stringify(name)}`);
        case "zero":
          // Go gives the map element type's zero value; gimlet's variables are strings.
          return "";
        default:
          return undefined;
      }
    }
    this.errorf(`can't evaluate field ${name} in type ${typ}`);
  }

  protected evalFunction(
    dot: unknown,
    node: IdentifierNode,
    cmd: AnyNode,
    args: readonly Arg[],
    final: Final,
  ): unknown {
    this.at(node);
    const name = node.name;
    const fn = this.env.funcs.get(name);
    if (fn) return this.evalCall(dot, fn, false, cmd, name, args, final);
    const builtin = this.env.builtins.get(name);
    if (builtin) return this.evalCall(dot, builtin, true, cmd, name, args, final);
    this.errorf(`${JSON.stringify(name)} is not a defined function`);
  }

  protected fit(value: unknown, typ: string | null): unknown {
    try {
      return fitValue(value, typ);
    } catch (e) {
      if (e instanceof ArgError) this.errorf(e.message);
      throw e;
    }
  }

  protected evalCall(
    dot: unknown,
    fn: GoFunc,
    isBuiltin: boolean,
    node: AnyNode,
    name: string,
    allArgs: readonly Arg[],
    final: Final,
  ): unknown {
    const args = allArgs.slice(1);
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    const numFixed = fn.variadic !== undefined ? fn.params.length : args.length;
    if (fn.variadic !== undefined) {
      if (numIn < numFixed)
        this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
    } else if (numIn !== fn.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`);
    }
    if (isBuiltin && (name === "and" || name === "or")) {
      let v: unknown;
      for (const arg of args) {
        v = this.evalArg(dot, VALUE, arg);
        if (truth(v) === (name === "or")) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }
    const argv: unknown[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, fn.params[i]!, args[i]!));
    if (fn.variadic !== undefined) for (; i < args.length; i++) argv.push(this.evalArg(dot, fn.variadic, args[i]!));
    if (final !== MISSING) {
      let t = fn.params[fn.params.length - 1] ?? ANY;
      if (fn.variadic !== undefined) t = numIn - 1 < numFixed ? fn.params[numIn - 1]! : fn.variadic;
      argv.push(this.fit(final, t));
    }
    // Go's `call` also learns how the callee was spelled, for its error message.
    if (isBuiltin && name === "call") argv.unshift(args.length > 0 ? nodeString(args[0]!) : "<value>");
    chargeSteps(1, `call of ${name}`);
    try {
      const result = fn.fn(...argv);
      // Every string or list a function hands back is bounded, whatever the function.
      if (typeof result === "string" || Array.isArray(result)) checkSize(result.length, `result of ${name}`);
      return result === undefined && fn.params[0] !== VALUE ? null : result;
    } catch (e) {
      if (e instanceof ExecError) throw e;
      this.at(node);
      if (e instanceof LimitError) throw this.errorAt(e.message, e);
      this.errorf(`error calling ${name}: ${e instanceof FuncError || e instanceof Error ? e.message : String(e)}`);
    }
  }

  protected evalArg(dot: unknown, typ: string | null, n: Arg): unknown {
    this.at(n);
    switch (n.kind) {
      case "dot":
        return this.fit(dot, typ);
      case "nil":
        if (typ === VALUE) return undefined;
        if (typ === ANY || (typ !== null && (typ.startsWith("map[") || typ.startsWith("[]") || typ.startsWith("*"))))
          return null;
        this.errorf(`cannot assign nil to ${typ}`);
      case "field":
        return this.fit(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case "variable":
        return this.fit(this.evalVariableNode(dot, n, [], MISSING), typ);
      case "pipe":
        return this.fit(this.evalPipeline(dot, n), typ);
      case "identifier":
        return this.fit(this.evalFunction(dot, n, n, [n], MISSING), typ);
      case "chain":
        return this.fit(this.evalChainNode(dot, n, [], MISSING), typ);
    }
    const kind = typ === null ? "any" : literalKind(typ);
    switch (kind) {
      case "any":
        if (n.kind === "number") return this.idealConstant(n);
        return n.kind === "bool" ? n.value : n.text;
      case "bool":
        if (n.kind === "bool") return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      case "string":
        if (n.kind === "string") return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      case "int":
        if (n.kind === "number" && n.isInt) return intConstant(n, typ!);
        this.errorf(`expected integer; found ${nodeString(n)}`);
      case "uint":
        if (n.kind === "number" && n.isUint) return intConstant(n, typ!);
        this.errorf(`expected unsigned integer; found ${nodeString(n)}`);
      case "float":
        if (n.kind === "number" && n.isFloat) return n.float;
        this.errorf(`expected float; found ${nodeString(n)}`);
      default:
        this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ}`);
    }
  }
}
