/**
 * Test-side writes on export-format trees: what the database engine does before it asks the rules,
 * reimplemented small so that rules tests build `newRoot` without depending on the engine.
 */
import {
  child,
  childKeys,
  getPriority,
  hasChildren,
  leafValue,
  type Node,
} from "../../src/engine/tree.js";

export function isServerValue(value: unknown): value is { ".sv": unknown } {
  return (
    typeof value === "object" && value !== null && Object.keys(value).length === 1 && ".sv" in value
  );
}

/**
 * Resolves server values against the existing node (spec §6.2) and normalises to the export
 * format (no nulls, no empty objects).
 */
export function normalise(value: unknown, existing: Node, now: number): Node {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return value;
  }
  if (typeof value !== "object" || Array.isArray(value)) throw new Error("unexpected value");
  if (isServerValue(value)) {
    const sv = value[".sv"];
    if (sv === "timestamp") return now;
    if (
      typeof sv === "object" &&
      sv !== null &&
      "increment" in sv &&
      typeof sv.increment === "number"
    ) {
      const current = leafValue(existing);
      return typeof current === "number" ? current + sv.increment : sv.increment;
    }
    throw new Error("unknown server value");
  }
  const out: Record<string, Node> = {};
  for (const [key, entry] of Object.entries(value)) {
    const node = normalise(entry, child(existing, key), now);
    if (node !== null) out[key] = node;
  }
  if (".value" in out) return out;
  return Object.keys(out).some((key) => key !== ".priority") ? out : null;
}

export function setAt(root: Node, path: readonly string[], value: Node): Node {
  const [key, ...rest] = path;
  if (key === undefined) return value;
  // Writing below a leaf replaces it with children but keeps its priority (as the SDKs' tree does).
  const priority = getPriority(root);
  const siblings: Record<string, Node> = hasChildren(root)
    ? root
    : priority === null
      ? {}
      : { ".priority": priority };
  const next = setAt(siblings[key] ?? null, rest, value);
  const out: Record<string, Node> =
    next === null
      ? Object.fromEntries(Object.entries(siblings).filter(([name]) => name !== key))
      : { ...siblings, [key]: next };
  return childKeys(out).length > 0 ? out : null;
}
