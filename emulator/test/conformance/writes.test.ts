/** Spec §16 items 12, 13 and 14: serverTimestamp, increment, priorities. */
import { expect } from "chai";
import {
  get,
  increment,
  ref,
  serverTimestamp,
  set,
  setPriority,
  setWithPriority,
} from "firebase/database";
import {
  FrameProxy,
  RawClient,
  clientRequest,
  connectClient,
  isJsonObject,
  rest,
  startEmulator,
  uniqueName,
  watch,
  type Emulator,
} from "./support.js";

async function putRules(emulator: Emulator, ns: string, rules: object): Promise<void> {
  const response = await rest(emulator, "PUT", `/.settings/rules.json?ns=${ns}`, {
    body: JSON.stringify(rules),
    headers: { Authorization: "Bearer owner" },
  });
  expect(response.status, response.text).to.equal(200);
}

describe("server values and priorities (§16 items 12–14)", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  describe("§16.12 serverTimestamp", () => {
    it("sends {.sv:timestamp} and stores a time between the request and the response", async () => {
      const ns = uniqueName("ns");
      const proxy = await FrameProxy.start(emulator.address);
      const client = connectClient(emulator, ns, { via: proxy.address });
      try {
        await set(ref(client.db, "warmup"), true);
        const sent = Date.now();
        await set(ref(client.db, "ts"), { at: serverTimestamp() });
        const acked = Date.now();
        const put = proxy
          .clientMessages()
          .map(clientRequest)
          .find((request) => request?.a === "p" && request.b["p"] === "/ts");
        expect(put?.b["d"]).to.deep.equal({ at: { ".sv": "timestamp" } });
        const stored = (await rest(emulator, "GET", `/ts/at.json?ns=${ns}`)).json();
        expect(stored).to.be.a("number");
        expect(Number(stored)).to.be.within(sent, acked);
      } finally {
        await client.close();
        await proxy.close();
      }
    });

    it("lets a .validate rule newData.val() == now pass, and rejects a client clock value", async () => {
      const ns = uniqueName("ns");
      await putRules(emulator, ns, {
        rules: { ".read": true, ".write": true, stamp: { ".validate": "newData.val() == now" } },
      });
      const client = connectClient(emulator, ns);
      try {
        await set(ref(client.db, "stamp"), serverTimestamp());
        const stored: unknown = (await get(ref(client.db, "stamp"))).val();
        expect(stored).to.be.a("number");
        const error = await set(ref(client.db, "stamp"), Date.now() - 60_000).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).to.have.property("code", "PERMISSION_DENIED");
      } finally {
        await client.close();
      }
    });

    it("resolves a timestamp inside a priority", async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        const before = Date.now();
        await client.request("p", {
          p: "/pt",
          d: { ".value": "v", ".priority": { ".sv": "timestamp" } },
        });
        const read = await client.request("g", { p: "/pt", q: {} });
        const priority = isJsonObject(read.d) ? read.d[".priority"] : undefined;
        expect(priority).to.be.a("number");
        expect(Number(priority)).to.be.at.least(before);
      } finally {
        client.close();
      }
    });
  });

  describe("§16.13 increment", () => {
    it("sends {.sv:{increment:n}} on the wire", async () => {
      const proxy = await FrameProxy.start(emulator.address);
      const client = connectClient(emulator, uniqueName("ns"), { via: proxy.address });
      try {
        await set(ref(client.db, "cnt"), increment(2));
        const put = proxy
          .clientMessages()
          .map(clientRequest)
          .find((request) => request?.a === "p" && request.b["p"] === "/cnt");
        expect(put?.b["d"]).to.deep.equal({ ".sv": { increment: 2 } });
      } finally {
        await client.close();
        await proxy.close();
      }
    });

    const cases: [string, unknown, number, number][] = [
      ["adds to a number", 5, 2, 7],
      ["adds a fraction to a float", 1.5, 0.25, 1.75],
      ["starts from n on null", null, 3, 3],
      ["replaces a string by n", "text", 4, 4],
      ["replaces an object by n", { nested: 1 }, -2, -2],
      ["replaces a boolean by n", true, 6, 6],
    ];
    for (const [name, initial, delta, expected] of cases) {
      it(name, async () => {
        const ns = uniqueName("ns");
        const client = connectClient(emulator, ns);
        try {
          await set(ref(client.db, "v"), initial);
          await set(ref(client.db, "v"), increment(delta));
          expect((await rest(emulator, "GET", `/v.json?ns=${ns}`)).json()).to.equal(expected);
        } finally {
          await client.close();
        }
      });
    }

    it("increments inside an update and inside nested objects", async () => {
      const ns = uniqueName("ns");
      const client = await RawClient.open(emulator, ns);
      try {
        await client.request("p", { p: "/o", d: { a: 1, b: { c: 10 } } });
        const reply = await client.request("m", {
          p: "/o",
          d: { a: { ".sv": { increment: 1 } }, "b/c": { ".sv": { increment: 5 } } },
        });
        expect(reply.s).to.equal("ok");
        expect((await client.request("g", { p: "/o", q: {} })).d).to.deep.equal({
          a: 2,
          b: { c: 15 },
        });
      } finally {
        client.close();
      }
    });

    it("does not lose concurrent increments from two clients", async () => {
      const ns = uniqueName("ns");
      const [a, b] = [connectClient(emulator, ns), connectClient(emulator, ns)];
      try {
        const writes: Promise<void>[] = [];
        for (let i = 0; i < 20; i += 1) {
          writes.push(set(ref(a.db, "counter"), increment(1)));
          writes.push(set(ref(b.db, "counter"), increment(1)));
        }
        await Promise.all(writes);
        expect((await rest(emulator, "GET", `/counter.json?ns=${ns}`)).json()).to.equal(40);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it("rejects an unknown server value", async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        const reply = await client.request("p", { p: "/bad", d: { ".sv": "no-such-value" } });
        expect(reply.s).to.not.equal("ok");
      } finally {
        client.close();
      }
    });
  });

  describe("§16.14 priorities", () => {
    it("sends setPriority as a p on /.priority and keeps the value", async () => {
      const ns = uniqueName("ns");
      const proxy = await FrameProxy.start(emulator.address);
      const client = connectClient(emulator, ns, { via: proxy.address });
      try {
        await set(ref(client.db, "prio"), { x: 1 });
        await setPriority(ref(client.db, "prio"), 5);
        const put = proxy
          .clientMessages()
          .map(clientRequest)
          .find((request) => request?.a === "p" && request.b["p"] === "/prio/.priority");
        expect(put?.b["d"]).to.equal(5);
        const exported = (await rest(emulator, "GET", `/prio.json?ns=${ns}&format=export`)).json();
        expect(exported).to.deep.equal({ x: 1, ".priority": 5 });
      } finally {
        await client.close();
        await proxy.close();
      }
    });

    it("sends setWithPriority with .priority in the value", async () => {
      const ns = uniqueName("ns");
      const proxy = await FrameProxy.start(emulator.address);
      const client = connectClient(emulator, ns, { via: proxy.address });
      try {
        await setWithPriority(ref(client.db, "prio2"), { x: 1 }, "p");
        const put = proxy
          .clientMessages()
          .map(clientRequest)
          .find((request) => request?.a === "p" && request.b["p"] === "/prio2");
        expect(put?.b["d"]).to.deep.equal({ x: 1, ".priority": "p" });
      } finally {
        await client.close();
        await proxy.close();
      }
    });

    it("pushes priorities in export format that another client reads back", async () => {
      const ns = uniqueName("ns");
      const writer = connectClient(emulator, ns);
      const reader = connectClient(emulator, ns);
      const seen = watch(ref(reader.db, "pp"));
      try {
        await setWithPriority(ref(writer.db, "pp/leaf"), "v", 3);
        await setWithPriority(ref(writer.db, "pp/obj"), { a: 1 }, "s");
        const snapshot = await seen.waitFor(
          (snap) => snap.child("leaf").exists() && snap.child("obj").exists(),
          "both children",
        );
        expect(snapshot.child("leaf").priority).to.equal(3);
        expect(snapshot.child("obj").priority).to.equal("s");
        expect(snapshot.exportVal()).to.deep.equal({
          leaf: { ".value": "v", ".priority": 3 },
          obj: { a: 1, ".priority": "s" },
        });
        await setPriority(ref(writer.db, "pp/leaf"), 9);
        const changed = await seen.waitFor(
          (snap) => snap.child("leaf").priority === 9,
          "priority 9",
        );
        expect(changed.child("leaf").val()).to.equal("v");
      } finally {
        seen.off();
        await writer.close();
        await reader.close();
      }
    });

    it("returns .priority in g replies", async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        await client.request("p", {
          p: "/g",
          d: { a: { ".value": 1, ".priority": 2 }, ".priority": "top" },
        });
        const read = await client.request("g", { p: "/g", q: {} });
        expect(read.d).to.deep.equal({ a: { ".value": 1, ".priority": 2 }, ".priority": "top" });
      } finally {
        client.close();
      }
    });

    it("drops the priority when a plain value overwrites the node", async () => {
      const ns = uniqueName("ns");
      const client = connectClient(emulator, ns);
      try {
        await setWithPriority(ref(client.db, "np"), "v", 1);
        await set(ref(client.db, "np"), "w");
        const exported = (await rest(emulator, "GET", `/np.json?ns=${ns}&format=export`)).json();
        expect(exported).to.equal("w");
      } finally {
        await client.close();
      }
    });
  });
});
