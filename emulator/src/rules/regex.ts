/**
 * Regular-expression literals in rules (`newData.val().matches(/^[a-z]+$/i)`).
 *
 * The rules dialect is a small subset of JavaScript's: `^` only as the first character and `$` only
 * as the last, groups without `(?…)` extensions, classes, ranges, `\d \w \s \D \W \S`, the
 * quantifiers `* + ? {n} {n,} {n,m}`, and the `i` flag alone. Any other escaped character stands for
 * itself. Rather than hand the pattern to `RegExp` as it is (which would accept lookarounds,
 * backreferences and other flags), it is parsed and re-emitted with every literal escaped.
 */

export class RegexSyntaxError extends Error {}

const CLASS_ESCAPES = new Set(["d", "w", "s", "D", "W", "S"]);
const SPECIAL_OUTSIDE_CLASS = new Set([
  "\\",
  "^",
  "$",
  ".",
  "|",
  "?",
  "*",
  "+",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  "/",
  "-",
]);
const SPECIAL_INSIDE_CLASS = new Set(["\\", "]", "^", "-", "[", "/"]);

function escapeLiteral(char: string, inClass: boolean): string {
  const special = inClass ? SPECIAL_INSIDE_CLASS : SPECIAL_OUTSIDE_CLASS;
  return special.has(char) ? `\\${char}` : char;
}

export function compileRegex(pattern: string, flags: string): RegExp {
  if (flags !== "" && flags !== "i") {
    throw new RegexSyntaxError(
      `Unsupported regular expression flags "${flags}": only "i" is allowed`,
    );
  }
  if (pattern === "") throw new RegexSyntaxError("Empty regular expression");
  let pos = 0;
  let out = "";
  let end = pattern.length;

  if (pattern.startsWith("^")) {
    out += "^";
    pos = 1;
  }
  let endAnchor = false;
  if (end > pos && pattern.endsWith("$") && !isEscaped(pattern, end - 1)) {
    endAnchor = true;
    end--;
  }

  const fail = (message: string): never => {
    throw new RegexSyntaxError(`${message} in /${pattern}/ at position ${pos}`);
  };

  const parseClass = (): string => {
    // pos is just after "["
    let body = "";
    if (pattern.charAt(pos) === "^") {
      body += "^";
      pos++;
    }
    let items = 0;
    for (;;) {
      if (pos >= end) fail("Unterminated character class");
      const char = pattern.charAt(pos);
      if (char === "]" && items > 0) {
        pos++;
        return `[${body}]`;
      }
      const first = readClassAtom();
      if (first.kind === "set") {
        body += first.text;
      } else if (pattern.charAt(pos) === "-" && pos + 1 < end && pattern.charAt(pos + 1) !== "]") {
        pos++;
        const last = readClassAtom();
        if (last.kind === "set") fail("Invalid range");
        const lastChar = last.kind === "char" ? last.char : "";
        if (first.char > lastChar) fail("Range out of order");
        body += `${escapeLiteral(first.char, true)}-${escapeLiteral(lastChar, true)}`;
      } else {
        body += escapeLiteral(first.char, true);
      }
      items++;
    }
  };

  type ClassAtom = { kind: "char"; char: string } | { kind: "set"; text: string };
  const readClassAtom = (): ClassAtom => {
    const char = pattern.charAt(pos++);
    if (char !== "\\") return { kind: "char", char };
    if (pos >= end) fail("Trailing backslash");
    const escaped = pattern.charAt(pos++);
    return CLASS_ESCAPES.has(escaped)
      ? { kind: "set", text: `\\${escaped}` }
      : { kind: "char", char: escaped };
  };

  const parseQuantifier = (): string | null => {
    const char = pattern.charAt(pos);
    if (char === "*" || char === "+" || char === "?") {
      pos++;
      return char;
    }
    if (char !== "{") return null;
    const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(pos, end));
    if (!match) return fail('Invalid "{" quantifier');
    const min = Number(match[1]);
    const max = match[3] === undefined || match[3] === "" ? null : Number(match[3]);
    if (max !== null && max < min) fail("Quantifier range out of order");
    if (min > 1000 || (max !== null && max > 1000)) fail("Quantifier too large");
    pos += match[0].length;
    return match[0];
  };

  const parseAlternation = (depth: number): string => {
    const branches = [parseSequence(depth)];
    while (pos < end && pattern.charAt(pos) === "|") {
      pos++;
      branches.push(parseSequence(depth));
    }
    return branches.join("|");
  };

  const parseSequence = (depth: number): string => {
    let sequence = "";
    while (pos < end) {
      const char = pattern.charAt(pos);
      if (char === "|" || (char === ")" && depth > 0)) break;
      let atom: string;
      if (char === "(") {
        pos++;
        if (pattern.charAt(pos) === "?") fail('Group extensions "(?" are not supported');
        atom = `(${parseAlternation(depth + 1)})`;
        if (pattern.charAt(pos) !== ")") fail("Unterminated group");
        pos++;
      } else if (char === "[") {
        pos++;
        atom = parseClass();
      } else if (char === ".") {
        pos++;
        atom = ".";
      } else if (char === "\\") {
        pos++;
        if (pos >= end) fail("Trailing backslash");
        const escaped = pattern.charAt(pos++);
        atom = CLASS_ESCAPES.has(escaped) ? `\\${escaped}` : escapeLiteral(escaped, false);
      } else if (char === "*" || char === "+" || char === "?" || char === "{") {
        return fail("Nothing to repeat");
      } else if (char === "^" || char === "$") {
        return fail(
          `"${char}" is only allowed at the ${char === "^" ? "start" : "end"} of the pattern`,
        );
      } else if (char === ")") {
        return fail('Unmatched ")"');
      } else {
        pos++;
        atom = escapeLiteral(char, false);
      }
      const quantifier = parseQuantifier();
      sequence += quantifier === null ? atom : `${atom}${quantifier}`;
      if (quantifier !== null && /^[*+?{]/.test(pattern.charAt(pos))) fail("Nested quantifier");
    }
    return sequence;
  };

  out += parseAlternation(0);
  if (pos < end) fail("Unexpected character");
  if (endAnchor) out += "$";
  return new RegExp(out, flags);
}

function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && text.charAt(i) === "\\"; i--) backslashes++;
  return backslashes % 2 === 1;
}
