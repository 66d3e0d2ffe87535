/**
 * Realtime Database security rules: parsing a rules file, and deciding reads and writes.
 *
 * Semantics (spec §11): `.read`/`.write` cascade (the first true rule from the root down to the
 * target grants it, and nothing below the target can); `.validate` does not cascade and must hold
 * on every ancestor of each written path and on every node of the written subtrees whose new
 * data is non-null. Expressions are compiled once by `Ruleset.parse`; evaluating them only runs
 * closures.
 */
import { child, childKeys, hasChildren, PRIORITY_KEY, type Node } from "../engine/tree.js";
import type { AuthVariable, QueryVariables } from "../engine/types.js";
import { compileRule, RuleCompileError, type CompiledRule, type EvalContext } from "./compile.js";
import {
  isJsonObject,
  isJsonString,
  JsonSyntaxError,
  parseJson,
  type JsonObject,
  type JsonString,
  type JsonValue,
} from "./json.js";
import { ExpressionSyntaxError, parseExpression } from "./parser.js";
import { RuleDataSnapshot } from "./snapshot.js";

/** A rules file that cannot be installed; the message is meant for an `{"error": message}` body. */
export class RulesError extends Error {}

export interface ReadRequest {
  readonly path: readonly string[];
  readonly root: Node;
  readonly auth: AuthVariable;
  readonly now: number;
  /** The listen's or get's query; null for a plain read of the location. */
  readonly query: QueryVariables | null;
}

export interface WriteCheckRequest {
  /** The tree before the write. */
  readonly root: Node;
  /** The tree with the whole write applied and server values resolved. */
  readonly newRoot: Node;
  /** Every written location: one for a set, one per key for a multi-path update. */
  readonly paths: ReadonlyArray<readonly string[]>;
  readonly auth: AuthVariable;
  readonly now: number;
}

/** A rule: absent (null), a constant, or a compiled expression. */
type Rule = null | boolean | CompiledRule;

interface RuleNode {
  readonly read: Rule;
  readonly write: Rule;
  readonly validate: Rule;
  readonly indexOn: readonly string[];
  readonly children: ReadonlyMap<string, RuleNode>;
  readonly wildcard: RuleNode | null;
  /** True when this node or a descendant has a `.validate` (lets writes skip rule-less subtrees). */
  readonly validatesBelow: boolean;
}

/**
 * What `query` holds for a plain read: production orders an unqualified read by key, so
 * `query.orderByKey` is true and every filter is unset.
 */
const PLAIN_READ_QUERY: QueryVariables = {
  orderByKey: true,
  orderByPriority: false,
  orderByValue: false,
  orderByChild: null,
  startAt: null,
  endAt: null,
  equalTo: null,
  limitToFirst: null,
  limitToLast: null,
};

const RULE_KINDS = new Set([".read", ".write", ".validate", ".indexOn"]);

function evaluate(rule: Rule, context: EvalContext): boolean {
  if (rule === null) return false;
  if (typeof rule === "boolean") return rule;
  return rule(context);
}

/** Rules for `key` below `node`: a literal child beats the wildcard sibling. */
function childRule(node: RuleNode, key: string): { node: RuleNode; wildcard: boolean } | undefined {
  const literal = node.children.get(key);
  if (literal !== undefined) return { node: literal, wildcard: false };
  if (node.wildcard !== null) return { node: node.wildcard, wildcard: true };
  return undefined;
}

/** A priority is written under its node's rules: `/a/.priority` is checked as `/a`. */
function withoutPriority(path: readonly string[]): readonly string[] {
  return path[path.length - 1] === PRIORITY_KEY ? path.slice(0, -1) : path;
}

function childOf(node: Node, key: string): Node {
  return node === null ? null : child(node, key);
}

export class Ruleset {
  static readonly open: Ruleset = Ruleset.parse('{"rules":{".read":true,".write":true}}');

  private constructor(
    /** The text as uploaded, comments included. */
    readonly source: string,
    private readonly tree: RuleNode,
  ) {}

  /** Parses and compiles a rules file; throws RulesError with a located message. */
  static parse(source: string): Ruleset {
    let document: JsonValue;
    try {
      document = parseJson(source);
    } catch (error) {
      if (error instanceof JsonSyntaxError) throw new RulesError(`Invalid JSON: ${error.message}`);
      throw error;
    }
    if (!isJsonObject(document))
      throw new RulesError('The rules file must be a JSON object with a "rules" key.');
    const rules = document.entries.find(([key]) => key === "rules")?.[1];
    if (rules === undefined)
      throw new RulesError('The rules file must have a top-level "rules" key.');
    const extra = document.entries.find(([key]) => key !== "rules");
    if (extra !== undefined) {
      throw new RulesError(
        `Line ${document.line}: Unknown top-level key "${extra[0]}"; only "rules" is allowed.`,
      );
    }
    return new Ruleset(source, buildNode(rules, ["rules"], [], document.line));
  }

  canRead(request: ReadRequest): boolean {
    const path = withoutPriority(request.path);
    const root = RuleDataSnapshot.of(request.root, [], request.root);
    const query = request.query ?? PLAIN_READ_QUERY;
    const wildcards: string[] = [];
    let node = this.tree;
    let dataNode = request.root;
    for (let depth = 0; ; depth++) {
      if (node.read !== null) {
        const context: EvalContext = {
          auth: request.auth,
          now: request.now,
          root,
          data: RuleDataSnapshot.of(request.root, path.slice(0, depth), dataNode),
          newData: undefined,
          query,
          wildcards,
        };
        if (evaluate(node.read, context)) return true;
      }
      const key = path[depth];
      if (key === undefined) return false;
      const next = childRule(node, key);
      if (next === undefined) return false;
      if (next.wildcard) wildcards.push(key);
      node = next.node;
      dataNode = childOf(dataNode, key);
    }
  }

  canWrite(request: WriteCheckRequest): boolean {
    // Ancestors shared by several paths of one update are validated once.
    const validated = request.paths.length > 1 ? new Set<string>() : undefined;
    for (const path of request.paths) {
      if (!this.canWritePath(withoutPriority(path), request, validated)) return false;
    }
    return true;
  }

  /** The `.indexOn` keys declared for a location (wildcards match), or none. */
  indexOn(path: readonly string[]): string[] {
    let node = this.tree;
    for (const key of path) {
      const next = childRule(node, key);
      if (next === undefined) return [];
      node = next.node;
    }
    return [...node.indexOn];
  }

  private canWritePath(
    path: readonly string[],
    request: WriteCheckRequest,
    validated: Set<string> | undefined,
  ): boolean {
    const { root, newRoot, auth, now } = request;
    const rootSnapshot = RuleDataSnapshot.of(root, [], root);
    const wildcards: string[] = [];
    let node: RuleNode = this.tree;
    let dataNode = root;
    let newNode = newRoot;
    let granted = false;
    let reachedTarget = false;
    for (let depth = 0; ; depth++) {
      const needsWrite = !granted && node.write !== null;
      const needsValidate = newNode !== null && node.validate !== null;
      if (needsWrite || needsValidate) {
        const prefix = path.slice(0, depth);
        const context: EvalContext = {
          auth,
          now,
          root: rootSnapshot,
          data: RuleDataSnapshot.of(root, prefix, dataNode),
          newData: RuleDataSnapshot.of(newRoot, prefix, newNode),
          query: undefined,
          wildcards,
        };
        if (needsWrite) granted = evaluate(node.write, context);
        if (needsValidate) {
          const key = prefix.join("/");
          if (validated === undefined || !validated.has(key)) {
            if (!evaluate(node.validate, context)) return false;
            validated?.add(key);
          }
        }
      }
      const key = path[depth];
      if (key === undefined) {
        reachedTarget = true;
        break;
      }
      const next = childRule(node, key);
      if (next === undefined) break;
      if (next.wildcard) wildcards.push(key);
      node = next.node;
      dataNode = childOf(dataNode, key);
      newNode = childOf(newNode, key);
    }
    if (!granted) return false;
    if (!reachedTarget || !node.validatesBelow || !hasChildren(newNode)) return true;
    return this.validateSubtree(
      node,
      [...path],
      dataNode,
      newNode,
      wildcards,
      request,
      rootSnapshot,
    );
  }

  /** Validates the children of a written node, depth first; `path`/`wildcards` are scratch stacks. */
  private validateSubtree(
    node: RuleNode,
    path: string[],
    dataNode: Node,
    newNode: Node,
    wildcards: string[],
    request: WriteCheckRequest,
    rootSnapshot: RuleDataSnapshot,
  ): boolean {
    for (const key of childKeys(newNode)) {
      const next = childRule(node, key);
      if (next === undefined || !next.node.validatesBelow) continue;
      const newChild = childOf(newNode, key);
      if (newChild === null) continue;
      const dataChild = childOf(dataNode, key);
      path.push(key);
      if (next.wildcard) wildcards.push(key);
      let valid = true;
      if (next.node.validate !== null) {
        const snapshotPath = path.slice();
        valid = evaluate(next.node.validate, {
          auth: request.auth,
          now: request.now,
          root: rootSnapshot,
          data: RuleDataSnapshot.of(request.root, snapshotPath, dataChild),
          newData: RuleDataSnapshot.of(request.newRoot, snapshotPath, newChild),
          query: undefined,
          wildcards,
        });
      }
      if (valid && hasChildren(newChild)) {
        valid = this.validateSubtree(
          next.node,
          path,
          dataChild,
          newChild,
          wildcards,
          request,
          rootSnapshot,
        );
      }
      path.pop();
      if (next.wildcard) wildcards.pop();
      if (!valid) return false;
    }
    return true;
  }
}

function describePath(location: readonly string[]): string {
  return `/${location.join("/")}`;
}

function compileExpression(
  value: JsonString,
  location: readonly string[],
  kind: "read" | "write",
  wildcards: readonly string[],
): CompiledRule {
  const where = (offset: number): string => {
    const before = value.value.slice(0, offset);
    const newlines = before.split("\n").length - 1;
    const line = value.line + newlines;
    const column = newlines === 0 ? value.column + offset : offset - before.lastIndexOf("\n");
    return `Line ${line}, column ${column} (${describePath(location)})`;
  };
  try {
    return compileRule(parseExpression(value.value), { kind, wildcards });
  } catch (error) {
    if (error instanceof ExpressionSyntaxError || error instanceof RuleCompileError) {
      throw new RulesError(`${where(error.offset)}: ${error.message}`);
    }
    throw error;
  }
}

function buildRule(
  value: JsonValue,
  location: readonly string[],
  kind: "read" | "write",
  wildcards: readonly string[],
  line: number,
): Rule {
  if (typeof value === "boolean") return value;
  if (isJsonString(value)) return compileExpression(value, location, kind, wildcards);
  throw new RulesError(
    `Line ${line} (${describePath(location)}): expected a boolean or a string expression.`,
  );
}

function buildIndexOn(value: JsonValue, location: readonly string[], line: number): string[] {
  if (isJsonString(value)) return [value.value];
  if (Array.isArray(value)) {
    const keys: string[] = [];
    for (const item of value) {
      if (!isJsonString(item)) break;
      keys.push(item.value);
    }
    if (keys.length === value.length) return keys;
  }
  throw new RulesError(
    `Line ${line} (${describePath(location)}): .indexOn must be a string or an array of strings.`,
  );
}

function buildNode(
  value: JsonValue,
  location: readonly string[],
  wildcards: readonly string[],
  line: number,
): RuleNode {
  if (!isJsonObject(value)) {
    throw new RulesError(`Line ${line} (${describePath(location)}): expected an object of rules.`);
  }
  return buildObjectNode(value, location, wildcards);
}

function buildObjectNode(
  value: JsonObject,
  location: readonly string[],
  wildcards: readonly string[],
): RuleNode {
  let read: Rule = null;
  let write: Rule = null;
  let validate: Rule = null;
  let indexOn: string[] = [];
  const children = new Map<string, RuleNode>();
  let wildcard: RuleNode | null = null;
  let wildcardName: string | null = null;
  for (const [key, entry] of value.entries) {
    const entryLocation = [...location, key];
    const line = isJsonString(entry) ? entry.line : isJsonObject(entry) ? entry.line : value.line;
    if (key.startsWith(".")) {
      if (!RULE_KINDS.has(key)) {
        throw new RulesError(
          `Line ${line} (${describePath(entryLocation)}): Invalid rule type "${key}".`,
        );
      }
      if (key === ".read") read = buildRule(entry, entryLocation, "read", wildcards, line);
      else if (key === ".write") write = buildRule(entry, entryLocation, "write", wildcards, line);
      else if (key === ".validate")
        validate = buildRule(entry, entryLocation, "write", wildcards, line);
      else indexOn = buildIndexOn(entry, entryLocation, line);
    } else if (key.startsWith("$")) {
      if (wildcardName !== null) {
        throw new RulesError(
          `Line ${line} (${describePath(entryLocation)}): only one wildcard per level ("${wildcardName}" and "${key}").`,
        );
      }
      if (wildcards.includes(key)) {
        throw new RulesError(
          `Line ${line} (${describePath(entryLocation)}): wildcard "${key}" is already used above.`,
        );
      }
      wildcardName = key;
      wildcard = buildNode(entry, entryLocation, [...wildcards, key], line);
    } else {
      children.set(key, buildNode(entry, entryLocation, wildcards, line));
    }
  }
  const validatesBelow =
    validate !== null ||
    (wildcard?.validatesBelow ?? false) ||
    [...children.values()].some((childNode) => childNode.validatesBelow);
  return { read, write, validate, indexOn, children, wildcard, validatesBelow };
}
