/** Spec §16 items 26 and 32: the REST data API, and export/import through it. */
import { expect } from "chai";
import { ref } from "firebase/database";
import {
  connectClient,
  idTokenClaims,
  isJsonObject,
  rest,
  sortedKeys,
  startEmulator,
  uniqueName,
  unsignedJwt,
  watch,
  type Emulator,
} from "./support.js";

const OWNER = { Authorization: "Bearer owner" };

describe("REST (§16 items 26, 32)", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  async function seed(ns: string, path: string, value: unknown): Promise<void> {
    const response = await rest(emulator, "PUT", `/${path}.json?ns=${ns}`, {
      body: JSON.stringify(value),
      headers: OWNER,
    });
    expect(response.status, response.text).to.equal(200);
  }

  describe("§16.26 REST data", () => {
    describe("queries", () => {
      let ns: string;
      before(async () => {
        ns = uniqueName("rest");
        await seed(ns, "items", {
          a: { n: 3 },
          b: { n: 1 },
          c: { n: 2 },
          d: { n: "s" },
          "2": { n: 0 },
        });
        await seed(ns, "vals", { x: 5, y: 1, z: 3 });
        await seed(ns, "prios", {
          p: { ".value": 1, ".priority": 30 },
          q: { ".value": 2, ".priority": 10 },
          r: { ".value": 3, ".priority": 20 },
        });
      });

      const cases: [string, string, string[]][] = [
        [
          "orderBy a child with limitToFirst",
          `items.json?orderBy=%22n%22&limitToFirst=2`,
          ["2", "b"],
        ],
        [
          "orderBy a child with limitToLast",
          `items.json?orderBy=%22n%22&limitToLast=2`,
          ["a", "d"],
        ],
        [
          "orderBy a child with startAt/endAt",
          `items.json?orderBy=%22n%22&startAt=1&endAt=2`,
          ["b", "c"],
        ],
        ["orderBy a child with equalTo", `items.json?orderBy=%22n%22&equalTo=3`, ["a"]],
        ["orderBy a child with startAfter", `items.json?orderBy=%22n%22&startAfter=2`, ["a", "d"]],
        ["orderBy a child with endBefore", `items.json?orderBy=%22n%22&endBefore=1`, ["2"]],
        [
          "orderBy $key with a range",
          `items.json?orderBy=%22$key%22&startAt=%22b%22&endAt=%22c%22`,
          ["b", "c"],
        ],
        [
          "orderBy $key with limitToFirst",
          `items.json?orderBy=%22$key%22&limitToFirst=2`,
          ["2", "a"],
        ],
        [
          "orderBy $value with limitToLast",
          `vals.json?orderBy=%22$value%22&limitToLast=2`,
          ["x", "z"],
        ],
        [
          "orderBy $priority with limitToFirst",
          `prios.json?orderBy=%22$priority%22&limitToFirst=2`,
          ["q", "r"],
        ],
      ];
      for (const [name, path, keys] of cases) {
        it(`filters with ${name}`, async () => {
          const response = await rest(emulator, "GET", `/${path}&ns=${ns}`);
          expect(response.status, response.text).to.equal(200);
          expect(sortedKeys(response.json())).to.deep.equal([...keys].sort());
        });
      }

      it("answers shallow=true with true for objects and the value for primitives", async () => {
        const response = await rest(emulator, "GET", `/.json?ns=${ns}&shallow=true`);
        expect(response.json()).to.deep.equal({ items: true, vals: true, prios: true });
        const leaves = await rest(emulator, "GET", `/vals.json?ns=${ns}&shallow=true`);
        expect(leaves.json()).to.deep.equal({ x: 5, y: 1, z: 3 });
      });

      it("includes priorities with format=export and omits them otherwise", async () => {
        const exported = await rest(emulator, "GET", `/prios/p.json?ns=${ns}&format=export`);
        expect(exported.json()).to.deep.equal({ ".value": 1, ".priority": 30 });
        const plain = await rest(emulator, "GET", `/prios/p.json?ns=${ns}`);
        expect(plain.json()).to.equal(1);
      });

      it("answers print=silent with 204 and no body", async () => {
        const response = await rest(emulator, "GET", `/items.json?ns=${ns}&print=silent`);
        expect(response.status).to.equal(204);
        expect(response.text).to.equal("");
      });

      it("answers print=pretty with the same JSON", async () => {
        const response = await rest(emulator, "GET", `/vals.json?ns=${ns}&print=pretty`);
        expect(response.json()).to.deep.equal({ x: 5, y: 1, z: 3 });
      });

      it("returns null for an absent path", async () => {
        const response = await rest(emulator, "GET", `/nothing/here.json?ns=${ns}`);
        expect(response.status).to.equal(200);
        expect(response.json()).to.equal(null);
      });
    });

    describe("writes", () => {
      it("PUT returns the written data and print=silent returns 204", async () => {
        const ns = uniqueName("rest");
        const put = await rest(emulator, "PUT", `/a.json?ns=${ns}`, { body: { x: 1 } });
        expect(put.status).to.equal(200);
        expect(put.json()).to.deep.equal({ x: 1 });
        const silent = await rest(emulator, "PUT", `/b.json?ns=${ns}&print=silent`, {
          body: { y: 2 },
        });
        expect(silent.status).to.equal(204);
        expect((await rest(emulator, "GET", `/b.json?ns=${ns}`)).json()).to.deep.equal({ y: 2 });
      });

      it("POST stores under a generated key and returns {name}", async () => {
        const ns = uniqueName("rest");
        const first = await rest(emulator, "POST", `/list.json?ns=${ns}`, { body: { v: 1 } });
        const second = await rest(emulator, "POST", `/list.json?ns=${ns}`, { body: { v: 2 } });
        expect(first.status).to.equal(200);
        const nameOf = (body: unknown): unknown => (isJsonObject(body) ? body["name"] : undefined);
        const firstName = nameOf(first.json());
        const secondName = nameOf(second.json());
        expect(firstName).to.be.a("string").with.length(20);
        expect(String(firstName) < String(secondName), "push ids sort chronologically").to.equal(
          true,
        );
        const list = (await rest(emulator, "GET", `/list.json?ns=${ns}`)).json();
        expect(list).to.deep.equal({
          [String(firstName)]: { v: 1 },
          [String(secondName)]: { v: 2 },
        });
      });

      it("PATCH applies a multi-path update with deep keys and null deletes", async () => {
        const ns = uniqueName("rest");
        await seed(ns, "doc", { a: 1, b: { c: 2, d: 3 } });
        const patch = await rest(emulator, "PATCH", `/doc.json?ns=${ns}`, {
          body: { a: 10, "b/c": null, "e/f": true },
        });
        expect(patch.status, patch.text).to.equal(200);
        expect((await rest(emulator, "GET", `/doc.json?ns=${ns}`)).json()).to.deep.equal({
          a: 10,
          b: { d: 3 },
          e: { f: true },
        });
      });

      it("DELETE returns null and removes the data", async () => {
        const ns = uniqueName("rest");
        await seed(ns, "gone", { a: 1 });
        const deleted = await rest(emulator, "DELETE", `/gone.json?ns=${ns}`);
        expect(deleted.status).to.equal(200);
        expect(deleted.json()).to.equal(null);
        expect((await rest(emulator, "GET", `/gone.json?ns=${ns}`)).json()).to.equal(null);
      });

      it("resolves server values in PUT", async () => {
        const ns = uniqueName("rest");
        const before = Date.now();
        await rest(emulator, "PUT", `/ts.json?ns=${ns}`, { body: { ".sv": "timestamp" } });
        await rest(emulator, "PUT", `/n.json?ns=${ns}`, { body: 4 });
        await rest(emulator, "PUT", `/n.json?ns=${ns}`, { body: { ".sv": { increment: 2 } } });
        const ts: unknown = (await rest(emulator, "GET", `/ts.json?ns=${ns}`)).json();
        expect(ts).to.be.a("number");
        expect(Number(ts)).to.be.within(before, Date.now());
        expect((await rest(emulator, "GET", `/n.json?ns=${ns}`)).json()).to.equal(6);
      });

      it("rejects invalid keys and bad JSON with 400 {error}", async () => {
        const ns = uniqueName("rest");
        const badKey = await rest(emulator, "PUT", `/k.json?ns=${ns}`, { body: '{"a.b":1}' });
        expect(badKey.status).to.equal(400);
        expect(badKey.json()).to.have.property("error").that.is.a("string");
        const badJson = await rest(emulator, "PUT", `/k.json?ns=${ns}`, { body: "{not json" });
        expect(badJson.status).to.equal(400);
        expect(badJson.json()).to.have.property("error");
      });

      it("normalises a written array to integer keys, dropping nulls", async () => {
        const ns = uniqueName("rest");
        await rest(emulator, "PUT", `/arr.json?ns=${ns}`, { body: [1, null, 3] });
        const client = connectClient(emulator, ns);
        const seen = watch(ref(client.db, "arr"));
        try {
          const snapshot = await seen.waitFor((snap) => snap.exists(), "the array");
          expect(snapshot.child("0").val()).to.equal(1);
          expect(snapshot.child("1").exists()).to.equal(false);
          expect(snapshot.child("2").val()).to.equal(3);
        } finally {
          seen.off();
          await client.close();
        }
      });

      it("pushes REST writes to WebSocket listeners", async () => {
        const ns = uniqueName("rest");
        const client = connectClient(emulator, ns);
        const seen = watch(ref(client.db, "live"));
        try {
          await seen.waitFor(() => true, "the initial value");
          await rest(emulator, "PUT", `/live.json?ns=${ns}`, { body: { v: 1 } });
          await seen.waitFor((snap) => snap.child("v").val() === 1, "the PUT");
          await rest(emulator, "PATCH", `/live.json?ns=${ns}`, { body: { w: 2 } });
          await seen.waitFor((snap) => snap.child("w").val() === 2, "the PATCH");
          await rest(emulator, "DELETE", `/live.json?ns=${ns}`);
          await seen.waitFor((snap) => !snap.exists(), "the DELETE");
        } finally {
          seen.off();
          await client.close();
        }
      });
    });

    describe("authentication", () => {
      let ns: string;
      before(async () => {
        ns = uniqueName("rest");
        const put = await rest(emulator, "PUT", `/.settings/rules.json?ns=${ns}`, {
          body: JSON.stringify({
            rules: {
              users: { $uid: { ".read": "auth.uid == $uid", ".write": "auth.uid == $uid" } },
              locked: { ".read": false, ".write": false },
            },
          }),
          headers: OWNER,
        });
        expect(put.status).to.equal(200);
      });

      it("evaluates ?auth=<ID token> as that user", async () => {
        const token = unsignedJwt(idTokenClaims("alice", ns));
        const own = await rest(emulator, "PUT", `/users/alice.json?ns=${ns}&auth=${token}`, {
          body: { v: 1 },
        });
        expect(own.status, own.text).to.equal(200);
        const other = await rest(emulator, "PUT", `/users/bob.json?ns=${ns}&auth=${token}`, {
          body: { v: 1 },
        });
        expect(other.status).to.equal(401);
        expect(other.json()).to.deep.equal({ error: "Permission denied" });
        const read = await rest(emulator, "GET", `/users/alice.json?ns=${ns}&auth=${token}`);
        expect(read.json()).to.deep.equal({ v: 1 });
      });

      it("answers an unauthenticated request with 401 {error: Permission denied}", async () => {
        const read = await rest(emulator, "GET", `/users/alice.json?ns=${ns}`);
        expect(read.status).to.equal(401);
        expect(read.json()).to.deep.equal({ error: "Permission denied" });
        const write = await rest(emulator, "DELETE", `/users/alice.json?ns=${ns}`);
        expect(write.status).to.equal(401);
      });

      it("treats Authorization: Bearer owner as admin and refuses other access tokens", async () => {
        const write = await rest(emulator, "PUT", `/locked/x.json?ns=${ns}`, {
          body: 1,
          headers: OWNER,
        });
        expect(write.status, write.text).to.equal(200);
        const refused = await rest(emulator, "PUT", `/locked/x.json?ns=${ns}`, {
          body: 2,
          headers: { Authorization: "Bearer anything-at-all" },
        });
        expect(refused.status).to.equal(401);
        const read = await rest(emulator, "GET", `/locked.json?ns=${ns}`, { headers: OWNER });
        expect(read.json()).to.deep.equal({ x: 1 });
      });

      it("treats ?access_token=owner as admin and refuses another access token", async () => {
        const read = await rest(emulator, "GET", `/locked.json?ns=${ns}&access_token=owner`);
        expect(read.status).to.equal(200);
        const refused = await rest(
          emulator,
          "GET",
          `/locked.json?ns=${ns}&access_token=ya29.token`,
        );
        expect(refused.status).to.equal(401);
      });
    });
  });

  describe("§16.32 export and import", () => {
    it("lists known namespaces at /.inspect/databases.json", async () => {
      const ns = uniqueName("inspect");
      await seed(ns, "x", 1);
      const response = await rest(emulator, "GET", `/.inspect/databases.json?ns=${ns}`);
      expect(response.status).to.equal(200);
      const list = response.json();
      expect(list).to.be.an("array");
      expect(list).to.deep.include({ name: ns });
    });

    it("answers shallow&limitToFirst=1 with non-null data, and null for an empty namespace", async () => {
      const ns = uniqueName("export");
      await seed(ns, "a", { deep: 1 });
      await seed(ns, "b", 2);
      const some = await rest(emulator, "GET", `/.json?ns=${ns}&shallow=true&limitToFirst=1`);
      expect(some.status, some.text).to.equal(200);
      expect(some.json()).to.not.equal(null);
      const none = await rest(
        emulator,
        "GET",
        `/.json?ns=${uniqueName("empty")}&shallow=true&limitToFirst=1`,
      );
      expect(none.json()).to.equal(null);
    });

    it("round-trips a tree with priorities through format=export and PUT disableTriggers=true", async () => {
      const source = uniqueName("export");
      const target = uniqueName("import");
      const tree = {
        users: {
          ".priority": "top",
          alice: { name: "Alice", ".priority": 1 },
          bob: { ".value": "Bob", ".priority": "b" },
        },
        count: 3,
        "10": { "2": true },
      };
      await seed(source, "", tree);
      const exported = await rest(emulator, "GET", `/.json?ns=${source}&format=export`);
      expect(exported.json()).to.deep.equal(tree);
      const imported = await rest(
        emulator,
        "PUT",
        `/.json?ns=${target}&disableTriggers=true&writeSizeLimit=unlimited`,
        { body: exported.text, headers: OWNER },
      );
      expect(imported.status, imported.text).to.equal(200);
      const reexported = await rest(emulator, "GET", `/.json?ns=${target}&format=export`);
      expect(reexported.json()).to.deep.equal(tree);
    });
  });
});
