// Minimal stand-in for the values module: same exports and contract, enough for queries.
export type Value =
  | { nullValue: null }
  | { booleanValue: boolean }
  | { integerValue: string }
  | { doubleValue: number | string }
  | { timestampValue: string }
  | { stringValue: string }
  | { bytesValue: string }
  | { referenceValue: string }
  | { geoPointValue: { latitude?: number; longitude?: number } }
  | { arrayValue: { values?: Value[] } }
  | { mapValue: { fields?: Record<string, Value> } };

function doubleOf(raw: number | string): number {
  return typeof raw === "number" ? raw : Number(raw);
}

export function typeOrder(v: Value): number {
  if ("nullValue" in v) return 0;
  if ("booleanValue" in v) return 1;
  if ("integerValue" in v || "doubleValue" in v) return 2;
  if ("timestampValue" in v) return 3;
  if ("stringValue" in v) return 4;
  if ("bytesValue" in v) return 5;
  if ("referenceValue" in v) return 6;
  if ("geoPointValue" in v) return 7;
  if ("arrayValue" in v) return 8;
  return 9;
}

function sign(n: number | bigint): number {
  return n > 0 ? 1 : n < 0 ? -1 : 0;
}

function compareNumbers(a: Value, b: Value): number {
  if ("integerValue" in a && "integerValue" in b)
    return sign(BigInt(a.integerValue) - BigInt(b.integerValue));
  const x = "integerValue" in a ? a.integerValue : "doubleValue" in a ? doubleOf(a.doubleValue) : 0;
  const y = "integerValue" in b ? b.integerValue : "doubleValue" in b ? doubleOf(b.doubleValue) : 0;
  if (typeof x === "number" && Number.isNaN(x))
    return typeof y === "number" && Number.isNaN(y) ? 0 : -1;
  if (typeof y === "number" && Number.isNaN(y)) return 1;
  // Exact when the double is integral and finite; otherwise a double comparison is exact enough to order.
  if (typeof x === "string" && typeof y === "number")
    return Number.isInteger(y) ? sign(BigInt(x) - BigInt(y)) : sign(Number(x) - y);
  if (typeof x === "number" && typeof y === "string")
    return Number.isInteger(x) ? sign(BigInt(x) - BigInt(y)) : sign(x - Number(y));
  return sign(Number(x) - Number(y));
}

function timestampParts(text: string): [bigint, number] {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(text);
  if (match === null) return [BigInt(Math.floor(Date.parse(text) / 1000)), 0];
  const seconds = Date.parse(`${match[1] ?? ""}${match[3] ?? "Z"}`) / 1000;
  return [BigInt(seconds), Number((match[2] ?? "").padEnd(9, "0"))];
}

function compareBytes(a: Buffer, b: Buffer): number {
  return sign(Buffer.compare(a, b));
}

function compareStrings(a: string, b: string): number {
  return compareBytes(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export function compareValues(a: Value, b: Value): number {
  const order = typeOrder(a) - typeOrder(b);
  if (order !== 0) return sign(order);
  if ("nullValue" in a) return 0;
  if ("booleanValue" in a && "booleanValue" in b)
    return sign(Number(a.booleanValue) - Number(b.booleanValue));
  if (typeOrder(a) === 2) return compareNumbers(a, b);
  if ("timestampValue" in a && "timestampValue" in b) {
    const [as, an] = timestampParts(a.timestampValue);
    const [bs, bn] = timestampParts(b.timestampValue);
    return as === bs ? sign(an - bn) : sign(as - bs);
  }
  if ("stringValue" in a && "stringValue" in b) return compareStrings(a.stringValue, b.stringValue);
  if ("bytesValue" in a && "bytesValue" in b)
    return compareBytes(Buffer.from(a.bytesValue, "base64"), Buffer.from(b.bytesValue, "base64"));
  if ("referenceValue" in a && "referenceValue" in b) {
    const x = a.referenceValue.split("/");
    const y = b.referenceValue.split("/");
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = compareStrings(x[i] ?? "", y[i] ?? "");
      if (c !== 0) return c;
    }
    return sign(x.length - y.length);
  }
  if ("geoPointValue" in a && "geoPointValue" in b) {
    const lat = sign((a.geoPointValue.latitude ?? 0) - (b.geoPointValue.latitude ?? 0));
    return lat !== 0
      ? lat
      : sign((a.geoPointValue.longitude ?? 0) - (b.geoPointValue.longitude ?? 0));
  }
  if ("arrayValue" in a && "arrayValue" in b) {
    const x = a.arrayValue.values ?? [];
    const y = b.arrayValue.values ?? [];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const xi = x[i];
      const yi = y[i];
      if (xi === undefined || yi === undefined) break;
      const c = compareValues(xi, yi);
      if (c !== 0) return c;
    }
    return sign(x.length - y.length);
  }
  if ("mapValue" in a && "mapValue" in b) {
    const x = a.mapValue.fields ?? {};
    const y = b.mapValue.fields ?? {};
    const xk = Object.keys(x).sort(compareStrings);
    const yk = Object.keys(y).sort(compareStrings);
    for (let i = 0; i < Math.min(xk.length, yk.length); i++) {
      const kx = xk[i] ?? "";
      const ky = yk[i] ?? "";
      const c = compareStrings(kx, ky);
      if (c !== 0) return c;
      const vx = x[kx];
      const vy = y[ky];
      if (vx === undefined || vy === undefined) continue;
      const v = compareValues(vx, vy);
      if (v !== 0) return v;
    }
    return sign(xk.length - yk.length);
  }
  return 0;
}

function isNaNValue(v: Value): boolean {
  return "doubleValue" in v && Number.isNaN(doubleOf(v.doubleValue));
}

export function valuesEqual(a: Value, b: Value): boolean {
  if (isNaNValue(a) || isNaNValue(b)) return false;
  return typeOrder(a) === typeOrder(b) && compareValues(a, b) === 0;
}

export function parseFieldPath(path: string): string[] {
  const segments: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < path.length; i++) {
    const c = path[i] ?? "";
    if (quoted) {
      if (c === "\\") current += path[++i] ?? "";
      else if (c === "`") quoted = false;
      else current += c;
    } else if (c === "`") quoted = true;
    else if (c === ".") {
      segments.push(current);
      current = "";
    } else current += c;
  }
  segments.push(current);
  return segments;
}

export function formatFieldPath(segments: string[]): string {
  return segments
    .map((s) =>
      /^[A-Za-z_][A-Za-z_0-9]*$/.test(s) ? s : `\`${s.replace(/[\\`]/g, (c) => `\\${c}`)}\``,
    )
    .join(".");
}

export function getField(
  fields: Record<string, Value> | undefined,
  path: readonly string[],
): Value | undefined {
  let current: Record<string, Value> | undefined = fields;
  let value: Value | undefined;
  for (const segment of path) {
    if (current === undefined || !Object.hasOwn(current, segment)) return undefined;
    value = current[segment];
    current =
      value !== undefined && "mapValue" in value ? (value.mapValue.fields ?? {}) : undefined;
  }
  return value;
}
