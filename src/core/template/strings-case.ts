/**
 * Word-case conversions as sprig does them (huandu/xstrings): snakecase/kebabcase split text
 * into typed words and join them with the connector; camelcase is upper camel (PascalCase).
 */
import { isLetter, isNumber, isPunct, isSpace, isUpper, toLowerRune, toUpperRune } from "./unicode.ts";

const isConnector = (r: string): boolean => r === "-" || r === "_" || isSpace(r);

/** A letter that is not a CJK ideograph (xstrings treats CJK as "other"). */
function isAlphabet(r: string): boolean {
  if (!isLetter(r)) return false;
  const c = r.codePointAt(0)!;
  if (c < 0x3400) return true;
  if ((c >= 0x4e00 && c <= 0x9fcc) || (c >= 0x3400 && c <= 0x4d85) || (c >= 0x20000 && c <= 0x2ebe0)) return false;
  return true;
}

enum W {
  None,
  Number,
  Upper,
  Alphabet,
  Connector,
  Punct,
  Other,
}

interface Word {
  type: W;
  text: string[];
}

/** Splits off the next word from runes[at…]; returns it and the index after it. */
function nextWord(runes: string[], at: number): [Word, number] {
  if (at >= runes.length) return [{ type: W.None, text: [] }, at];
  const first = runes[at]!;
  let i = at + 1;
  const take = (pred: (r: string) => boolean): void => {
    while (i < runes.length && pred(runes[i]!)) i++;
  };
  let type: W;
  if (isConnector(first)) {
    type = W.Connector;
    take(isConnector);
  } else if (isPunct(first)) {
    type = W.Punct;
    take(isPunct);
  } else if (isUpper(first)) {
    type = W.Upper;
    if (i < runes.length) {
      const r = runes[i]!;
      if (isUpper(r)) {
        take(isUpper);
        // "HTTPServer": the last capital starts the next word.
        if (i < runes.length && isAlphabet(runes[i]!)) i--;
      } else if (isAlphabet(r)) {
        take((x) => isAlphabet(x) && !isUpper(x));
      }
    }
  } else if (isAlphabet(first)) {
    type = W.Alphabet;
    take((x) => isAlphabet(x) && !isUpper(x));
  } else if (isNumber(first)) {
    type = W.Number;
    take(isNumber);
  } else {
    type = W.Other;
    take((x) => !(isConnector(x) || isAlphabet(x) || isNumber(x) || isPunct(x)));
  }
  return [{ type, text: runes.slice(at, i) }, i];
}

function lowerWord(w: Word, connector: string): string {
  if (w.type !== W.Upper && w.type !== W.Connector) return w.text.join("");
  return w.text.map((r) => (isConnector(r) ? connector : isUpper(r) ? toLowerRune(r) : r)).join("");
}

export function snakeOrKebab(s: string, connector: string): string {
  if (s === "") return "";
  const runes = Array.from(s);
  let out = "";
  let [w, at] = nextWord(runes, 0);
  // Read through a function: TS would otherwise keep w.type narrowed across advance().
  const type = (): W => w.type;
  const advance = (): void => {
    [w, at] = nextWord(runes, at);
  };
  while (at < runes.length) {
    if (w.type !== W.Connector) out += lowerWord(w, connector);
    const prev = w;
    advance();
    switch (prev.type) {
      case W.Number:
        while (type() === W.Alphabet || type() === W.Number) {
          out += lowerWord(w, connector);
          advance();
        }
        if (type() !== W.None && type() !== W.Punct && type() !== W.Connector) out += connector;
        break;
      case W.Connector:
        out += lowerWord(prev, connector);
        break;
      case W.Punct:
        break;
      default: {
        if (type() !== W.Number) {
          if (type() !== W.Connector && type() !== W.Punct) out += connector;
          break;
        }
        if (at >= runes.length) break;
        const last = w;
        advance();
        if (type() !== W.Alphabet) {
          out += lowerWord({ type: W.Number, text: last.text }, connector);
          if (type() !== W.Connector && type() !== W.Punct) out += connector;
          break;
        }
        out += connector + lowerWord({ type: W.Number, text: last.text }, connector);
        while (type() === W.Alphabet || type() === W.Number) {
          out += lowerWord(w, connector);
          advance();
        }
        if (type() !== W.None && type() !== W.Connector && type() !== W.Punct) out += connector;
      }
    }
  }
  return out + lowerWord(w, connector);
}

/** xstrings.ToPascalCase: connectors vanish, the rune after one is upper-cased. */
export function camelCase(s: string): string {
  if (s === "") return "";
  const runes = Array.from(s);
  let out = "";
  let i = 0;
  let r0 = "";
  let firstUpper = false;
  for (; i < runes.length; ) {
    r0 = runes[i++]!;
    if (!isConnector(r0)) {
      firstUpper = isUpper(r0);
      r0 = toUpperRune(r0);
      break;
    }
    out += r0;
  }
  // Like xstrings, the last rune is written again even when it was a connector ("__" → "___").
  if (i >= runes.length) return out + r0;
  while (i < runes.length) {
    const r1 = r0;
    r0 = runes[i++]!;
    if (isConnector(r0) && isConnector(r1)) {
      out += r1;
      continue;
    }
    if (isConnector(r1)) {
      firstUpper = isUpper(r0);
      r0 = toUpperRune(r0);
    } else {
      if (firstUpper) {
        if (isUpper(r0)) r0 = toLowerRune(r0);
        else firstUpper = false;
      }
      out += r1;
    }
  }
  return out + r0;
}
