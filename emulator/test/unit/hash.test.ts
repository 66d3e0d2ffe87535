/**
 * hashNode must equal the hash the real client sends with a transaction's put. The client's hash
 * functions are not exported, so these tests drive the real `firebase` client against a throwaway
 * WebSocket server that serves a chosen value, and capture the `h` of the put it answers with.
 */
import { expect } from "chai";
import { onValue, ref, runTransaction, type Database } from "firebase/database";
import { doubleBitsHex, hashNode } from "../../src/engine/hash.js";
import { normalize } from "../../src/engine/tree.js";
import { ValueServer, connectClient, withTimeout } from "./value-server.js";

/** Values as the JSON text the server pushes, so that `-0` and arrays reach the client as such. */
const CORPUS: ReadonlyArray<readonly [label: string, json: string]> = [
  ["zero", "0"],
  ["negative zero", "-0"],
  ["0.1", "0.1"],
  ["-1e-300 (below the client's exponent overflow)", "-1e-300"],
  ["1e21", "1e21"],
  ["2^53 + 2", "9007199254740994"],
  ["the smallest denormal", "5e-324"],
  ["the smallest normal", "2.2250738585072014e-308"],
  ["the largest double", "1.7976931348623157e308"],
  ["a negative integer", "-42"],
  ["a Unicode string", JSON.stringify("héllo wörld ✓ 日本語 😀 \u0001")],
  ["a lone high surrogate", '"a\\ud800b"'],
  ["a lone low surrogate", '"a\\udc00b"'],
  ["true", "true"],
  ["false", "false"],
  [
    "integer-like keys",
    '{"1":"a","01":"b","001":"c","-1":"d","2147483648":"e","10":"f","b":"g","A":1,"-2147483648":2,"2147483647":3}',
  ],
  ["nested objects", '{"a":{"b":{"c":1,"d":"x"},"e":true},"f":{"g":{"h":{"i":-0.5}}}}'],
  ["an array", '[10,"x",false,null,{"y":1},[1,2]]'],
  ["a leaf with a number priority", '{".value":5,".priority":1.5}'],
  ["a leaf with a string priority", '{".value":"s",".priority":"p"}'],
  ["a leaf with a tiny priority", '{".value":true,".priority":1e-300}'],
  ["an object with a string priority", '{".priority":"high","k":"v"}'],
  [
    "an object with a number priority and children of mixed priorities",
    '{".priority":3,"a":{".value":1,".priority":"z"},"b":{".value":2,".priority":10},' +
      '"c":{"x":1,".priority":-5},"d":4,"e":{".value":"e",".priority":"a"},"f":{".value":0,".priority":10}}',
  ],
];

/** Lets the client cache `json` at `path`, runs a transaction there, returns the `h` it sent. */
async function clientHash(server: ValueServer, database: Database, path: string, json: string) {
  server.values.set(path, json);
  const location = ref(database, path);
  let unsubscribe: (() => void) | undefined;
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      unsubscribe = onValue(
        location,
        () => {
          resolve();
        },
        reject,
      );
    }),
    5000,
    `the value at /${path}`,
  );
  try {
    const transaction = runTransaction(location, () => "replaced", { applyLocally: false });
    const put = await server.putFor(path);
    await withTimeout(transaction, 5000, `the transaction at /${path}`);
    return put.hash;
  } finally {
    unsubscribe?.();
  }
}

describe("hashNode", function () {
  let server: ValueServer;
  let client: ReturnType<typeof connectClient>;

  before(async function () {
    server = await ValueServer.start();
    client = connectClient(server, "hash-test");
  });

  after(async function () {
    await client.close();
    await server.close();
  });

  CORPUS.forEach(([label, json], index) => {
    it(`returns the client's transaction hash for ${label}`, async function () {
      const sent = await clientHash(server, client.database, `corpus/${index}`, json);
      expect(sent).to.be.a("string").and.not.equal("");
      expect(hashNode(normalize(JSON.parse(json)))).to.equal(sent);
    });
  });

  it("returns the empty string for the empty node, as the client does for a missing value", async function () {
    const sent = await clientHash(server, client.database, "corpus/missing", "null");
    expect(sent).to.equal("");
    expect(hashNode(null)).to.equal("");
  });

  it("returns different hashes for values that differ only in a priority", function () {
    expect(hashNode({ ".value": 1, ".priority": 1 })).to.not.equal(hashNode(1));
    expect(hashNode({ a: 1, ".priority": "x" })).to.not.equal(hashNode({ a: 1, ".priority": "y" }));
  });
});

describe("doubleBitsHex", function () {
  it("returns the IEEE 754 bits for ordinary doubles", function () {
    const buffer = Buffer.alloc(8);
    for (const value of [1, -1, 0.1, 123456.789, 1e21, -2.5e-17, 9007199254740994, 1e300, 5e-324]) {
      buffer.writeDoubleBE(value);
      expect(doubleBitsHex(value), String(value)).to.equal(buffer.toString("hex"));
    }
  });

  it("returns the client's zero fraction for magnitudes below about 2^-971", function () {
    expect(doubleBitsHex(1e-300)).to.equal("01a0000000000000");
    expect(doubleBitsHex(-1e-300)).to.equal("81a0000000000000");
  });

  it("returns a set sign bit for negative zero", function () {
    expect(doubleBitsHex(-0)).to.equal("8000000000000000");
    expect(doubleBitsHex(0)).to.equal("0000000000000000");
  });
});
