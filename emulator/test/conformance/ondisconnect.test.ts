/** Spec §16 item 23: onDisconnect wire forms and execution on socket close. */
import { expect } from "chai";
import { goOffline, onDisconnect, ref, serverTimestamp, set } from "firebase/database";
import {
  FrameProxy,
  RawClient,
  clientRequest,
  connectClient,
  rest,
  startEmulator,
  uniqueName,
  until,
  watch,
  type Emulator,
} from "./support.js";

describe("onDisconnect (§16 item 23)", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  async function valueAt(ns: string, path: string): Promise<unknown> {
    const response = await rest(emulator, "GET", `/${path}.json?ns=${ns}`, {
      headers: { Authorization: "Bearer owner" },
    });
    return response.json();
  }

  /** Waits until REST shows a value at `path` that satisfies `accept`. */
  async function restValue(
    ns: string,
    path: string,
    accept: (value: unknown) => boolean,
  ): Promise<unknown> {
    const observer = connectClient(emulator, ns);
    const seen = watch(ref(observer.db, path));
    try {
      return (await seen.waitFor((snap) => accept(snap.val()), `the value at ${path}`)).val();
    } finally {
      seen.off();
      await observer.close();
    }
  }

  describe("§16.23 onDisconnect", () => {
    it("sends o, om and oc from the real client and answers each ok", async () => {
      const ns = uniqueName("ns");
      const proxy = await FrameProxy.start(emulator.address);
      const client = connectClient(emulator, ns, { via: proxy.address });
      try {
        await onDisconnect(ref(client.db, "presence/alice")).set({
          at: serverTimestamp(),
          online: false,
        });
        await onDisconnect(ref(client.db, "presence/alice2")).update({ x: 1 });
        await onDisconnect(ref(client.db, "presence/alice2")).cancel();
        const requests = proxy.clientMessages().map(clientRequest);
        const o = requests.find((r) => r?.a === "o");
        const om = requests.find((r) => r?.a === "om");
        const oc = requests.find((r) => r?.a === "oc");
        expect(o?.b).to.deep.equal({
          p: "/presence/alice",
          d: { at: { ".sv": "timestamp" }, online: false },
        });
        expect(om?.b).to.deep.equal({ p: "/presence/alice2", d: { x: 1 } });
        expect(oc?.b).to.deep.equal({ p: "/presence/alice2", d: null });
      } finally {
        await client.close();
        await proxy.close();
      }
    });

    it("applies set and update operations in order when the socket closes cleanly", async () => {
      const ns = uniqueName("ns");
      const raw = await RawClient.open(emulator, ns);
      await raw.request("p", { p: "/doc", d: { a: 1, b: 2 } });
      expect((await raw.request("o", { p: "/flag", d: 1 })).s).to.equal("ok");
      expect((await raw.request("o", { p: "/flag", d: 2 })).s).to.equal("ok");
      expect((await raw.request("om", { p: "/doc", d: { b: null, "c/d": 3 } })).s).to.equal("ok");
      raw.close();
      expect(await restValue(ns, "flag", (v) => v === 2)).to.equal(2);
      expect(await valueAt(ns, "doc")).to.deep.equal({ a: 1, c: { d: 3 } });
    });

    it("applies the operations after an abrupt terminate()", async () => {
      const ns = uniqueName("ns");
      const raw = await RawClient.open(emulator, ns);
      expect((await raw.request("o", { p: "/gone", d: "yes" })).s).to.equal("ok");
      raw.terminate();
      expect(await restValue(ns, "gone", (v) => v === "yes")).to.equal("yes");
    });

    it("resolves the timestamp when the operation runs, not when it was registered", async () => {
      const ns = uniqueName("ns");
      const proxy = await FrameProxy.start(emulator.address);
      const client = connectClient(emulator, ns, { via: proxy.address });
      try {
        await onDisconnect(ref(client.db, "presence/bob")).set({
          at: serverTimestamp(),
          online: false,
        });
        const registered = Date.now();
        await until(() => Date.now() > registered + 5, "the clock to move past registration");
        const dropped = Date.now();
        for (const connection of proxy.connections) connection.terminateUpstream();
        const value = await restValue(ns, "presence/bob", (v) => v !== null);
        expect(value).to.have.property("online", false);
        const at =
          typeof value === "object" && value !== null && "at" in value ? value.at : undefined;
        expect(at).to.be.a("number");
        expect(Number(at)).to.be.at.least(dropped);
      } finally {
        await client.close();
        await proxy.close();
      }
    });

    it("applies the real client's operations on goOffline", async () => {
      const ns = uniqueName("ns");
      const client = connectClient(emulator, ns);
      try {
        await set(ref(client.db, "status"), "online");
        await onDisconnect(ref(client.db, "status")).set("offline");
        goOffline(client.db);
        expect(await restValue(ns, "status", (v) => v === "offline")).to.equal("offline");
      } finally {
        await client.close();
      }
    });

    it("removes operations at and below the path on oc", async () => {
      const ns = uniqueName("ns");
      const raw = await RawClient.open(emulator, ns);
      await raw.request("o", { p: "/a/b", d: 1 });
      await raw.request("om", { p: "/a/c", d: { x: 1 } });
      await raw.request("o", { p: "/keep", d: "kept" });
      expect((await raw.request("oc", { p: "/a", d: null })).s).to.equal("ok");
      await raw.request("o", { p: "/marker", d: "done" });
      raw.close();
      await restValue(ns, "marker", (v) => v === "done");
      expect(await valueAt(ns, "keep")).to.equal("kept");
      expect(await valueAt(ns, "a")).to.equal(null);
    });

    it("checks rules at registration and never runs a denied operation", async () => {
      const ns = uniqueName("ns");
      const put = await rest(emulator, "PUT", `/.settings/rules.json?ns=${ns}`, {
        body: JSON.stringify({
          rules: { open: { ".write": true, ".read": true }, locked: { ".write": false } },
        }),
        headers: { Authorization: "Bearer owner" },
      });
      expect(put.status).to.equal(200);
      const client = connectClient(emulator, ns);
      try {
        const error = await onDisconnect(ref(client.db, "locked/x"))
          .set(1)
          .then(
            () => null,
            (e: unknown) => e,
          );
        expect(error).to.have.property("code", "PERMISSION_DENIED");
        await onDisconnect(ref(client.db, "open/marker")).set("done");
        goOffline(client.db);
        await restValue(ns, "open/marker", (v) => v === "done");
        expect(await valueAt(ns, "locked")).to.equal(null);
      } finally {
        await client.close();
      }
    });

    it("pushes the operations to other listeners", async () => {
      const ns = uniqueName("ns");
      const observer = connectClient(emulator, ns);
      const seen = watch(ref(observer.db, "room/users"));
      const raw = await RawClient.open(emulator, ns);
      try {
        await raw.request("p", { p: "/room/users/u1", d: true });
        await seen.waitFor((snap) => snap.val() !== null, "u1 online");
        await raw.request("o", { p: "/room/users/u1", d: null });
        raw.terminate();
        const after = await seen.waitFor((snap) => !snap.exists(), "u1 removed");
        expect(after.val()).to.equal(null);
      } finally {
        seen.off();
        await observer.close();
      }
    });
  });
});
