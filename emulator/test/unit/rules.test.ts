import { expect } from "chai";
import { Ruleset, RulesError } from "../../src/rules/index.js";
import type { Node } from "../../src/engine/tree.js";
import type { AuthVariable, QueryVariables } from "../../src/engine/types.js";
import { normalise, setAt } from "../differential/tree-writes.js";

const NOW = 1_700_000_000_000;
const alice: AuthVariable = {
  uid: "alice",
  provider: "password",
  token: {
    sub: "alice",
    email: "alice@example.com",
    admin: true,
    firebase: { sign_in_provider: "password" },
  },
};
const bob: AuthVariable = { uid: "bob", provider: "custom", token: { sub: "bob" } };

function rules(tree: object): Ruleset {
  return Ruleset.parse(JSON.stringify({ rules: tree }));
}

function split(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

function canRead(
  ruleset: Ruleset,
  path: string,
  options: { root?: Node; auth?: AuthVariable; query?: QueryVariables } = {},
): boolean {
  return ruleset.canRead({
    path: split(path),
    root: options.root ?? null,
    auth: options.auth ?? null,
    now: NOW,
    query: options.query ?? null,
  });
}

function canSet(
  ruleset: Ruleset,
  path: string,
  value: unknown,
  options: { root?: Node; auth?: AuthVariable } = {},
): boolean {
  const root = options.root ?? null;
  const written = split(path);
  const newRoot = setAt(root, written, normalise(value, null, NOW));
  return ruleset.canWrite({
    root,
    newRoot,
    paths: [written],
    auth: options.auth ?? null,
    now: NOW,
  });
}

function canUpdate(
  ruleset: Ruleset,
  path: string,
  values: Record<string, unknown>,
  options: { root?: Node; auth?: AuthVariable } = {},
): boolean {
  const root = options.root ?? null;
  let newRoot = root;
  const paths: string[][] = [];
  for (const [key, value] of Object.entries(values)) {
    const written = [...split(path), ...split(key)];
    paths.push(written);
    newRoot = setAt(newRoot, written, normalise(value, null, NOW));
  }
  return ruleset.canWrite({ root, newRoot, paths, auth: options.auth ?? null, now: NOW });
}

/** Evaluates one expression as the root `.read` rule. */
function holds(expression: string, options: { root?: Node; auth?: AuthVariable } = {}): boolean {
  return canRead(rules({ ".read": expression }), "/", options);
}

function parseError(source: string): string {
  try {
    Ruleset.parse(source);
  } catch (error) {
    if (error instanceof RulesError) return error.message;
    throw error;
  }
  throw new Error("expected a RulesError");
}

describe("Ruleset.parse", () => {
  it("accepts // and /* */ comments and newlines inside strings, and keeps the source", () => {
    const source = `{
      // who may read
      "rules": {
        /* everyone signed in */
        ".read": "auth != null &&
                  auth.uid == 'alice'",
        ".indexOn": ["age", "name"]
      }
    }`;
    const ruleset = Ruleset.parse(source);
    expect(ruleset.source).to.equal(source);
    expect(canRead(ruleset, "/", { auth: alice })).to.equal(true);
    expect(canRead(ruleset, "/", { auth: bob })).to.equal(false);
    expect(ruleset.indexOn([])).to.deep.equal(["age", "name"]);
  });

  it("rejects bad JSON with its line", () => {
    expect(parseError('{\n  "rules": {\n    ".read": true,\n  }\n}')).to.match(
      /^Invalid JSON: Line 4/,
    );
    expect(parseError('{"rules": {".read": "true}}')).to.match(/Unterminated string/);
  });

  it("rejects a file without a top-level rules key, or with other top-level keys", () => {
    expect(parseError('{".read": true}')).to.match(/"rules"/);
    expect(parseError("[]")).to.match(/"rules"/);
    expect(parseError('{"rules": {}, "extra": 1}')).to.match(/Unknown top-level key "extra"/);
    expect(() => Ruleset.parse('{"rules": {}}')).not.to.throw();
  });

  it("rejects unknown rule keys such as .reed", () => {
    const message = parseError('{"rules": {"a": {".reed": true}}}');
    expect(message).to.contain('Invalid rule type ".reed"');
    expect(message).to.contain("/rules/a/.reed");
    expect(() => Ruleset.parse('{"rules": {"a": {".read": true}}}')).not.to.throw();
  });

  it("rejects expression syntax errors with line, column and rule path", () => {
    const message = parseError(
      '{\n  "rules": {\n    "a": {".write": "auth != null &&& true"}\n  }\n}',
    );
    expect(message).to.match(/^Line 3, column \d+ \(\/rules\/a\/\.write\): /);
    expect(parseError('{"rules": {".read": "auth.uid = 1"}}')).to.match(/Unexpected character "="/);
    expect(parseError('{"rules": {".read": "(true"}}')).to.match(/Expected "\)"/);
  });

  it("reports the line inside a multi-line expression", () => {
    const message = parseError('{"rules": {\n".read": "true &&\n  nope == 1"}}');
    expect(message).to.match(/^Line 3, column 3 .*Unknown variable 'nope'/);
  });

  it("rejects expressions that do not type-check", () => {
    const invalid = [
      "data.val()",
      "'yes'",
      "auth.uid && true",
      "!auth.token.admin",
      "newData.exists()",
      "unknown == 1",
      "$uid == 'x'",
      "root.child('a') == null",
      "data.val() > true",
      "1 < 'a'",
      "data.exists",
      "data.foo()",
      "'abc'.indexOf('b') == 1",
      "auth.uid.size() == 1",
      "root.hasChildren('a', 'b')",
      "root.hasChildren([])",
      "data.val().matches('x')",
      "data.val().matches(/x/g)",
      "data.val().matches(/a(?=b)/)",
      "auth.uid == 'a' ? 7 : true",
      "root[$x]() == true",
      "typeof auth == 'object'",
    ];
    for (const expression of invalid) {
      expect(() => rules({ ".read": expression }), expression).to.throw(RulesError);
    }
    expect(() => rules({ ".write": "newData.exists()" })).not.to.throw();
    expect(() => rules({ $uid: { ".read": "$uid == 'x'" } })).not.to.throw();
    expect(() => rules({ ".read": "root['exists']() == false" })).not.to.throw();
  });

  it("lets a repeated JSON key replace the earlier one, as JSON.parse does", () => {
    const ruleset = Ruleset.parse('{"rules": {".read": false, ".read": true}}');
    expect(canRead(ruleset, "/")).to.equal(true);
    expect(canRead(Ruleset.parse('{"rules": {".read": true, ".read": false}}'), "/")).to.equal(
      false,
    );
  });

  it("rejects rule values, .indexOn values and wildcards of the wrong shape", () => {
    expect(() => rules({ ".read": 1 })).to.throw(RulesError, /boolean or a string/);
    expect(() => rules({ ".indexOn": [1] })).to.throw(RulesError, /\.indexOn/);
    expect(() => rules({ ".indexOn": "age" })).not.to.throw();
    expect(() => rules({ a: true })).to.throw(RulesError, /expected an object/);
    expect(() => rules({ $a: {}, $b: {} })).to.throw(RulesError, /only one wildcard/);
    expect(() => rules({ $a: { $a: {} } })).to.throw(RulesError, /already used/);
  });
});

describe("Ruleset.open", () => {
  it("allows every read and write, and shows the default rules text", () => {
    expect(Ruleset.open.source).to.equal('{"rules":{".read":true,".write":true}}');
    expect(canRead(Ruleset.open, "/a/b")).to.equal(true);
    expect(canSet(Ruleset.open, "/a/b", 1)).to.equal(true);
  });
});

describe("Ruleset.canRead", () => {
  it("grants a location and everything below it from the first true .read on the way down", () => {
    const ruleset = rules({ public: { ".read": true, secret: { ".read": false } } });
    expect(canRead(ruleset, "/public/secret/x")).to.equal(true);
    expect(canRead(ruleset, "/other")).to.equal(false);
  });

  it("denies a location whose only grants are below it", () => {
    const ruleset = rules({ a: { b: { ".read": true } } });
    expect(canRead(ruleset, "/a")).to.equal(false);
    expect(canRead(ruleset, "/a/b")).to.equal(true);
  });

  it("captures $wildcards as strings", () => {
    const ruleset = rules({ users: { $uid: { ".read": "$uid === auth.uid" } } });
    expect(canRead(ruleset, "/users/alice", { auth: alice })).to.equal(true);
    expect(canRead(ruleset, "/users/alice", { auth: bob })).to.equal(false);
    const numeric = rules({ $n: { ".read": "$n == '1' && $n.length == 1" } });
    expect(canRead(numeric, "/1")).to.equal(true);
    expect(canRead(numeric, "/2")).to.equal(false);
  });

  it("prefers a literal key over its wildcard sibling", () => {
    const ruleset = rules({ items: { open: { ".read": true }, $other: { ".read": false } } });
    expect(canRead(ruleset, "/items/open")).to.equal(true);
    expect(canRead(ruleset, "/items/closed")).to.equal(false);
  });

  it("sees data at the location and the whole tree as root", () => {
    const root = { flags: { public: true }, items: { a: { owner: "alice" } } };
    const ruleset = rules({
      items: {
        $id: {
          ".read":
            "data.child('owner').val() == auth.uid || root.child('flags/public').val() == true",
        },
      },
    });
    expect(canRead(ruleset, "/items/a", { root: { items: root.items }, auth: alice })).to.equal(
      true,
    );
    expect(canRead(ruleset, "/items/a", { root: { items: root.items }, auth: bob })).to.equal(
      false,
    );
    expect(canRead(ruleset, "/items/a", { root, auth: bob })).to.equal(true);
  });

  it("exposes the query variables, with orderByKey for a plain read", () => {
    const ruleset = rules({
      list: {
        ".read":
          "query.orderByChild == 'owner' && query.equalTo == auth.uid && query.limitToFirst <= 10",
      },
      plain: { ".read": "query.orderByKey == true && query.limitToFirst == null" },
    });
    const query: QueryVariables = {
      orderByKey: false,
      orderByPriority: false,
      orderByValue: false,
      orderByChild: "owner",
      startAt: null,
      endAt: null,
      equalTo: "alice",
      limitToFirst: 10,
      limitToLast: null,
    };
    expect(canRead(ruleset, "/list", { auth: alice, query })).to.equal(true);
    expect(canRead(ruleset, "/list", { auth: bob, query })).to.equal(false);
    expect(
      canRead(ruleset, "/list", { auth: alice, query: { ...query, limitToFirst: 11 } }),
    ).to.equal(false);
    expect(canRead(ruleset, "/plain")).to.equal(true);
    expect(canRead(ruleset, "/plain", { query })).to.equal(false);
  });

  it("checks a priority path against its node's rules", () => {
    const ruleset = rules({ a: { ".read": true }, $other: { ".read": false } });
    expect(canRead(ruleset, "/a/.priority")).to.equal(true);
    expect(canRead(ruleset, "/b/.priority")).to.equal(false);
  });

  it("makes a rule that errors at run time false, not the request", () => {
    const ruleset = rules({
      ".read": "root.child('users/' + auth.uid).exists()",
      negated: { ".read": "!root.child('users/' + auth.uid).exists()" },
    });
    const root = { users: { alice: true } };
    expect(canRead(ruleset, "/", { root, auth: alice })).to.equal(true);
    expect(canRead(ruleset, "/", { root, auth: null })).to.equal(false);
    expect(canRead(ruleset, "/negated", { root, auth: null })).to.equal(false);
    expect(canRead(ruleset, "/negated", { root, auth: bob })).to.equal(true);
  });
});

describe("Ruleset.canWrite", () => {
  it("grants a write from the first true .write on the way down; deeper rules cannot revoke it", () => {
    const ruleset = rules({
      users: { $uid: { ".write": "$uid == auth.uid", locked: { ".write": false } } },
    });
    expect(canSet(ruleset, "/users/alice/locked", 1, { auth: alice })).to.equal(true);
    expect(canSet(ruleset, "/users/alice/locked", 1, { auth: bob })).to.equal(false);
    expect(canSet(ruleset, "/users", { alice: 1 }, { auth: alice })).to.equal(false);
  });

  it("evaluates .validate on ancestors of the written path, without cascading", () => {
    const ruleset = rules({
      ".write": true,
      profile: {
        ".validate": "newData.hasChildren(['name'])",
        age: { ".validate": "newData.isNumber()" },
      },
    });
    const root = { profile: { name: "A", age: 1 } };
    expect(canSet(ruleset, "/profile/age", 2, { root })).to.equal(true);
    expect(canSet(ruleset, "/profile/age", "two", { root })).to.equal(false);
    expect(canSet(ruleset, "/profile/name", 3, { root })).to.equal(true);
    expect(canSet(ruleset, "/profile", { age: 3 }, { root })).to.equal(false);
  });

  it("evaluates .validate on every non-null node of the written subtree", () => {
    const ruleset = rules({
      ".write": true,
      posts: { $id: { title: { ".validate": "newData.isString() && newData.val().length <= 5" } } },
    });
    expect(canSet(ruleset, "/posts", { p1: { title: "short" }, p2: { title: "short" } })).to.equal(
      true,
    );
    expect(
      canSet(ruleset, "/posts", { p1: { title: "short" }, p2: { title: "far too long" } }),
    ).to.equal(false);
  });

  it("does not evaluate .validate where newData is null (deletes)", () => {
    const ruleset = rules({ ".write": true, a: { ".validate": "newData.isString()" } });
    const root = { a: "x" };
    expect(canSet(ruleset, "/a", null, { root })).to.equal(true);
    expect(canSet(ruleset, "/a", 5, { root })).to.equal(false);
  });

  it("rejects unknown children with the $other .validate false idiom", () => {
    const ruleset = rules({
      ".write": true,
      user: { name: { ".validate": true }, $other: { ".validate": false } },
    });
    expect(canSet(ruleset, "/user", { name: "A" })).to.equal(true);
    expect(canSet(ruleset, "/user", { name: "A", extra: 1 })).to.equal(false);
  });

  it("needs a .write grant for every path of a multi-path update", () => {
    const ruleset = rules({ a: { ".write": true }, b: { ".write": "auth != null" } });
    expect(canUpdate(ruleset, "/", { "a/x": 1, "b/y": 2 }, { auth: alice })).to.equal(true);
    expect(canUpdate(ruleset, "/", { "a/x": 1, "b/y": 2 })).to.equal(false);
  });

  it("shows newData with the whole update applied, and root/data before it", () => {
    const ruleset = rules({
      ".write": true,
      pair: {
        left: { ".validate": "newData.parent().child('right').val() == newData.val()" },
        right: {
          ".validate": "root.child('pair/right').val() != newData.val() && data.val() == 0",
        },
      },
    });
    const root = { pair: { left: 0, right: 0 } };
    expect(canUpdate(ruleset, "/pair", { left: 5, right: 5 }, { root })).to.equal(true);
    expect(canUpdate(ruleset, "/pair", { left: 5, right: 6 }, { root })).to.equal(false);
    expect(canUpdate(ruleset, "/pair", { left: 0, right: 0 }, { root })).to.equal(false);
  });

  it("sees resolved server timestamps equal to now", () => {
    const ruleset = rules({ ".write": true, at: { ".validate": "newData.val() == now" } });
    expect(canSet(ruleset, "/at", { ".sv": "timestamp" })).to.equal(true);
    expect(canSet(ruleset, "/at", NOW - 1)).to.equal(false);
  });

  it("does not let newData's parent() climb above the root", () => {
    const ruleset = rules({
      ".write": "newData.parent().exists() || true == false",
      a: { ".write": "newData.parent().exists()" },
    });
    expect(canSet(ruleset, "/a", 1)).to.equal(true);
    expect(canSet(ruleset, "/b", 1)).to.equal(false);
  });
});

describe("Ruleset.indexOn", () => {
  it("returns the keys declared at a location, following wildcards", () => {
    const ruleset = rules({
      users: { $uid: { ".indexOn": ["age"] } },
      list: { ".indexOn": "name" },
    });
    expect(ruleset.indexOn(["users", "alice"])).to.deep.equal(["age"]);
    expect(ruleset.indexOn(["list"])).to.deep.equal(["name"]);
    expect(ruleset.indexOn(["nothing"])).to.deep.equal([]);
  });
});

describe("rule expressions", () => {
  const root: Node = {
    s: "Hello",
    n: 5,
    f: 2.5,
    b: true,
    p: { ".value": "x", ".priority": 7 },
    o: { a: 1, b: { c: "deep" }, ".priority": "high" },
  };

  it("evaluates arithmetic, unary minus and string concatenation", () => {
    for (const [expression, expected] of [
      ["root.child('n').val() * 2 + 1 == 11", true],
      ["root.child('n').val() * 2 + 1 == 12", false],
      ["root.child('n').val() % 2 == 1", true],
      ["root.child('n').val() - 7 == -2", true],
      ["-root.child('n').val() < 0", true],
      ["-root.child('n').val() > 0", false],
      ["root.child('n').val() / 2 == 2.5", true],
      ["(1 / 0 + '') == 'NaN'", true],
      ["root.child('s').val() + '!' == 'Hello!'", true],
      ["root.child('s').val() + 1 == 'Hello1'", true],
      ["1 + root.child('s').val() == 'Hello1'", false],
      ["2 > 1 ? root.child('b').val() == true : false", true],
      ["2 < 1 ? true : root.child('b').val() == false", false],
    ] as const) {
      expect(holds(expression, { root }), expression).to.equal(expected);
    }
  });

  it("compares without coercion: == between types is false, < between types is an error", () => {
    expect(holds("root.child('n').val() == 5", { root })).to.equal(true);
    expect(holds("root.child('n').val() == '5'", { root })).to.equal(false);
    expect(holds("root.child('n').val() != '5'", { root })).to.equal(true);
    expect(holds("root.child('b').val() === 1", { root })).to.equal(false);
    expect(holds("root.child('missing').val() == null", { root })).to.equal(true);
    expect(holds("root.child('s').val() < 'I'", { root })).to.equal(true);
    expect(holds("root.child('s').val() > 3", { root })).to.equal(false);
    expect(holds("!(root.child('s').val() > 3)", { root })).to.equal(false);
    expect(holds("root.child('missing').val() < 3", { root })).to.equal(false);
    expect(holds("root.child('b').val() + 1 == 2", { root })).to.equal(false);
  });

  it("gives an object's val() a value equal to nothing", () => {
    expect(holds("root.child('o').val() == null", { root })).to.equal(false);
    expect(holds("root.child('o').val() != null", { root })).to.equal(true);
    expect(holds("root.child('o').val() == root.child('o').val()", { root })).to.equal(false);
  });

  it("implements the RuleDataSnapshot methods", () => {
    for (const [expression, expected] of [
      ["root.child('o/b/c').val() == 'deep'", true],
      ["root.child('o').child('b').child('c').val() == 'deep'", true],
      ["root.child('o/b/c').parent().parent().hasChild('a')", true],
      ["root.child('o/b').parent().hasChild('x')", false],
      ["root.child('o').hasChild('b/c')", true],
      ["root.child('o').hasChild('b/x')", false],
      ["root.child('o').hasChildren()", true],
      ["root.child('s').hasChildren()", false],
      ["root.child('o').hasChildren(['a', 'b'])", true],
      ["root.child('o').hasChildren(['a', 'z'])", false],
      ["root.child('o').exists()", true],
      ["root.child('zz').exists()", false],
      ["root.child('p').getPriority() == 7", true],
      ["root.child('o').getPriority() == 'high'", true],
      ["root.child('s').getPriority() == null", true],
      ["root.child('p').val() == 'x'", true],
      ["root.child('n').isNumber() && root.child('f').isNumber()", true],
      ["root.child('s').isNumber()", false],
      ["root.child('s').isString()", true],
      ["root.child('b').isString()", false],
      ["root.child('b').isBoolean()", true],
      ["root.child('n').isBoolean()", false],
      ["root.parent().exists() || true", false],
    ] as const) {
      expect(holds(expression, { root }), expression).to.equal(expected);
    }
  });

  it("implements the string members", () => {
    for (const [expression, expected] of [
      ["'Hello'.length == 5", true],
      ["'Hello'.length == 4", false],
      ["'Hello'.contains('ell')", true],
      ["'Hello'.contains('elo')", false],
      ["'Hello'.beginsWith('He')", true],
      ["'Hello'.beginsWith('lo')", false],
      ["'Hello'.endsWith('lo')", true],
      ["'hello'.endsWith('@x.com')", false],
      ["'a.b.c'.replace('.', '/') == 'a/b/c'", true],
      ["'a.b.c'.replace('.', '/') == 'a/b.c'", false],
      ["'Hello'.toLowerCase() == 'hello'", true],
      ["'Hello'.toUpperCase() == 'HELLO'", true],
      ["'Hello'.toUpperCase() == 'Hello'", false],
      ["root.child('s').val().length == 5", true],
      ["root.child('n').val().contains('5')", false],
    ] as const) {
      expect(holds(expression, { root }), expression).to.equal(expected);
    }
  });

  it("matches regular expressions in the rules dialect", () => {
    for (const [expression, expected] of [
      ["'Hello'.matches(/^H.*o$/)", true],
      ["'Hello'.matches(/^h/)", false],
      ["'Hello'.matches(/^h/i)", true],
      [
        "'2024-01-31'.matches(/^(19|20)[0-9][0-9][-\\\\/. ](0[1-9]|1[012])[-\\\\/. ](0[1-9]|[12][0-9]|3[01])$/)",
        true,
      ],
      ["'a@b.io'.matches(/^[A-Z0-9._%+-]+@[A-Z0-9.-]+\\\\.[A-Z]{2,4}$/i)", true],
      ["'a@b'.matches(/^[A-Z0-9._%+-]+@[A-Z0-9.-]+\\\\.[A-Z]{2,4}$/i)", false],
      ["'a1'.matches(/^\\\\w\\\\d$/)", true],
      ["'a.'.matches(/^a\\\\.$/)", true],
      ["'ab'.matches(/^a\\\\.$/)", false],
      ["'aaa'.matches(/^a{2,3}$/)", true],
      ["'aaaa'.matches(/^a{2,3}$/)", false],
      ["'b'.matches(/^[^a]$/)", true],
    ] as const) {
      const parsed: unknown = JSON.parse(`"${expression}"`);
      if (typeof parsed !== "string") throw new Error("bad fixture");
      expect(holds(parsed), parsed).to.equal(expected);
    }
  });

  it("reads auth, auth.token claims and missing claims as null", () => {
    expect(holds("auth.uid == 'alice' && auth.provider == 'password'", { auth: alice })).to.equal(
      true,
    );
    expect(holds("auth.uid == 'alice'", { auth: bob })).to.equal(false);
    expect(
      holds("auth.token.admin == true && auth.token.firebase.sign_in_provider == 'password'", {
        auth: alice,
      }),
    ).to.equal(true);
    expect(holds("auth.token.admin == true", { auth: bob })).to.equal(false);
    expect(holds("auth.token.email.endsWith('@example.com')", { auth: alice })).to.equal(true);
    expect(holds("auth.token.email.endsWith('@example.com')", { auth: bob })).to.equal(false);
    expect(holds("auth.token.admin == null", { auth: bob })).to.equal(true);
    expect(holds("auth.uid != 'mallory'", { auth: null })).to.equal(true);
    expect(holds("auth == null", { auth: null })).to.equal(true);
    expect(holds("auth == null", { auth: bob })).to.equal(false);
  });

  it("sees now as the request time", () => {
    expect(holds(`now == ${NOW}`)).to.equal(true);
    expect(holds(`now < ${NOW}`)).to.equal(false);
  });
});
