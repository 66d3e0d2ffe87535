/**
 * Tokenizer and Pratt parser for rule expressions: the JavaScript-like subset that `.read`,
 * `.write` and `.validate` strings are written in. Anything outside the subset (assignment,
 * statements, bitwise operators, `typeof`, …) is a syntax error, as it is when production
 * rejects a rules upload.
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

export type BinaryOperator =
  "+" | "-" | "*" | "/" | "%" | "==" | "!=" | "===" | "!==" | "<" | "<=" | ">" | ">=";

export type Expr =
  | {
      readonly kind: "literal";
      readonly value: string | number | boolean | null;
      readonly offset: number;
    }
  | {
      readonly kind: "regex";
      readonly pattern: string;
      readonly flags: string;
      readonly offset: number;
    }
  | { readonly kind: "identifier"; readonly name: string; readonly offset: number }
  | {
      readonly kind: "member";
      readonly object: Expr;
      /** A name for `a.b`, an expression for `a[b]`. */
      readonly property: string | Expr;
      readonly offset: number;
    }
  | {
      readonly kind: "call";
      readonly callee: Expr;
      readonly args: readonly Expr[];
      readonly offset: number;
    }
  | { readonly kind: "array"; readonly elements: readonly Expr[]; readonly offset: number }
  | {
      readonly kind: "unary";
      readonly operator: "!" | "-";
      readonly argument: Expr;
      readonly offset: number;
    }
  | {
      readonly kind: "binary";
      readonly operator: BinaryOperator;
      readonly left: Expr;
      readonly right: Expr;
      readonly offset: number;
    }
  | {
      readonly kind: "logical";
      readonly operator: "&&" | "||";
      readonly left: Expr;
      readonly right: Expr;
      readonly offset: number;
    }
  | {
      readonly kind: "conditional";
      readonly test: Expr;
      readonly consequent: Expr;
      readonly alternate: Expr;
      readonly offset: number;
    };

type Token =
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

const BINARY_OPERATORS: ReadonlySet<string> = new Set<BinaryOperator>([
  "+",
  "-",
  "*",
  "/",
  "%",
  "==",
  "!=",
  "===",
  "!==",
  "<",
  "<=",
  ">",
  ">=",
]);

function isBinaryOperator(value: string): value is BinaryOperator {
  return BINARY_OPERATORS.has(value);
}

const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "===": 3,
  "!==": 3,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

const RESERVED = new Set([
  "var",
  "let",
  "const",
  "function",
  "return",
  "new",
  "delete",
  "typeof",
  "void",
  "in",
  "instanceof",
  "this",
  "if",
  "else",
  "for",
  "while",
  "do",
  "undefined",
]);

function describe(token: Token): string {
  switch (token.type) {
    case "end":
      return "end of expression";
    case "regex":
      return `/${token.pattern}/${token.flags}`;
    case "string":
      return JSON.stringify(token.value);
    default:
      return `"${String(token.value)}"`;
  }
}

/** Parses one rule expression; throws ExpressionSyntaxError with the offending offset. */
export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let index = 0;

  const peek = (): Token => tokens[index] ?? { type: "end", offset: source.length };
  const next = (): Token => {
    const token = peek();
    index++;
    return token;
  };
  const isPunctuator = (token: Token, value: string): boolean =>
    token.type === "punctuator" && token.value === value;
  const expect = (value: string): Token => {
    const token = next();
    if (!isPunctuator(token, value)) {
      throw new ExpressionSyntaxError(
        `Expected "${value}" but found ${describe(token)}`,
        token.offset,
      );
    }
    return token;
  };

  const parsePrimary = (): Expr => {
    const token = next();
    switch (token.type) {
      case "number":
      case "string":
        return { kind: "literal", value: token.value, offset: token.offset };
      case "regex":
        return { kind: "regex", pattern: token.pattern, flags: token.flags, offset: token.offset };
      case "identifier":
        if (token.value === "true" || token.value === "false") {
          return { kind: "literal", value: token.value === "true", offset: token.offset };
        }
        if (token.value === "null") return { kind: "literal", value: null, offset: token.offset };
        if (RESERVED.has(token.value)) {
          throw new ExpressionSyntaxError(`Unsupported keyword "${token.value}"`, token.offset);
        }
        return { kind: "identifier", name: token.value, offset: token.offset };
      case "punctuator":
        if (token.value === "(") {
          const inner = parseConditional();
          expect(")");
          return inner;
        }
        if (token.value === "[") {
          const elements: Expr[] = [];
          if (!isPunctuator(peek(), "]")) {
            for (;;) {
              elements.push(parseConditional());
              if (!isPunctuator(peek(), ",")) break;
              next();
            }
          }
          expect("]");
          return { kind: "array", elements, offset: token.offset };
        }
        break;
      case "end":
        break;
    }
    throw new ExpressionSyntaxError(`Unexpected ${describe(token)}`, token.offset);
  };

  const parsePostfix = (): Expr => {
    let expr = parsePrimary();
    for (;;) {
      const token = peek();
      if (isPunctuator(token, ".")) {
        next();
        const name = next();
        if (name.type !== "identifier") {
          throw new ExpressionSyntaxError(`Expected a property name after "."`, name.offset);
        }
        expr = { kind: "member", object: expr, property: name.value, offset: token.offset };
      } else if (isPunctuator(token, "[")) {
        next();
        const property = parseConditional();
        expect("]");
        expr = { kind: "member", object: expr, property, offset: token.offset };
      } else if (isPunctuator(token, "(")) {
        next();
        const args: Expr[] = [];
        if (!isPunctuator(peek(), ")")) {
          for (;;) {
            args.push(parseConditional());
            if (!isPunctuator(peek(), ",")) break;
            next();
          }
        }
        expect(")");
        expr = { kind: "call", callee: expr, args, offset: token.offset };
      } else {
        return expr;
      }
    }
  };

  const parseUnary = (): Expr => {
    const token = peek();
    if (isPunctuator(token, "!") || isPunctuator(token, "-")) {
      next();
      const argument = parseUnary();
      const operator = isPunctuator(token, "!") ? "!" : "-";
      return { kind: "unary", operator, argument, offset: token.offset };
    }
    if (isPunctuator(token, "+")) {
      throw new ExpressionSyntaxError('Unary "+" is not supported', token.offset);
    }
    return parsePostfix();
  };

  const parseBinary = (minPrecedence: number): Expr => {
    let left = parseUnary();
    for (;;) {
      const token = peek();
      if (token.type !== "punctuator") return left;
      const precedence = BINARY_PRECEDENCE[token.value];
      if (precedence === undefined || precedence < minPrecedence) return left;
      next();
      const right = parseBinary(precedence + 1);
      const operator = token.value;
      if (operator === "&&" || operator === "||") {
        left = { kind: "logical", operator, left, right, offset: token.offset };
      } else if (isBinaryOperator(operator)) {
        left = { kind: "binary", operator, left, right, offset: token.offset };
      }
    }
  };

  const parseConditional = (): Expr => {
    const test = parseBinary(1);
    const token = peek();
    if (!isPunctuator(token, "?")) return test;
    next();
    const consequent = parseConditional();
    expect(":");
    const alternate = parseConditional();
    return { kind: "conditional", test, consequent, alternate, offset: token.offset };
  };

  const expr = parseConditional();
  const trailing = peek();
  if (trailing.type !== "end") {
    throw new ExpressionSyntaxError(`Unexpected ${describe(trailing)}`, trailing.offset);
  }
  return expr;
}
