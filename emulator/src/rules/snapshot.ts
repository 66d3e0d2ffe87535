/**
 * RuleDataSnapshot: the `root`, `data` and `newData` values of rule expressions. A snapshot is a
 * position in one immutable tree, so `parent()` can climb back out of the written subtree.
 */
import {
  child,
  getAt,
  getPriority,
  hasChildren,
  leafValue,
  type Node,
  type Priority,
} from "../engine/tree.js";

/** What `val()` returns for a node with children: an opaque value that equals nothing. */
export const OBJECT_VALUE: unique symbol = Symbol("object value");

export class RuleDataSnapshot {
  private constructor(
    private readonly tree: Node,
    readonly path: readonly string[],
    readonly node: Node,
  ) {}

  static at(tree: Node, path: readonly string[]): RuleDataSnapshot {
    return new RuleDataSnapshot(tree, path, getAt(tree, path));
  }

  /** For callers that already hold `node === getAt(tree, path)`. */
  static of(tree: Node, path: readonly string[], node: Node): RuleDataSnapshot {
    return new RuleDataSnapshot(tree, path, node);
  }

  val(): string | number | boolean | null | typeof OBJECT_VALUE {
    return hasChildren(this.node) ? OBJECT_VALUE : leafValue(this.node);
  }

  /** Slash-separated relative path; empty segments are ignored, an empty path is the null node. */
  child(relativePath: string): RuleDataSnapshot {
    const segments = relativePath.split("/").filter((segment) => segment !== "");
    if (segments.length === 0) return new RuleDataSnapshot(this.tree, this.path, null);
    let node = this.node;
    for (const segment of segments) node = node === null ? null : child(node, segment);
    return new RuleDataSnapshot(this.tree, [...this.path, ...segments], node);
  }

  /** Undefined at the root, which has no parent (the caller turns that into a rule error). */
  parent(): RuleDataSnapshot | undefined {
    if (this.path.length === 0) return undefined;
    return RuleDataSnapshot.at(this.tree, this.path.slice(0, -1));
  }

  hasChild(relativePath: string): boolean {
    return relativePath !== "" && this.child(relativePath).exists();
  }

  hasChildren(names?: readonly string[]): boolean {
    if (names === undefined) return hasChildren(this.node);
    return names.every((name) => this.hasChild(name));
  }

  exists(): boolean {
    return this.node !== null;
  }

  getPriority(): Priority | null {
    return getPriority(this.node);
  }

  isNumber(): boolean {
    return typeof leafValue(this.node) === "number";
  }

  isString(): boolean {
    return typeof leafValue(this.node) === "string";
  }

  isBoolean(): boolean {
    return typeof leafValue(this.node) === "boolean";
  }
}
