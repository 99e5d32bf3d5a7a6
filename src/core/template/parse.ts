/**
 * Parser from tokens to the tree, following Go's text/template/parse: the same grammar, the
 * same checks (undefined variables and functions, break outside range, duplicate defines) and
 * the same error wording.
 */
import type {
  Arg,
  BranchNode,
  CommandNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  VariableNode,
} from "./ast.ts";
import { nodeString } from "./ast.ts";
import { T, type Item } from "./lexer.ts";
import { numberNode, NumberSyntaxError } from "./parse-number.ts";
import { TokenStream } from "./parse-tokens.ts";

export { ParseError } from "./parse-tokens.ts";

export interface ParsedTemplate {
  root: ListNode;
  defines: Map<string, ListNode>;
}

type Marker = { kind: "end" | "else"; pos: number };

const maxParenDepth = 1000;

export function parse(text: string, hasFunction: (name: string) => boolean, name: string): ParsedTemplate {
  return new Parser(text, hasFunction, name).parseAll();
}

function isEmptyTree(n: Node): boolean {
  switch (n.kind) {
    case "comment":
      return true;
    case "list":
      return n.nodes.every(isEmptyTree);
    case "text":
      return n.text.trim() === "";
    default:
      return false;
  }
}

class Parser extends TokenStream {
  private vars: string[] = ["$"];
  private rangeDepth = 0;
  private parenDepth = 0;
  private readonly defines = new Map<string, ListNode>();

  constructor(
    text: string,
    private readonly hasFunction: (name: string) => boolean,
    name: string,
  ) {
    super(text, name);
  }

  parseAll(): ParsedTemplate {
    const root: ListNode = { kind: "list", pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== T.EOF) {
      if (this.peek().type === T.LeftDelim) {
        const at = this.i;
        this.next();
        if (this.nextNonSpace().type === T.Define) {
          this.inNewTree(() => this.parseDefinition());
          continue;
        }
        this.i = at;
      }
      const n = this.textOrAction();
      if (n.kind === "end" || n.kind === "else") this.errorf(`unexpected {{${n.kind}}}`);
      root.nodes.push(n as Node);
    }
    return { root, defines: this.defines };
  }

  private inNewTree(body: () => void): void {
    const [vars, rangeDepth] = [this.vars, this.rangeDepth];
    this.vars = ["$"];
    this.rangeDepth = 0;
    body();
    [this.vars, this.rangeDepth] = [vars, rangeDepth];
  }

  private addDefine(name: string, root: ListNode): void {
    const old = this.defines.get(name);
    if (old === undefined || isEmptyTree(old)) this.defines.set(name, root);
    else if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template ${JSON.stringify(name)}`);
  }

  private parseDefinition(): void {
    const context = "define clause";
    const item = this.nextNonSpace();
    if (item.type !== T.String && item.type !== T.RawString) this.unexpected(item, context);
    const name = this.unquoteOrFail(item.val);
    this.expect(T.RightDelim, context);
    const [root, end] = this.itemList();
    if (end.kind !== "end") this.errorf(`unexpected {{${end.kind}}} in ${context}`);
    this.addDefine(name, root);
  }

  private itemList(): [ListNode, Marker] {
    const list: ListNode = { kind: "list", pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== T.EOF) {
      const n = this.textOrAction();
      if (n.kind === "end" || n.kind === "else") return [list, n as Marker];
      list.nodes.push(n as Node);
    }
    this.errorf("unexpected EOF");
  }

  private textOrAction(): Node | Marker {
    const item = this.nextNonSpace();
    switch (item.type) {
      case T.Text:
        return { kind: "text", pos: item.pos, text: item.val };
      case T.LeftDelim: {
        this.actionPos = item.pos;
        try {
          return this.action();
        } finally {
          this.actionPos = -1;
        }
      }
      default:
        this.unexpected(item, "input");
    }
  }

  private action(): Node | Marker {
    const item = this.nextNonSpace();
    switch (item.type) {
      case T.Block:
        return this.blockControl();
      case T.Break:
      case T.Continue:
        return this.loopControl(item);
      case T.Else:
        return this.elseControl();
      case T.End:
        return { kind: "end", pos: this.expect(T.RightDelim, "end").pos };
      case T.If:
        return this.control("if");
      case T.Range:
        return this.control("range");
      case T.Template:
        return this.templateControl();
      case T.With:
        return this.control("with");
    }
    this.backup();
    const at = this.peek();
    return { kind: "action", pos: at.pos, pipe: this.pipeline("command", T.RightDelim) };
  }

  private loopControl(item: Item): Node {
    const kind = item.type === T.Break ? "break" : "continue";
    const next = this.nextNonSpace();
    if (next.type !== T.RightDelim) this.unexpected(next, `{{${kind}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${kind}}} outside {{range}}`);
    return { kind, pos: item.pos };
  }

  private elseControl(): Marker {
    const peek = this.peekNonSpace();
    if (peek.type === T.If || peek.type === T.With) return { kind: "else", pos: peek.pos };
    return { kind: "else", pos: this.expect(T.RightDelim, "else").pos };
  }

  private control(context: "if" | "range" | "with"): BranchNode {
    const mark = this.vars.length;
    const pipe = this.pipeline(context, T.RightDelim);
    if (context === "range") this.rangeDepth++;
    let [list, next] = this.itemList();
    if (context === "range") this.rangeDepth--;
    let elseList: ListNode | null = null;
    if (next.kind === "else") {
      const chained = context === "if" ? T.If : context === "with" ? T.With : undefined;
      if (chained !== undefined && this.peek().type === chained) {
        this.next();
        elseList = { kind: "list", pos: next.pos, nodes: [this.control(context)] };
      } else {
        [elseList, next] = this.itemList();
        if (next.kind !== "end") this.errorf(`expected end; found {{${next.kind}}}`);
      }
    }
    this.vars.length = mark;
    return { kind: context, pos: pipe.pos, pipe, list, elseList };
  }

  private templateName(item: Item, context: string): string {
    if (item.type === T.String || item.type === T.RawString) return this.unquoteOrFail(item.val);
    this.unexpected(item, context);
  }

  private blockControl(): TemplateNode {
    const context = "block clause";
    const item = this.nextNonSpace();
    const name = this.templateName(item, context);
    const pipe = this.pipeline(context, T.RightDelim);
    this.inNewTree(() => {
      const [root, end] = this.itemList();
      if (end.kind !== "end") this.errorf(`unexpected {{${end.kind}}} in ${context}`);
      this.addDefine(name, root);
    });
    return { kind: "template", pos: item.pos, name, pipe };
  }

  private templateControl(): TemplateNode {
    const context = "template clause";
    const item = this.nextNonSpace();
    const name = this.templateName(item, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().type !== T.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, T.RightDelim);
    }
    return { kind: "template", pos: item.pos, name, pipe };
  }

  private pipeline(context: string, end: T): PipeNode {
    const pipe: PipeNode = { kind: "pipe", pos: this.peekNonSpace().pos, isAssign: false, decl: [], cmds: [] };
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== T.Variable) break;
      const at = this.i;
      this.next();
      const next = this.peekNonSpace();
      if (next.type === T.Assign || next.type === T.Declare) {
        pipe.isAssign = next.type === T.Assign;
        this.nextNonSpace();
        pipe.decl.push(this.variable(v.pos, v.val));
        this.vars.push(v.val);
        break;
      }
      if (next.type === T.Char && next.val === ",") {
        this.nextNonSpace();
        pipe.decl.push(this.variable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === "range" && pipe.decl.length < 2) {
          const t = this.peekNonSpace().type;
          if (t === T.Variable || t === T.RightDelim || t === T.RightParen) continue;
          this.errorf("range can only initialize variables");
        }
        this.errorf(`too many declarations in ${context}`);
      }
      this.i = at;
      break;
    }
    for (;;) {
      const item = this.nextNonSpace();
      switch (item.type) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case T.Bool:
        case T.CharConstant:
        case T.Complex:
        case T.Dot:
        case T.Field:
        case T.Identifier:
        case T.Number:
        case T.Nil:
        case T.RawString:
        case T.String:
        case T.Variable:
        case T.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(item, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const k = c.args[0]!.kind;
      if (k === "bool" || k === "dot" || k === "nil" || k === "number" || k === "string") {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: "command", pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const item = this.next();
      if (item.type === T.Space) continue;
      if (item.type === T.RightDelim || item.type === T.RightParen) this.backup();
      else if (item.type !== T.Pipe) this.unexpected(item, "operand");
      break;
    }
    if (cmd.args.length === 0) this.errorf("empty command");
    return cmd;
  }

  private operand(): Arg | null {
    const node = this.term();
    if (!node || this.peek().type !== T.Field) return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === T.Field) fields.push(this.next().val.slice(1));
    switch (node.kind) {
      case "field":
        return { kind: "field", pos, ident: [...node.ident, ...fields] };
      case "variable":
        return { kind: "variable", pos, ident: [...node.ident, ...fields] };
      case "bool":
      case "string":
      case "number":
      case "nil":
      case "dot":
        this.errorf(`unexpected . after term ${JSON.stringify(nodeString(node))}`);
    }
    return { kind: "chain", pos, node, fields };
  }

  private term(): Arg | null {
    const item = this.nextNonSpace();
    switch (item.type) {
      case T.Identifier:
        if (!this.hasFunction(item.val)) this.errorf(`function ${JSON.stringify(item.val)} not defined`);
        return { kind: "identifier", pos: item.pos, name: item.val };
      case T.Dot:
        return { kind: "dot", pos: item.pos };
      case T.Nil:
        return { kind: "nil", pos: item.pos };
      case T.Variable:
        return this.useVar(item.pos, item.val);
      case T.Field:
        return { kind: "field", pos: item.pos, ident: item.val.slice(1).split(".") };
      case T.Bool:
        return { kind: "bool", pos: item.pos, value: item.val === "true" };
      case T.CharConstant:
      case T.Complex:
      case T.Number:
        return this.number(item);
      case T.LeftParen: {
        if (this.parenDepth >= maxParenDepth) this.errorf("max expression depth exceeded");
        this.parenDepth++;
        try {
          return this.pipeline("parenthesized pipeline", T.RightParen);
        } finally {
          this.parenDepth--;
        }
      }
      case T.String:
      case T.RawString:
        return { kind: "string", pos: item.pos, quoted: item.val, text: this.unquoteOrFail(item.val) };
    }
    this.backup();
    return null;
  }

  private variable(pos: number, name: string): VariableNode {
    return { kind: "variable", pos, ident: name.split(".") };
  }

  private useVar(pos: number, name: string): VariableNode {
    const v = this.variable(pos, name);
    if (!this.vars.includes(v.ident[0]!)) this.errorf(`undefined variable ${JSON.stringify(v.ident[0])}`);
    return v;
  }

  private number(item: Item): NumberNode {
    try {
      return numberNode(item);
    } catch (e) {
      if (e instanceof NumberSyntaxError) this.errorf(e.message);
      throw e;
    }
  }
}
