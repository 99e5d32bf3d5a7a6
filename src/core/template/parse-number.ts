/** Number literals as Go's parser reads them: ints, floats, hex/octal/binary, char constants. */
import type { NumberNode } from "./ast.ts";
import { T, type Item } from "./lexer.ts";
import { parseFloat64, parseInt64, parseUint64 } from "./numbers.ts";
import { unquoteChar, UnquoteError } from "./quote.ts";

export class NumberSyntaxError extends Error {}

const fail = (msg: string): never => {
  throw new NumberSyntaxError(msg);
};

export function numberNode(item: Item): NumberNode {
  const text = item.val;
  const n: NumberNode = {
    kind: "number",
    pos: item.pos,
    text,
    isInt: false,
    isUint: false,
    isFloat: false,
    int: 0n,
    float: 0,
  };
  if (item.type === T.CharConstant) {
    let ch: string;
    let next: number;
    try {
      [ch, next] = unquoteChar(text, 1, "'");
    } catch (e) {
      if (e instanceof UnquoteError) fail(e.message);
      throw e;
    }
    if (text.slice(next) !== "'") fail(`malformed character constant: ${text}`);
    const cp = ch.codePointAt(0)!;
    return { ...n, isInt: true, isUint: true, isFloat: true, int: BigInt(cp), float: cp };
  }
  if (item.type === T.Complex || text.endsWith("i"))
    fail(`complex constants are not supported: ${JSON.stringify(text)}`);
  const u = parseUint64(text);
  const i = parseInt64(text);
  if (u !== undefined) n.isUint = true;
  if (i !== undefined) {
    n.isInt = true;
    n.int = i;
    if (i === 0n) n.isUint = true;
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float = Number(n.int);
  } else if (u !== undefined) {
    n.isFloat = true;
    n.float = Number(u);
  } else {
    const f = parseFloat64(text);
    if (f !== undefined) {
      if (!/[.eEpP]/.test(text)) fail(`integer overflow: ${JSON.stringify(text)}`);
      n.isFloat = true;
      n.float = f;
      if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
        n.isInt = true;
        n.int = BigInt(f);
      }
      if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) n.isUint = true;
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) fail(`illegal number syntax: ${JSON.stringify(text)}`);
  return n;
}
