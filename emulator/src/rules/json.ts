/**
 * The rules-file dialect of JSON: standard JSON plus `//` and `/* *\/` comments and raw newlines
 * inside strings (production accepts both, and firebase-tools uploads the file untouched).
 *
 * Parsed by hand rather than with a library so that every string value keeps the line it starts on:
 * a rule that fails to compile is reported at its line, as production does.
 */

export class JsonSyntaxError extends Error {}

export type JsonValue = null | boolean | number | JsonString | JsonValue[] | JsonObject;

/** A string with the line (1-based) and column where its text starts in the file. */
export interface JsonString {
  readonly kind: "string";
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

export interface JsonObject {
  readonly kind: "object";
  readonly entries: ReadonlyArray<readonly [key: string, value: JsonValue]>;
  readonly line: number;
}

export function isJsonString(value: JsonValue): value is JsonString {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && value.kind === "string"
  );
}

export function isJsonObject(value: JsonValue): value is JsonObject {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && value.kind === "object"
  );
}

/** The value as plain JSON (strings unwrapped), e.g. for `format=strict`. */
export function toPlain(value: JsonValue): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(toPlain);
  if (value.kind === "string") return value.value;
  const out: Record<string, unknown> = {};
  for (const [key, entry] of value.entries) out[key] = toPlain(entry);
  return out;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

export function parseJson(text: string): JsonValue {
  let pos = 0;
  let line = 1;
  let lineStart = 0;

  const fail = (message: string): never => {
    throw new JsonSyntaxError(`Line ${line}: ${message} (column ${pos - lineStart + 1}).`);
  };

  const advance = (): string => {
    const char = text.charAt(pos++);
    if (char === "\n") {
      line++;
      lineStart = pos;
    }
    return char;
  };

  const skipSpace = (): void => {
    for (;;) {
      const char = text.charAt(pos);
      if (char === " " || char === "\t" || char === "\n" || char === "\r" || char === "\uFEFF") {
        advance();
      } else if (char === "/" && text.charAt(pos + 1) === "/") {
        while (pos < text.length && text.charAt(pos) !== "\n") advance();
      } else if (char === "/" && text.charAt(pos + 1) === "*") {
        advance();
        advance();
        while (pos < text.length && !(text.charAt(pos) === "*" && text.charAt(pos + 1) === "/")) {
          advance();
        }
        if (pos >= text.length) fail("Unterminated comment");
        advance();
        advance();
      } else {
        return;
      }
    }
  };

  const parseString = (): JsonString => {
    const startLine = line;
    const startColumn = pos - lineStart + 2;
    advance();
    let out = "";
    for (;;) {
      if (pos >= text.length) fail("Unterminated string");
      const char = advance();
      if (char === '"') break;
      if (char !== "\\") {
        out += char;
        continue;
      }
      const escape = advance();
      const simple = ESCAPES[escape];
      if (simple !== undefined) {
        out += simple;
      } else if (escape === "u") {
        const hex = text.slice(pos, pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("Invalid unicode escape in string");
        out += String.fromCharCode(parseInt(hex, 16));
        pos += 4;
      } else {
        fail(`Invalid escape "\\${escape}" in string`);
      }
    }
    return { kind: "string", value: out, line: startLine, column: startColumn };
  };

  const parseNumber = (): number => {
    const match = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(pos));
    if (!match) return fail("Invalid number");
    pos += match[0].length;
    return Number(match[0]);
  };

  const parseValue = (): JsonValue => {
    skipSpace();
    const char = text.charAt(pos);
    if (char === "{") return parseObject();
    if (char === "[") return parseArray();
    if (char === '"') return parseString();
    if (char === "-" || (char >= "0" && char <= "9")) return parseNumber();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    return fail(pos >= text.length ? "Unexpected end of input" : `Unexpected character "${char}"`);
  };

  const parseObject = (): JsonObject => {
    const startLine = line;
    advance();
    const entries: Array<readonly [string, JsonValue]> = [];
    skipSpace();
    if (text.charAt(pos) === "}") {
      advance();
      return { kind: "object", entries, line: startLine };
    }
    for (;;) {
      skipSpace();
      if (text.charAt(pos) !== '"') fail("Expected a quoted key");
      const key = parseString().value;
      skipSpace();
      if (text.charAt(pos) !== ":") fail('Expected ":"');
      advance();
      const entry = [key, parseValue()] as const;
      // A repeated key replaces the earlier one, as with JSON.parse.
      const previous = entries.findIndex(([existing]) => existing === key);
      if (previous >= 0) entries.splice(previous, 1);
      entries.push(entry);
      skipSpace();
      const next = advance();
      if (next === "}") return { kind: "object", entries, line: startLine };
      if (next !== ",") {
        pos--;
        fail('Expected "," or "}"');
      }
    }
  };

  const parseArray = (): JsonValue[] => {
    advance();
    const items: JsonValue[] = [];
    skipSpace();
    if (text.charAt(pos) === "]") {
      advance();
      return items;
    }
    for (;;) {
      items.push(parseValue());
      skipSpace();
      const next = advance();
      if (next === "]") return items;
      if (next !== ",") {
        pos--;
        fail('Expected "," or "]"');
      }
    }
  };

  const value = parseValue();
  skipSpace();
  if (pos < text.length) fail("Unexpected text after the end of the document");
  return value;
}
