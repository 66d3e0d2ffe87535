/** Spec §16 items 7, 8, 9 and 11: default and tagged listens, unlisten, pushes before acks. */
import { expect } from "chai";
import {
  endAt,
  endBefore,
  equalTo,
  limitToFirst,
  limitToLast,
  onValue,
  orderByChild,
  orderByKey,
  orderByPriority,
  orderByValue,
  query,
  ref,
  set,
  setWithPriority,
  startAfter,
  startAt,
  update,
  type Query,
} from "firebase/database";
import {
  FrameProxy,
  RawClient,
  clientRequest,
  connectAdmin,
  connectClient,
  nextValue,
  orderedEntries,
  orderedKeys,
  pushBody,
  startEmulator,
  uniqueName,
  until,
  watch,
  type ClientHandle,
  type Emulator,
} from "./support.js";

describe("listens (§16 items 7, 8, 9, 11)", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  describe("§16.7 default listen", () => {
    it("pushes a:d with p without a leading slash and the full value before {s:ok,d:{}}", async () => {
      const ns = uniqueName("ns");
      const client = await RawClient.open(emulator, ns);
      try {
        await client.request("p", { p: "/items", d: { a: 1, b: { c: true } } });
        const r = client.peekRequestNumber();
        const from = client.messages.length;
        const reply = await client.request("q", { p: "/items", h: "" });
        expect(reply).to.deep.equal({ s: "ok", d: {} });
        const pushIndex = client.messages.findIndex(
          (m, i) => i >= from && pushBody(m, "d") !== undefined,
        );
        expect(pushIndex, "a data push").to.be.greaterThan(-1);
        expect(pushIndex).to.be.lessThan(client.replyIndex(r));
        const push = pushBody(client.messages[pushIndex] ?? null, "d");
        expect(push?.["p"]).to.equal("items");
        expect(push?.["d"]).to.deep.equal({ a: 1, b: { c: true } });
        expect(push).to.not.have.property("t");
      } finally {
        client.close();
      }
    });

    it("pushes d:null for an empty location", async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        const from = client.messages.length;
        await client.request("q", { p: "/nothing/here", h: "" });
        const push = client.messages
          .slice(from)
          .map((m) => pushBody(m, "d"))
          .find((b) => b !== undefined);
        expect(push).to.deep.equal({ p: "nothing/here", d: null });
      } finally {
        client.close();
      }
    });

    it("fires exactly one initial value event in the real client (no spurious null)", async () => {
      const ns = uniqueName("ns");
      const seeder = connectClient(emulator, ns);
      const client = connectClient(emulator, ns);
      try {
        await set(ref(seeder.db, "present"), { v: 1 });
        const values: unknown[] = [];
        const unsubscribe = onValue(ref(client.db, "present"), (s) => values.push(s.val()));
        await until(() => values.length >= 1, "the initial value");
        await set(ref(seeder.db, "present/v"), 2);
        await until(() => values.length >= 2, "the second value");
        unsubscribe();
        expect(values).to.deep.equal([{ v: 1 }, { v: 2 }]);
      } finally {
        await seeder.close();
        await client.close();
      }
    });

    it("pushes a later change below the listen at the changed path, and above it at the listen path", async () => {
      const ns = uniqueName("ns");
      const client = await RawClient.open(emulator, ns);
      const writer = await RawClient.open(emulator, ns);
      try {
        await client.request("q", { p: "/a/b", h: "" });
        let from = client.messages.length;
        await writer.request("p", { p: "/a/b/c", d: 5 });
        await client.ping();
        const below = client.messages
          .slice(from)
          .flatMap((m) => [pushBody(m, "d"), pushBody(m, "m")]);
        expect(below.filter((b) => b !== undefined).length).to.be.greaterThan(0);
        from = client.messages.length;
        await writer.request("p", { p: "/a", d: { b: { z: 1 } } });
        await client.ping();
        const above = client.messages
          .slice(from)
          .map((m) => pushBody(m, "d"))
          .find((b) => b !== undefined);
        expect(above).to.deep.equal({ p: "a/b", d: { z: 1 } });
      } finally {
        client.close();
        writer.close();
      }
    });
  });

  describe("§16.8 tagged queries", () => {
    it("answers q with t by a filtered push carrying t, then ok", async () => {
      const ns = uniqueName("ns");
      const client = await RawClient.open(emulator, ns);
      try {
        await client.request("p", {
          p: "/q",
          d: { a: { n: 3 }, b: { n: 1 }, c: { n: 2 }, "9": { n: 8 }, "10": { n: 9 } },
        });
        const from = client.messages.length;
        const reply = await client.request("q", {
          p: "/q",
          q: { l: 2, vf: "l", i: "n" },
          t: 1,
          h: "",
        });
        expect(reply.s).to.equal("ok");
        const push = client.messages
          .slice(from)
          .map((m) => pushBody(m, "d"))
          .find((b) => b !== undefined);
        expect(push).to.deep.equal({ p: "q", d: { b: { n: 1 }, c: { n: 2 } }, t: 1 });
      } finally {
        client.close();
      }
    });

    it("pushes null with t when nothing matches", async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        await client.request("p", { p: "/q", d: { a: 1 } });
        const from = client.messages.length;
        await client.request("q", { p: "/q", q: { sp: 5, sin: true, i: ".value" }, t: 7, h: "" });
        const push = client.messages
          .slice(from)
          .map((m) => pushBody(m, "d"))
          .find((b) => b !== undefined);
        expect(push).to.deep.equal({ p: "q", d: null, t: 7 });
      } finally {
        client.close();
      }
    });

    it("moves a limitToFirst window when a child enters it (real client)", async () => {
      const ns = uniqueName("ns");
      const writer = connectClient(emulator, ns);
      const reader = connectClient(emulator, ns);
      try {
        await set(ref(writer.db, "win"), { a: { n: 3 }, b: { n: 1 }, c: { n: 2 } });
        const window = watch(query(ref(reader.db, "win"), orderByChild("n"), limitToFirst(2)));
        const initial = await window.waitFor(() => true, "the initial window");
        expect(orderedKeys(initial)).to.deep.equal(["b", "c"]);
        await set(ref(writer.db, "win/f"), { n: 0 });
        const moved = await window.waitFor(
          (s) => orderedKeys(s).includes("f"),
          "the window to include f",
        );
        window.off();
        expect(orderedEntries(moved)).to.deep.equal([
          ["f", { n: 0 }],
          ["b", { n: 1 }],
        ]);
      } finally {
        await writer.close();
        await reader.close();
      }
    });

    it("keeps a limitToLast list right when the server sends only its changed children (real client)", async () => {
      const ns = uniqueName("ns");
      const writer = connectClient(emulator, ns);
      const reader = connectClient(emulator, ns);
      const raw = await RawClient.open(emulator, ns);
      try {
        await set(ref(writer.db, "calls"), {
          a: { at: 1, s: "x" },
          b: { at: 2, s: "y" },
          c: { at: 3, s: "z" },
        });
        const list = watch(query(ref(reader.db, "calls"), orderByChild("at"), limitToLast(2)));
        await list.waitFor((s) => orderedKeys(s).join() === "b,c", "the initial window");
        await raw.request("q", { p: "/calls", q: { i: "at", l: 2, vf: "r" }, t: 1, h: "" });
        const from = raw.messages.length;
        // One child changes inside the window; then one enters and pushes the oldest out.
        await update(ref(writer.db, "calls/b"), { s: "y2" });
        await list.waitFor((s) => s.child("b/s").val() === "y2", "b's change");
        await set(ref(writer.db, "calls/d"), { at: 4, s: "w" });
        const moved = await list.waitFor((s) => orderedKeys(s).includes("d"), "d to enter");
        list.off();
        expect(orderedEntries(moved)).to.deep.equal([
          ["c", { at: 3, s: "z" }],
          ["d", { at: 4, s: "w" }],
        ]);
        await until(() => raw.messages.length - from >= 2, "the raw client's two pushes");
        const pushes = raw.messages
          .slice(from)
          .map((m) => pushBody(m, "d") ?? pushBody(m, "m"))
          .filter((b) => b !== undefined);
        expect(pushes).to.deep.equal([
          { p: "calls/b", d: { at: 2, s: "y2" }, t: 1 },
          { p: "calls", d: { b: null, d: { at: 4, s: "w" } }, t: 1 },
        ]);
      } finally {
        raw.close();
        await writer.close();
        await reader.close();
      }
    });

    describe("query shapes through the real client", () => {
      let ns: string;
      let seeder: ClientHandle;
      let reader: ClientHandle;
      before(async () => {
        ns = uniqueName("shapes");
        seeder = connectClient(emulator, ns);
        reader = connectClient(emulator, ns);
        await set(ref(seeder.db, "s"), {
          a: { n: 3, deep: { k: "x" } },
          b: { n: 1, deep: { k: "z" } },
          c: { n: 2, deep: { k: "y" } },
          d: { n: "str" },
          e: { n: true },
          "2": { n: 2 },
          "10": { n: null, deep: { k: "a" } },
        });
        await set(ref(seeder.db, "v"), { a: 5, b: 1, c: "q", d: true, e: 3, f: 5 });
        await setWithPriority(ref(seeder.db, "p/a"), 1, 10);
        await setWithPriority(ref(seeder.db, "p/b"), 2, "m");
        await setWithPriority(ref(seeder.db, "p/c"), 3, 5);
        await set(ref(seeder.db, "p/d"), 4);
        await setWithPriority(ref(seeder.db, "p/e"), 5, "a");
      });
      after(async () => {
        await seeder.close();
        await reader.close();
      });

      const s = (): Query => ref(reader.db, "s");
      const v = (): Query => ref(reader.db, "v");
      const p = (): Query => ref(reader.db, "p");
      const cases: [string, () => Query, string[]][] = [
        [
          "orderByChild limitToLast(2)",
          () => query(s(), orderByChild("n"), limitToLast(2)),
          ["a", "d"],
        ],
        [
          "orderByChild startAt/endAt range",
          () => query(s(), orderByChild("n"), startAt(2), endAt(3)),
          ["2", "c", "a"],
        ],
        [
          "orderByChild startAt with key",
          () => query(s(), orderByChild("n"), startAt(2, "c"), limitToFirst(5)),
          ["c", "a", "d"],
        ],
        [
          "orderByChild endBefore",
          () => query(s(), orderByChild("n"), endBefore(2)),
          ["10", "e", "b"],
        ],
        ["orderByChild startAfter", () => query(s(), orderByChild("n"), startAfter(2)), ["a", "d"]],
        ["orderByChild equalTo boolean", () => query(s(), orderByChild("n"), equalTo(true)), ["e"]],
        [
          "orderByChild deep path",
          () => query(s(), orderByChild("deep/k"), startAt("x")),
          ["a", "c", "b"],
        ],
        [
          "orderByChild deep path limitToFirst",
          () => query(s(), orderByChild("deep/k"), limitToFirst(3)),
          ["2", "d", "e"],
        ],
        [
          "orderByKey range (integer keys first)",
          () => query(s(), orderByKey(), startAt("10"), endAt("b")),
          ["10", "a", "b"],
        ],
        ["orderByKey limitToLast", () => query(s(), orderByKey(), limitToLast(2)), ["d", "e"]],
        [
          "orderByKey startAfter/endAt",
          () => query(s(), orderByKey(), startAfter("a"), endAt("c")),
          ["b", "c"],
        ],
        [
          "orderByValue range",
          () => query(v(), orderByValue(), startAt(3), endAt(5)),
          ["e", "a", "f"],
        ],
        ["orderByValue equalTo with key", () => query(v(), orderByValue(), equalTo(5, "f")), ["f"]],
        [
          "orderByValue limitToLast(2)",
          () => query(v(), orderByValue(), limitToLast(2)),
          ["f", "c"],
        ],
        ["orderByValue endAt(true)", () => query(v(), orderByValue(), endAt(true)), ["d"]],
        [
          "orderByPriority limitToFirst(3)",
          () => query(p(), orderByPriority(), limitToFirst(3)),
          ["d", "c", "a"],
        ],
        [
          "orderByPriority string range",
          () => query(p(), orderByPriority(), startAt("a"), endAt("m")),
          ["e", "b"],
        ],
        [
          "orderByPriority numeric range",
          () => query(p(), orderByPriority(), startAt(5), endAt(10)),
          ["c", "a"],
        ],
        ["default (priority) order limitToLast(2)", () => query(p(), limitToLast(2)), ["e", "b"]],
      ];
      for (const [name, build, expected] of cases) {
        it(`filters ${name}`, async () => {
          const snapshot = await nextValue(build());
          expect(orderedKeys(snapshot)).to.deep.equal(expected);
        });
      }
    });
  });

  describe("§16.9 unlisten", () => {
    it("stops pushes after n {p} for a default listen", async () => {
      const ns = uniqueName("ns");
      const client = await RawClient.open(emulator, ns);
      const writer = await RawClient.open(emulator, ns);
      try {
        await client.request("q", { p: "/u", h: "" });
        const unlisten = await client.request("n", { p: "/u" });
        expect(unlisten.s).to.equal("ok");
        const from = client.messages.length;
        await writer.request("p", { p: "/u/x", d: 1 });
        await client.ping();
        const pushes = client.messages
          .slice(from)
          .filter((m) => pushBody(m, "d") ?? pushBody(m, "m"));
        expect(pushes).to.deep.equal([]);
      } finally {
        client.close();
        writer.close();
      }
    });

    it("stops pushes for one tag after n {p,q,t} and keeps the others", async () => {
      const ns = uniqueName("ns");
      const client = await RawClient.open(emulator, ns);
      const writer = await RawClient.open(emulator, ns);
      try {
        const firstTwo = { l: 2, vf: "l", i: "n" };
        const lastTwo = { l: 2, vf: "r", i: "n" };
        await client.request("q", { p: "/t", q: firstTwo, t: 1, h: "" });
        await client.request("q", { p: "/t", q: lastTwo, t: 2, h: "" });
        await client.request("n", { p: "/t", q: firstTwo, t: 1 });
        const from = client.messages.length;
        await writer.request("p", { p: "/t/k", d: { n: 1 } });
        await client.ping();
        const tags = client.messages
          .slice(from)
          .map((m) => pushBody(m, "d") ?? pushBody(m, "m"))
          .filter((b) => b !== undefined)
          .map((b) => b["t"]);
        expect(tags).to.include(2);
        expect(tags).to.not.include(1);
      } finally {
        client.close();
        writer.close();
      }
    });

    it("gets n {p,q,t} from the real client when a default listen shadows a tagged query", async () => {
      const ns = uniqueName("ns");
      const proxy = await FrameProxy.start(emulator.address);
      const client = connectClient(emulator, ns, { via: proxy.address });
      const writer = connectClient(emulator, ns);
      try {
        await set(ref(writer.db, "sh"), { a: { n: 2 }, b: { n: 1 }, c: { n: 3 } });
        const tagged = query(ref(client.db, "sh"), orderByChild("n"), limitToFirst(1));
        const taggedValues: string[][] = [];
        const offTagged = onValue(tagged, (snap) => taggedValues.push(orderedKeys(snap)));
        await until(() => taggedValues.length > 0, "the tagged value");
        const offDefault = onValue(ref(client.db, "sh"), () => undefined);
        await until(
          () => proxy.clientMessages().some((m) => clientRequest(m)?.a === "n"),
          "the unlisten of the shadowed query",
        );
        const unlisten = proxy
          .clientMessages()
          .map(clientRequest)
          .find((r) => r?.a === "n");
        expect(unlisten?.b).to.have.property("t");
        expect(unlisten?.b["q"]).to.deep.equal({ l: 1, vf: "l", i: "n" });
        const updated = nextValue(
          tagged,
          (snap) => orderedKeys(snap)[0] === "z",
          "the new minimum",
        );
        await set(ref(writer.db, "sh/z"), { n: 0 });
        expect(orderedKeys(await updated)).to.deep.equal(["z"]);
        offTagged();
        offDefault();
      } finally {
        await client.close();
        await writer.close();
        await proxy.close();
      }
    });
  });

  describe("§16.11 write pushes and merges", () => {
    it("pushes a p to the writer's own listen before the writer's ok", async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        await client.request("q", { p: "/w", h: "" });
        const r = client.peekRequestNumber();
        const from = client.messages.length;
        await client.request("p", { p: "/w/x", d: 1 });
        const pushIndex = client.messages.findIndex(
          (m, i) => i >= from && (pushBody(m, "d") ?? pushBody(m, "m")) !== undefined,
        );
        expect(pushIndex, "a push").to.be.greaterThan(-1);
        expect(pushIndex).to.be.lessThan(client.replyIndex(r));
      } finally {
        client.close();
      }
    });

    it("pushes an m to the writer's own tagged listen before the writer's ok", async () => {
      const client = await RawClient.open(emulator, uniqueName("ns"));
      try {
        await client.request("p", { p: "/w", d: { a: { n: 1 }, b: { n: 2 } } });
        await client.request("q", { p: "/w", q: { l: 5, vf: "l", i: "n" }, t: 3, h: "" });
        const r = client.peekRequestNumber();
        const from = client.messages.length;
        await client.request("m", { p: "/w", d: { "c/n": 0, a: null } });
        const push = client.messages.findIndex(
          (m, i) => i >= from && (pushBody(m, "d") ?? pushBody(m, "m"))?.["t"] === 3,
        );
        expect(push, "a tagged push").to.be.greaterThan(-1);
        expect(push).to.be.lessThan(client.replyIndex(r));
        const readBack = await client.request("g", { p: "/w", q: {} });
        expect(readBack.d).to.deep.equal({ b: { n: 2 }, c: { n: 0 } });
      } finally {
        client.close();
      }
    });

    it("delivers a deep-path update with null deletes to untagged and tagged real listeners", async () => {
      const ns = uniqueName("ns");
      const writer = connectClient(emulator, ns);
      const wholeReader = connectClient(emulator, ns);
      const windowReader = connectClient(emulator, ns);
      const whole = watch(ref(wholeReader.db, "m"));
      const firstTwo = watch(query(ref(windowReader.db, "m"), orderByChild("n"), limitToFirst(2)));
      try {
        await set(ref(writer.db, "m"), { a: { n: 1, x: "keep" }, b: { n: 2 }, c: { n: 3 } });
        await whole.waitFor((snap) => snap.hasChild("c"), "the initial value");
        const initialWindow = await firstTwo.waitFor((snap) => snap.exists(), "the initial window");
        expect(orderedKeys(initialWindow)).to.deep.equal(["a", "b"]);
        const expectWhole = { a: { n: 10, x: "keep" }, c: { n: 3, y: { z: true } }, d: { n: 0 } };
        await update(ref(writer.db, "m"), { "a/n": 10, b: null, "c/y/z": true, "d/n": 0 });
        const wholeAfter = await whole.waitFor((snap) => snap.hasChild("d"), "the merged value");
        expect(wholeAfter.val()).to.deep.equal(expectWhole);
        const windowAfter = await firstTwo.waitFor(
          (snap) => orderedKeys(snap).join() === "d,c",
          "the window after the merge",
        );
        expect(orderedEntries(windowAfter)).to.deep.equal([
          ["d", { n: 0 }],
          ["c", { n: 3, y: { z: true } }],
        ]);
      } finally {
        whole.off();
        firstTwo.off();
        await writer.close();
        await wholeReader.close();
        await windowReader.close();
      }
    });

    it("delivers an admin write to a real client's tagged listen", async () => {
      const ns = uniqueName("ns");
      const adminApp = connectAdmin(emulator, ns);
      const reader = connectClient(emulator, ns);
      try {
        const last = query(ref(reader.db, "adm"), orderByKey(), limitToLast(1));
        const seen = nextValue(last, (snap) => orderedKeys(snap).join() === "b", "the last key b");
        await adminApp.db.ref("adm").set({ a: 1, b: 2 });
        expect((await seen).val()).to.deep.equal({ b: 2 });
      } finally {
        await adminApp.close();
        await reader.close();
      }
    });
  });
});
