/** Parser for Go text/template: tokens → a tree per template name (define/block add more). */
import type { Arg, Command, Node, Pipeline } from "./ast.ts";
import { lex, LexError, type Tok } from "./lex.ts";

export class ParseError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

export interface ParseResult {
  root: Node[];
  defines: Map<string, Node[]>;
}

const keywords = new Set(["if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"]);

export function parse(src: string, funcs: (name: string) => boolean): ParseResult {
  let toks: Tok[];
  try {
    toks = lex(src);
  } catch (e) {
    if (e instanceof LexError) throw new ParseError(e.message, e.pos);
    throw e;
  }
  const p = new Parser(toks, funcs);
  const root = p.list(["eof"]).nodes;
  return { root, defines: p.defines };
}

class Parser {
  i = 0;
  readonly defines = new Map<string, Node[]>();
  /** Declared variables per scope, for "undefined variable" errors at parse time as in Go. */
  private scopes: string[][] = [["$"]];
  private rangeDepth = 0;

  constructor(
    private readonly toks: Tok[],
    private readonly funcs: (name: string) => boolean,
  ) {}

  private peek(k = 0): Tok {
    return this.toks[this.i + k]!;
  }
  private next(): Tok {
    return this.toks[this.i++]!;
  }
  private expect(kind: Tok["kind"], what: string): Tok {
    const t = this.next();
    if (t.kind !== kind) throw new ParseError(`unexpected ${describe(t)} in ${what}`, t.pos);
    return t;
  }

  /** Parses nodes until one of the terminators (`end`, `else`, eof) and returns which ended it. */
  list(until: string[]): { nodes: Node[]; end: string; endTok: Tok } {
    const nodes: Node[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === "eof") {
        if (!until.includes("eof")) throw new ParseError(`unexpected EOF`, t.pos);
        return { nodes, end: "eof", endTok: t };
      }
      if (t.kind === "text") {
        this.next();
        nodes.push({ t: "text", pos: t.pos, text: t.value });
        continue;
      }
      // t.kind === "open"
      const kw = this.peek(1);
      if (kw.kind === "ident" && keywords.has(kw.value)) {
        if (kw.value === "end" || kw.value === "else") {
          if (!until.includes(kw.value)) throw new ParseError(`unexpected {{${kw.value}}}`, kw.pos);
          this.i += 2;
          if (kw.value === "end") this.expect("close", "end");
          return { nodes, end: kw.value, endTok: kw };
        }
        this.i += 2;
        const n = this.keyword(kw);
        if (n) nodes.push(n);
        continue;
      }
      this.next();
      const pipe = this.pipeline("command", true);
      this.expect("close", "command");
      nodes.push({ t: "action", pos: t.pos, pipe });
    }
  }

  private keyword(kw: Tok): Node | undefined {
    switch (kw.value) {
      case "if":
      case "with":
      case "range":
        return this.control(kw.value, kw.pos);
      case "break":
      case "continue":
        if (this.rangeDepth === 0) throw new ParseError(`{{${kw.value}}} outside {{range}}`, kw.pos);
        this.expect("close", kw.value);
        return { t: kw.value, pos: kw.pos };
      case "template": {
        const name = this.expect("string", "template clause");
        let pipe: Pipeline | undefined;
        if (this.peek().kind !== "close") pipe = this.pipeline("template clause", false);
        this.expect("close", "template clause");
        return { t: "template", pos: kw.pos, name: unquote(name.value, name.pos), pipe };
      }
      case "define":
      case "block": {
        const name = this.expect("string", `${kw.value} clause`);
        const tname = unquote(name.value, name.pos);
        let pipe: Pipeline | undefined;
        if (kw.value === "block") pipe = this.pipeline("block clause", false);
        this.expect("close", `${kw.value} clause`);
        const saved = this.scopes;
        this.scopes = [["$"]];
        const body = this.list(["end"]);
        this.scopes = saved;
        this.defines.set(tname, body.nodes);
        return kw.value === "block" ? { t: "template", pos: kw.pos, name: tname, pipe } : undefined;
      }
    }
    throw new ParseError(`unexpected keyword ${kw.value}`, kw.pos);
  }

  private control(kind: "if" | "with" | "range", pos: number): Node {
    this.scopes.push([]);
    const pipe = this.pipeline(kind, false, kind === "range");
    this.expect("close", kind);
    if (kind === "range") this.rangeDepth++;
    const body = this.list(["end", "else"]);
    if (kind === "range") this.rangeDepth--;
    this.scopes.pop();
    let elseList: Node[] | undefined;
    if (body.end === "else") {
      // `{{else if ...}}` / `{{else with ...}}` chain as a nested node in the else branch.
      const t = this.peek();
      if ((kind === "if" && t.kind === "ident" && t.value === "if") || (kind === "with" && t.kind === "ident" && t.value === "with")) {
        this.next();
        const nested = this.control(kind, t.pos);
        elseList = [nested];
        return { t: kind, pos, pipe, list: body.nodes, else: elseList };
      }
      this.expect("close", "else");
      this.scopes.push([]);
      elseList = this.list(["end"]).nodes;
      this.scopes.pop();
    }
    return { t: kind, pos, pipe, list: body.nodes, ...(elseList ? { else: elseList } : {}) } as Node;
  }

  private pipeline(context: string, allowDecl: boolean, rangeDecl = false): Pipeline {
    const start = this.peek();
    const decl: string[] = [];
    let assign = false;
    // $x := / $x = / $i, $v :=
    if (start.kind === "var") {
      const a = this.peek(1);
      if (a.kind === "declare" || a.kind === "assign") {
        decl.push(start.value);
        assign = a.kind === "assign";
        this.i += 2;
      } else if (a.kind === "comma" && this.peek(2).kind === "var") {
        if (!rangeDecl) throw new ParseError("too many declarations in command", start.pos);
        if (this.peek(3).kind === "declare") {
          decl.push(start.value, this.peek(2).value);
          this.i += 4;
        }
      }
    }
    if (assign) {
      if (!this.isDeclared(decl[0]!)) throw new ParseError(`undefined variable: ${decl[0]}`, start.pos);
    }
    void allowDecl;
    const cmds: Command[] = [];
    for (;;) {
      cmds.push(this.command(context));
      if (this.peek().kind === "pipe") {
        this.next();
        continue;
      }
      break;
    }
    if (!assign) for (const d of decl) this.scopes.at(-1)!.push(d);
    return { pos: start.pos, decl, assign, cmds };
  }

  private isDeclared(name: string): boolean {
    return this.scopes.some((s) => s.includes(name));
  }

  private command(context: string): Command {
    const pos = this.peek().pos;
    const args: Arg[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === "close" || t.kind === "pipe" || t.kind === "rparen") break;
      args.push(this.operand(context));
    }
    if (args.length === 0) throw new ParseError(`missing value for ${context}`, pos);
    return { pos, args };
  }

  private operand(context: string): Arg {
    const t = this.next();
    let arg: Arg;
    switch (t.kind) {
      case "field":
        arg = { t: "field", pos: t.pos, names: t.value.slice(1).split(".") };
        break;
      case "var": {
        if (!this.isDeclared(t.value)) throw new ParseError(`undefined variable "${t.value}"`, t.pos);
        arg = { t: "var", pos: t.pos, name: t.value, names: [] };
        break;
      }
      case "dot":
        arg = { t: "dot", pos: t.pos };
        break;
      case "string":
        arg = { t: "string", pos: t.pos, value: unquote(t.value, t.pos) };
        break;
      case "char":
        arg = { t: "number", pos: t.pos, value: BigInt(unquote(`"${t.value.slice(1, -1).replace(/"/g, '\\"')}"`, t.pos).codePointAt(0) ?? 0), text: t.value };
        break;
      case "number": {
        const n = this.peek();
        if (n.kind === "number" && n.pos === t.pos + t.value.length) throw new ParseError(`unexpected "${n.value}" in operand`, n.pos);
        arg = { t: "number", pos: t.pos, value: parseNumber(t.value, t.pos), text: t.value };
        break;
      }
      case "ident":
        if (t.value === "true" || t.value === "false") arg = { t: "bool", pos: t.pos, value: t.value === "true" };
        else if (t.value === "nil") arg = { t: "nil", pos: t.pos };
        else {
          if (!this.funcs(t.value)) throw new ParseError(`function "${t.value}" not defined`, t.pos);
          arg = { t: "ident", pos: t.pos, name: t.value };
        }
        break;
      case "lparen": {
        const pipe = this.pipeline("parenthesized pipeline", false);
        this.expect("rparen", "parenthesized pipeline");
        arg = { t: "pipe", pos: t.pos, pipe, names: [] };
        break;
      }
      default:
        throw new ParseError(`unexpected ${describe(t)} in ${context}`, t.pos);
    }
    // Field chains after a variable or a parenthesized pipeline: $x.a.b, (pipe).a
    while (this.peek().kind === "field" && this.peek().pos === this.toks[this.i - 1]!.pos + this.toks[this.i - 1]!.value.length) {
      const f = this.next();
      const names = f.value.slice(1).split(".");
      if (arg.t === "var" || arg.t === "pipe") arg.names.push(...names);
      else if (arg.t === "field") arg.names.push(...names);
      else throw new ParseError(`unexpected . after term ${JSON.stringify(t.value)}`, f.pos);
    }
    return arg;
  }
}

function describe(t: Tok): string {
  if (t.kind === "close") return `"}}"`;
  if (t.kind === "eof") return "EOF";
  return `<${t.value}>`;
}

export function unquote(s: string, pos: number): string {
  if (s.startsWith("`")) return s.slice(1, -1);
  try {
    return JSON.parse(
      s.replace(/\\x([0-9a-fA-F]{2})/g, "\\u00$1").replace(/\\([0-7]{3})/g, (_, o: string) => `\\u${parseInt(o, 8).toString(16).padStart(4, "0")}`).replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b").replace(/\\U([0-9a-fA-F]{8})/g, (_, h: string) => {
        const cp = parseInt(h, 16);
        return String.fromCodePoint(cp).split("").map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
      }).replace(/\\'/g, "'"),
    ) as string;
  } catch {
    throw new ParseError(`invalid syntax in string ${s}`, pos);
  }
}

function parseNumber(text: string, pos: number): number | bigint {
  const clean = text.replace(/_/g, "");
  if (/^[+-]?0[xXbBoO]/.test(clean)) {
    const neg = clean.startsWith("-");
    const body = clean.replace(/^[+-]/, "");
    const v = BigInt(body.toLowerCase().startsWith("0o") ? "0o" + body.slice(2) : body);
    return neg ? -v : v;
  }
  if (/^[+-]?\d+$/.test(clean)) {
    // Go treats a leading 0 as octal.
    if (/^[+-]?0\d+$/.test(clean)) {
      const neg = clean.startsWith("-");
      const v = BigInt("0o" + clean.replace(/^[+-]?0/, ""));
      return neg ? -v : v;
    }
    return BigInt(clean);
  }
  const f = Number(clean);
  if (Number.isNaN(f)) throw new ParseError(`bad number syntax: ${JSON.stringify(text)}`, pos);
  return f;
}
