/**
 * Pratt parser for rule expressions (tokens from `lexer.ts`): the JavaScript-like subset that
 * `.read`, `.write` and `.validate` strings are written in. Anything outside the subset
 * (assignment, statements, bitwise operators, `typeof`, …) is a syntax error, as it is when
 * production rejects a rules upload.
 */
import { ExpressionSyntaxError, tokenize, type Token } from "./lexer.js";

export { ExpressionSyntaxError };

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
