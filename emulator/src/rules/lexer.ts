/**
 * The tokenizer for rule expressions: numbers, strings (with their escapes), identifiers, regex
 * literals (told apart from division by the token before them) and punctuators.
 */

export class ExpressionSyntaxError extends Error {
  constructor(
    message: string,
    /** Offset in the expression text, 0-based. */
    readonly offset: number,
  ) {
    super(message);
  }
}

export type Token =
  | { readonly type: "number"; readonly value: number; readonly offset: number }
  | { readonly type: "string"; readonly value: string; readonly offset: number }
  | { readonly type: "identifier"; readonly value: string; readonly offset: number }
  | {
      readonly type: "regex";
      readonly pattern: string;
      readonly flags: string;
      readonly offset: number;
    }
  | { readonly type: "punctuator"; readonly value: string; readonly offset: number }
  | { readonly type: "end"; readonly offset: number };

// Longest first, so that "===" is not read as "==" then "=".
const PUNCTUATORS = [
  "===",
  "!==",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "+",
  "-",
  "*",
  "/",
  "%",
  "<",
  ">",
  "!",
  "?",
  ":",
  "(",
  ")",
  "[",
  "]",
  ".",
  ",",
];

const STRING_ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  b: "\b",
  f: "\f",
  v: "\v",
  "0": "\0",
};

function isIdentifierStart(char: string): boolean {
  return /[A-Za-z_$]/.test(char);
}

function isIdentifierPart(char: string): boolean {
  return /[A-Za-z0-9_$]/.test(char);
}

/** A `/` starts a regex literal unless it follows something that ends an operand. */
function slashStartsRegex(previous: Token | undefined): boolean {
  if (previous === undefined) return true;
  if (previous.type === "punctuator") return previous.value !== ")" && previous.value !== "]";
  return false;
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < source.length) {
    const char = source.charAt(pos);
    if (/\s/.test(char)) {
      pos++;
      continue;
    }
    const start = pos;
    if (isIdentifierStart(char)) {
      while (pos < source.length && isIdentifierPart(source.charAt(pos))) pos++;
      tokens.push({ type: "identifier", value: source.slice(start, pos), offset: start });
      continue;
    }
    if (/[0-9]/.test(char) || (char === "." && /[0-9]/.test(source.charAt(pos + 1)))) {
      const match = /^(?:0[xX][0-9a-fA-F]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)/.exec(
        source.slice(pos),
      );
      if (!match) throw new ExpressionSyntaxError("Invalid number", start);
      pos += match[0].length;
      if (pos < source.length && isIdentifierPart(source.charAt(pos))) {
        throw new ExpressionSyntaxError("Invalid number", start);
      }
      tokens.push({ type: "number", value: Number(match[0]), offset: start });
      continue;
    }
    if (char === '"' || char === "'") {
      pos++;
      let value = "";
      for (;;) {
        if (pos >= source.length) throw new ExpressionSyntaxError("Unterminated string", start);
        const next = source.charAt(pos++);
        if (next === char) break;
        if (next === "\n") throw new ExpressionSyntaxError("Unterminated string", start);
        if (next !== "\\") {
          value += next;
          continue;
        }
        const escape = source.charAt(pos++);
        if (escape === "u" || escape === "x") {
          const length = escape === "u" ? 4 : 2;
          const hex = source.slice(pos, pos + length);
          if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) {
            throw new ExpressionSyntaxError("Invalid escape in string", pos - 2);
          }
          value += String.fromCharCode(parseInt(hex, 16));
          pos += length;
        } else {
          value += STRING_ESCAPES[escape] ?? escape;
        }
      }
      tokens.push({ type: "string", value, offset: start });
      continue;
    }
    if (char === "/" && slashStartsRegex(tokens[tokens.length - 1])) {
      pos++;
      let inClass = false;
      let pattern = "";
      for (;;) {
        if (pos >= source.length || source.charAt(pos) === "\n") {
          throw new ExpressionSyntaxError("Unterminated regular expression", start);
        }
        const next = source.charAt(pos++);
        if (next === "\\") {
          pattern += next + source.charAt(pos++);
          continue;
        }
        if (next === "[") inClass = true;
        else if (next === "]") inClass = false;
        else if (next === "/" && !inClass) break;
        pattern += next;
      }
      const flagsStart = pos;
      while (pos < source.length && isIdentifierPart(source.charAt(pos))) pos++;
      tokens.push({ type: "regex", pattern, flags: source.slice(flagsStart, pos), offset: start });
      continue;
    }
    const punctuator = PUNCTUATORS.find((candidate) => source.startsWith(candidate, pos));
    if (punctuator === undefined) {
      throw new ExpressionSyntaxError(`Unexpected character "${char}"`, start);
    }
    pos += punctuator.length;
    tokens.push({ type: "punctuator", value: punctuator, offset: start });
  }
  tokens.push({ type: "end", offset: source.length });
  return tokens;
}
