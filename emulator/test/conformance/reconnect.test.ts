/**
 * Spec §16 item 24: reconnects after a server-side close replay auth and listens, pending writes land
 * once, a sent transaction fails with "disconnect"; and both SDKs survive an emulator restart.
 */
import { expect } from "chai";
import { increment, ref, runTransaction, set, type Database } from "firebase/database";
import {
  FrameProxy,
  clientRequest,
  connectAdmin,
  connectClient,
  rest,
  startEmulator,
  uniqueName,
  until,
  watch,
  type Emulator,
  type Json,
} from "./support.js";

function parse(frame: string): Json {
  try {
    return JSON.parse(frame) as Json;
  } catch {
    return null;
  }
}

/** JSON with object keys sorted, to compare values regardless of key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    typeof inner === "object" && inner !== null && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1)))
      : inner,
  );
}

/** Resolves when `.info/connected` reports `connected` on that database. */
async function connectedState(db: Database, connected: boolean): Promise<void> {
  const state = watch(ref(db, ".info/connected"));
  try {
    await state.waitFor(
      (snap) => snap.val() === connected,
      `.info/connected = ${String(connected)}`,
    );
  } finally {
    state.off();
  }
}

describe("reconnects (§16 item 24)", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  describe("§16.24 reconnect after a server-side close", () => {
    it("replays auth and listens on the new socket and keeps delivering changes", async () => {
      const ns = uniqueName("ns");
      const proxy = await FrameProxy.start(emulator.address);
      const client = connectClient(emulator, ns, {
        via: proxy.address,
        mockUserToken: { sub: "alice", user_id: "alice" },
      });
      const writer = connectClient(emulator, ns);
      const seen = watch(ref(client.db, "live"));
      try {
        await set(ref(writer.db, "live"), 1);
        await seen.waitFor((snap) => snap.val() === 1, "the first value");
        const first = proxy.connections[0];
        if (first === undefined) throw new Error("no proxied connection");
        first.dropClient();
        await until(() => proxy.connections.length >= 2, "a second connection");
        await connectedState(client.db, true);
        await set(ref(writer.db, "live"), 2);
        await seen.waitFor((snap) => snap.val() === 2, "the value after the reconnect");
        const second = proxy.connections[1];
        if (second === undefined) throw new Error("no second connection");
        const replayed = proxy.clientMessages(second).map(clientRequest);
        const actions = replayed.map((r) => r?.a);
        expect(actions.indexOf("auth"), JSON.stringify(actions)).to.be.greaterThan(-1);
        expect(actions.indexOf("auth")).to.be.lessThan(actions.indexOf("q"));
        expect(replayed.find((r) => r?.a === "q")?.b["p"]).to.equal("/live");
      } finally {
        seen.off();
        await client.close();
        await writer.close();
        await proxy.close();
      }
    });

    it("lands a write made while disconnected exactly once", async () => {
      const ns = uniqueName("ns");
      const proxy = await FrameProxy.start(emulator.address);
      const client = connectClient(emulator, ns, { via: proxy.address });
      try {
        await set(ref(client.db, "count"), 0);
        proxy.connections[0]?.dropClient();
        await connectedState(client.db, false);
        await set(ref(client.db, "count"), increment(1));
        expect((await rest(emulator, "GET", `/count.json?ns=${ns}`)).json()).to.equal(1);
        const puts = proxy
          .clientMessages()
          .map(clientRequest)
          .filter((r) => r?.a === "p" && r.b["p"] === "/count");
        expect(puts).to.have.length(2);
      } finally {
        await client.close();
        await proxy.close();
      }
    });

    it("fails a transaction already sent when the socket drops with disconnect, without retrying", async () => {
      const ns = uniqueName("ns");
      const proxy = await FrameProxy.start(emulator.address);
      const client = connectClient(emulator, ns, { via: proxy.address });
      try {
        const cached = watch(ref(client.db, "tx"));
        await set(ref(client.db, "tx"), 10);
        await cached.waitFor((snap) => snap.val() === 10, "the cached value");
        let dropped = false;
        proxy.onClientFrame = (frame, connection) => {
          const request = clientRequest(parse(frame));
          if (!dropped && request?.a === "p" && "h" in request.b) {
            dropped = true;
            // Forward first so the emulator commits, then drop before the ack can arrive.
            setImmediate(() => {
              connection.dropClient();
            });
          }
          return frame;
        };
        let attempts = 0;
        const outcome = await runTransaction(ref(client.db, "tx"), (current: unknown) => {
          attempts += 1;
          return typeof current === "number" ? current + 1 : current;
        }).then(
          () => null,
          (error: unknown) => error,
        );
        expect(outcome).to.be.instanceOf(Error);
        expect(outcome).to.have.property("message", "disconnect");
        await connectedState(client.db, true);
        await set(ref(client.db, "barrier"), true);
        const transactionPuts = proxy
          .clientMessages()
          .map(clientRequest)
          .filter((r) => r?.a === "p" && "h" in r.b);
        expect(transactionPuts).to.have.length(1);
        expect(attempts).to.equal(1);
        expect((await rest(emulator, "GET", `/tx.json?ns=${ns}`)).json()).to.equal(11);
        cached.off();
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  });

  describe("§16.24 emulator restart on the same port", () => {
    it("is survived by the admin SDK and the client SDK: listeners resume, pending writes land once", async () => {
      let server = await startEmulator();
      const port = server.port;
      const ns = uniqueName("ns");
      const client = connectClient(server, ns);
      const adminApp = connectAdmin(server, ns);
      const clientSeen = watch(ref(client.db, "r"));
      const adminValues: unknown[] = [];
      const adminRef = adminApp.db.ref("r");
      const onAdminValue = adminRef.on("value", (snap) => void adminValues.push(snap.val()));
      try {
        await set(ref(client.db, "r/before"), true);
        await clientSeen.waitFor(
          (snap) => snap.child("before").exists(),
          "the first value (client)",
        );
        await until(() => adminValues.some((v) => v !== null), "the first value (admin)");
        await connectedState(client.db, true);
        await server.close();
        await connectedState(client.db, false);
        const clientWrite = set(ref(client.db, "r/fromClient"), increment(1));
        const adminWrite = adminApp.db.ref("r/fromAdmin").set(increment(1));
        server = await startEmulator({ port });
        await Promise.all([clientWrite, adminWrite]);
        const expected = { fromAdmin: 1, fromClient: 1 };
        const resumed = await clientSeen.waitFor(
          (snap) => snap.child("fromClient").exists() && snap.child("fromAdmin").exists(),
          "both pending writes (client listener)",
        );
        expect(resumed.val()).to.deep.equal(expected);
        await until(
          () => canonical(adminValues.at(-1)) === canonical(expected),
          "both pending writes (admin listener)",
        ).catch((error: unknown) => {
          throw new Error(`${String(error)}; admin saw ${JSON.stringify(adminValues)}`);
        });
        expect((await rest(server, "GET", `/r.json?ns=${ns}`)).json()).to.deep.equal(expected);
        await adminApp.db.ref("r/after").set("admin");
        await clientSeen.waitFor(
          (snap) => snap.child("after").val() === "admin",
          "a new admin write",
        );
      } finally {
        clientSeen.off();
        adminRef.off("value", onAdminValue);
        await client.close();
        await adminApp.close();
        await server.close();
      }
    });
  });
});
