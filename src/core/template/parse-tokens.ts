/**
 * The parser's view of the token list: Go's three-token lookahead becomes an index into the
 * pre-lexed tokens, and parse errors carry the position of the last token read, as Go's do.
 */
import { lex, T, type Item } from "./lexer.ts";
import { unquote, UnquoteError } from "./quote.ts";

export class ParseError extends Error {
  constructor(
    message: string,
    /** Offset of the token the parser stopped at; Go reports that token's line. */
    readonly pos: number,
  ) {
    super(message);
  }
}

export class TokenStream {
  protected readonly items: Item[];
  protected i = 0;
  /** Index after the furthest token read; Go reports errors at that token's line. */
  protected hi = 0;
  /** Offset of the `{{` of the action being parsed, -1 outside actions (Go's actionLine). */
  protected actionPos = -1;

  constructor(
    protected readonly text: string,
    protected readonly name: string,
  ) {
    this.items = lex(text);
  }

  protected lineOf(pos: number): number {
    let n = 1;
    for (let k = this.text.indexOf("\n"); k >= 0 && k < pos; k = this.text.indexOf("\n", k + 1)) n++;
    return n;
  }

  protected next(): Item {
    const item = this.items[Math.min(this.i, this.items.length - 1)]!;
    this.i++;
    this.hi = Math.max(this.hi, this.i);
    return item;
  }
  protected backup(): void {
    this.i--;
  }
  protected peek(): Item {
    const item = this.next();
    this.backup();
    return item;
  }
  protected nextNonSpace(): Item {
    let item: Item;
    do item = this.next();
    while (item.type === T.Space);
    return item;
  }
  protected peekNonSpace(): Item {
    const item = this.nextNonSpace();
    this.backup();
    return item;
  }

  protected errorf(msg: string): never {
    const last = this.items[Math.min(this.hi, this.items.length) - 1] ?? this.items[0]!;
    throw new ParseError(msg, last.pos);
  }

  protected describe(item: Item): string {
    if (item.type === T.EOF) return "EOF";
    if (item.type === T.Error) return item.val;
    if (item.type > T.Keyword) return `<${item.val}>`;
    const chars = Array.from(item.val);
    if (chars.length > 10) return JSON.stringify(chars.slice(0, 10).join("")) + "...";
    return JSON.stringify(item.val);
  }

  protected unexpected(item: Item, context: string): never {
    if (item.type === T.Error) {
      let extra = "";
      const actionLine = this.actionPos >= 0 ? this.lineOf(this.actionPos) : 0;
      if (actionLine !== 0 && actionLine !== this.lineOf(item.pos)) {
        extra = ` in action started at ${this.name}:${actionLine}`;
        if (item.val.endsWith(" action")) extra = extra.slice(" in action".length);
      }
      this.errorf(item.val + extra);
    }
    this.errorf(`unexpected ${this.describe(item)} in ${context}`);
  }

  protected expect(type: T, context: string): Item {
    const item = this.nextNonSpace();
    if (item.type !== type) this.unexpected(item, context);
    return item;
  }

  protected unquoteOrFail(lit: string): string {
    try {
      return unquote(lit);
    } catch (e) {
      if (e instanceof UnquoteError) this.errorf(e.message);
      throw e;
    }
  }
}
