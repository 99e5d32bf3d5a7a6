/**
 * Executes a parsed template with Go's semantics: truthiness, variable scoping, range order and
 * else branches, break/continue, and nested templates. Expressions are evaluated by eval.ts.
 */
import type { BranchNode, ListNode, Node, TemplateNode } from "./ast.ts";
import { Evaluator, type ExecError, type ExecEnv } from "./eval.ts";
import { type Budget, LimitError, withBudget } from "./limits.ts";
import { formatValue } from "./printf.ts";
import { GoInt, intValue, isMap, kindOf, sortedKeys, truth, typeName } from "./values.ts";

export { ExecError, type ExecEnv } from "./eval.ts";

enum Flow {
  Normal,
  Break,
  Continue,
}

// JS stacks are far shallower than Go's; this keeps runaway recursion a template error.
const maxDepth = 1000;

export function execute(env: ExecEnv, root: ListNode, data: unknown, budget: Budget): string {
  const s = new State(env, data === null ? undefined : data, budget);
  try {
    withBudget(budget, () => s.walk(s.vars[0]!.value, root));
  } catch (e) {
    if (e instanceof LimitError) throw s.limitError(e);
    throw e;
  }
  budget.written += s.out.length;
  return s.out;
}

class State extends Evaluator {
  out = "";
  private depth = 0;

  constructor(
    env: ExecEnv,
    data: unknown,
    private readonly budget: Budget,
  ) {
    super(env, data);
  }

  /** A limit hit anywhere below becomes an error at the action being run. */
  limitError(e: LimitError): ExecError {
    return this.errorAt(e.message, e);
  }

  walk(dot: unknown, node: Node): Flow {
    // A list never fails by itself; leaving the position at the action around it names that action.
    if (node.kind !== "list") this.at(node);
    this.budget.step();
    switch (node.kind) {
      case "action": {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) {
          this.at(node);
          this.out += val === undefined ? "<no value>" : formatValue(val);
          this.budget.output(this.out.length);
        }
        return Flow.Normal;
      }
      case "break":
        return Flow.Break;
      case "continue":
        return Flow.Continue;
      case "comment":
        return Flow.Normal;
      case "if":
      case "with":
        return this.walkIfOrWith(dot, node);
      case "list":
        for (const n of node.nodes) {
          const flow = this.walk(dot, n);
          if (flow !== Flow.Normal) return flow;
        }
        return Flow.Normal;
      case "range":
        this.walkRange(dot, node);
        return Flow.Normal;
      case "template":
        this.walkTemplate(dot, node);
        return Flow.Normal;
      case "text":
        this.out += node.text;
        this.budget.output(this.out.length);
        return Flow.Normal;
    }
  }

  private walkIfOrWith(dot: unknown, node: BranchNode): Flow {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (truth(val)) {
        if (node.kind !== "with") return this.walk(dot, node.list);
        const saved = this.dotIface;
        this.dotIface = false;
        try {
          return this.walk(val, node.list);
        } finally {
          this.dotIface = saved;
        }
      }
      if (node.elseList) return this.walk(dot, node.elseList);
      return Flow.Normal;
    } finally {
      this.vars.length = mark;
    }
  }

  private walkRange(dot: unknown, r: BranchNode): void {
    this.at(r);
    const outer = this.vars.length;
    const savedIface = this.dotIface;
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.vars.length;
      const decl = r.pipe.decl;
      // Returns false on {{break}}.
      const iteration = (index: unknown, elem: unknown, iface: boolean): boolean => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          else this.vars[this.vars.length - 1]!.value = elem;
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          else this.vars[this.vars.length - 2]!.value = index;
        }
        this.dotIface = iface;
        try {
          return this.walk(elem, r.list) !== Flow.Break;
        } finally {
          this.vars.length = mark;
          this.dotIface = savedIface;
        }
      };
      let ran = false;
      const kind = kindOf(val);
      const atRange = (): void => this.at(r.pipe);
      if (kind === "int" || kind === "uint") {
        if (decl.length > 1) this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
        const n = intValue(val)!;
        const make = val instanceof GoInt ? (i: bigint) => new GoInt(i, val.type) : (i: bigint) => i;
        for (let i = 0n; i < n; i++) {
          ran = true;
          atRange();
          if (!iteration(undefined, make(i), false)) break;
        }
      } else if (Array.isArray(val)) {
        const iface = typeName(val) === "[]interface {}";
        for (let i = 0; i < val.length; i++) {
          ran = true;
          atRange();
          if (!iteration(BigInt(i), val[i], iface)) break;
        }
      } else if (isMap(val)) {
        const iface = typeName(val) === "map[string]interface {}";
        for (const k of sortedKeys(val)) {
          ran = true;
          atRange();
          if (!iteration(k, val[k], iface)) break;
        }
      } else if (val !== undefined) {
        this.errorf(`range can't iterate over ${formatValue(val)}`);
      }
      if (!ran && r.elseList) this.walk(dot, r.elseList);
    } finally {
      this.vars.length = outer;
      this.dotIface = savedIface;
    }
  }

  private walkTemplate(dot: unknown, t: TemplateNode): void {
    this.at(t);
    const tmpl = this.env.templates.get(t.name);
    if (!tmpl) this.errorf(`template ${JSON.stringify(t.name)} not defined`);
    if (this.depth >= maxDepth) this.errorf(`exceeded maximum template depth (${maxDepth})`);
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    const [vars, iface] = [this.vars, this.dotIface];
    this.vars = [{ name: "$", value: newDot }];
    this.dotIface = false;
    this.depth++;
    try {
      this.walk(newDot, tmpl);
    } finally {
      this.depth--;
      [this.vars, this.dotIface] = [vars, iface];
    }
  }
}
