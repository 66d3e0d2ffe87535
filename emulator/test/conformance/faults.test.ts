/**
 * The test fault control (`/.faults`, off unless the emulator runs with `--faults` or
 * RTDB_EMULATOR_FAULTS=1): latency, stalled writes, refused connections, dropped sockets, each
 * observed through the real web SDK and REST.
 */
import { expect } from "chai";
import WebSocket from "ws";
import {
  get,
  onDisconnect,
  onValue,
  ref,
  runTransaction,
  set,
  update,
  type Database,
} from "firebase/database";
import { startEmulator as startTestEmulator, type TestEmulator } from "../helpers/emulator.js";
import {
  connectClient,
  rest,
  uniqueName,
  until,
  watch,
  withTimeout,
  type Emulator,
} from "./support.js";

const OWNER = { Authorization: "Bearer owner" };

function asEmulator(running: TestEmulator): Emulator {
  return {
    host: running.host,
    port: running.port,
    address: running.hostPort,
    close: () => running.stop(),
  };
}

interface FaultsReply {
  readonly latencyMs: number;
  readonly stallWrites: boolean;
  readonly refuseConnections: boolean;
  readonly heldWrites: number;
  readonly droppedConnections?: number;
}

async function faults(emulator: Emulator, method: string, body?: unknown): Promise<FaultsReply> {
  const reply = await rest(emulator, method, "/.faults", body === undefined ? {} : { body });
  expect(reply.status, reply.text).to.equal(200);
  return reply.json() as FaultsReply;
}

async function valueAt(emulator: Emulator, ns: string, path: string): Promise<unknown> {
  const reply = await rest(emulator, "GET", `/${path}.json?ns=${ns}`, { headers: OWNER });
  expect(reply.status, reply.text).to.equal(200);
  return reply.json();
}

/** Records every `.info/connected` event of a client. */
function connectedEvents(db: Database): { readonly seen: boolean[]; off(): void } {
  const seen: boolean[] = [];
  const off = onValue(ref(db, ".info/connected"), (snapshot) => {
    seen.push(snapshot.val() === true);
  });
  return { seen, off };
}

describe("fault control (/.faults)", () => {
  describe("when not enabled", () => {
    let emulator: Emulator;
    before(async () => {
      emulator = asEmulator(await startTestEmulator());
    });
    after(async () => {
      await emulator.close();
    });

    it("answers 404 on every method and leaves writes alone", async () => {
      for (const method of ["GET", "PUT", "DELETE"]) {
        const reply = await rest(emulator, method, "/.faults", {
          ...(method === "PUT" ? { body: { stallWrites: true } } : {}),
        });
        expect(reply.status, method).to.equal(404);
        expect(reply.json())
          .to.have.property("error")
          .that.matches(/--faults/);
      }
      const ns = uniqueName("ns");
      const write = await rest(emulator, "PUT", `/x.json?ns=${ns}`, { body: 1, headers: OWNER });
      expect(write.status).to.equal(200);
      expect(await valueAt(emulator, ns, "x")).to.equal(1);
    });
  });

  describe("when enabled", () => {
    let emulator: Emulator;
    before(async () => {
      emulator = asEmulator(await startTestEmulator({ faults: true }));
    });
    after(async () => {
      await emulator.close();
    });
    afterEach(async () => {
      await faults(emulator, "DELETE");
    });

    describe("API", () => {
      it("PUT replaces the whole state, GET reads it, DELETE clears it", async () => {
        expect(await faults(emulator, "GET")).to.deep.equal({
          latencyMs: 0,
          stallWrites: false,
          refuseConnections: false,
          heldWrites: 0,
        });
        expect(await faults(emulator, "PUT", { latencyMs: 25, stallWrites: true })).to.deep.equal({
          latencyMs: 25,
          stallWrites: true,
          refuseConnections: false,
          heldWrites: 0,
        });
        // Fields left out of a PUT are off: it is not a merge.
        expect(await faults(emulator, "PUT", { refuseConnections: true })).to.include({
          latencyMs: 0,
          stallWrites: false,
          refuseConnections: true,
        });
        expect(await faults(emulator, "DELETE")).to.include({
          latencyMs: 0,
          stallWrites: false,
          refuseConnections: false,
        });
      });

      it("rejects unknown faults and wrong types with 400, keeping the state", async () => {
        await faults(emulator, "PUT", { latencyMs: 5 });
        for (const body of [
          { stall: true },
          { latencyMs: -1 },
          { latencyMs: "10" },
          { latencyMs: 1e9 },
          { stallWrites: "yes" },
          [true],
          "{oops",
        ]) {
          const reply = await rest(emulator, "PUT", "/.faults", { body });
          expect(reply.status, JSON.stringify(body)).to.equal(400);
          expect(reply.json()).to.have.property("error").that.is.a("string");
        }
        expect((await faults(emulator, "GET")).latencyMs).to.equal(5);
        const post = await rest(emulator, "POST", "/.faults", { body: {} });
        expect(post.status).to.equal(405);
      });
    });

    describe("latencyMs", () => {
      it("delays REST requests and client messages by at least the latency, in order", async () => {
        const ns = uniqueName("ns");
        const client = connectClient(emulator, ns);
        try {
          await set(ref(client.db, "warm"), true);
          const latencyMs = 300;
          await faults(emulator, "PUT", { latencyMs });
          const restStarted = Date.now();
          await valueAt(emulator, ns, "warm");
          expect(Date.now() - restStarted).to.be.at.least(latencyMs - 5);

          const seen = watch(ref(client.db, "n"));
          const writeStarted = Date.now();
          const writes = [1, 2, 3].map((n) => set(ref(client.db, "n"), n));
          // The latency changes while the first writes are on their way: none may overtake.
          await faults(emulator, "PUT", { latencyMs: 0 });
          const later = set(ref(client.db, "n"), 4);
          await Promise.all([...writes, later]);
          expect(Date.now() - writeStarted).to.be.at.least(latencyMs - 5);
          expect(await valueAt(emulator, ns, "n")).to.equal(4);
          seen.off();
        } finally {
          await client.close();
        }
      });
    });

    describe("stallWrites", () => {
      it("holds every kind of write unapplied and unacknowledged, then applies them in order", async () => {
        const ns = uniqueName("ns");
        const writer = connectClient(emulator, ns);
        const leaver = connectClient(emulator, ns);
        const observer = connectClient(emulator, ns);
        try {
          await set(ref(writer.db, "log"), { v: 0 });
          await onDisconnect(ref(leaver.db, "log/gone")).set(true);
          const seen = watch(ref(observer.db, "log/v"));
          await seen.waitFor((snapshot) => snapshot.val() === 0, "the initial value");
          await faults(emulator, "PUT", { stallWrites: true });

          const acknowledged: string[] = [];
          const note = (name: string) => () => {
            acknowledged.push(name);
          };
          // Each write goes out once the one before it is held, so their arrival order is known.
          const heldAtLeast = async (count: number): Promise<void> => {
            const deadline = Date.now() + 10_000;
            while ((await faults(emulator, "GET")).heldWrites < count) {
              if (Date.now() > deadline) throw new Error(`fewer than ${count} writes held`);
            }
          };
          const pending: Promise<void>[] = [];
          pending.push(set(ref(writer.db, "log/v"), 1).then(note("set")));
          await heldAtLeast(1);
          pending.push(update(ref(writer.db, "log"), { v: 2, u: true }).then(note("update")));
          await heldAtLeast(2);
          pending.push(
            rest(emulator, "PUT", `/log/v.json?ns=${ns}`, { body: 3, headers: OWNER }).then(
              (reply) => {
                acknowledged.push(`rest ${String(reply.status)}`);
              },
            ),
          );
          await heldAtLeast(3);
          pending.push(
            runTransaction(ref(writer.db, "log/t"), (current: unknown) =>
              typeof current === "number" ? current + 1 : 1,
            ).then(note("transaction")),
          );
          await heldAtLeast(4);
          await leaver.close();
          await heldAtLeast(5);

          expect(acknowledged).to.deep.equal([]);
          // Reads and listens still answer, from the data as it was.
          expect(await valueAt(emulator, ns, "log")).to.deep.equal({ v: 0 });
          expect((await get(ref(observer.db, "log/v"))).val()).to.equal(0);
          expect(seen.snapshots.map((snapshot) => snapshot.val() as unknown)).to.deep.equal([0]);

          await faults(emulator, "DELETE");
          await withTimeout(Promise.all(pending), "the held writes' acknowledgements");
          expect(acknowledged).to.include.members(["set", "update", "rest 200", "transaction"]);
          expect(await valueAt(emulator, ns, "log")).to.deep.equal({
            v: 3,
            u: true,
            t: 1,
            gone: true,
          });
          await seen.waitFor((snapshot) => snapshot.val() === 3, "the last held write");
          expect(seen.snapshots.map((snapshot) => snapshot.val() as unknown)).to.deep.equal([
            0, 1, 2, 3,
          ]);
          seen.off();
        } finally {
          await Promise.all([writer.close(), observer.close()]);
        }
      });
    });

    describe("refuseConnections", () => {
      it("destroys new requests and upgrades but not /.faults or open connections", async () => {
        const ns = uniqueName("ns");
        const client = connectClient(emulator, ns);
        try {
          await set(ref(client.db, "open"), 1);
          await faults(emulator, "PUT", { refuseConnections: true });
          let restError: unknown;
          try {
            await fetch(`http://${emulator.address}/open.json?ns=${ns}`, { headers: OWNER });
          } catch (error) {
            restError = error;
          }
          expect(restError, "a refused REST request").to.be.instanceOf(Error);
          const upgrade = await new Promise<string>((resolve) => {
            const socket = new WebSocket(`ws://${emulator.address}/.ws?v=5&ns=${ns}`);
            socket.on("open", () => {
              resolve("open");
              socket.terminate();
            });
            socket.on("error", () => {
              resolve("error");
            });
          });
          expect(upgrade).to.equal("error");
          // The connection that was already open carries on.
          await set(ref(client.db, "open"), 2);
          expect((await faults(emulator, "GET")).refuseConnections).to.equal(true);

          await faults(emulator, "DELETE");
          expect(await valueAt(emulator, ns, "open")).to.equal(2);
        } finally {
          await client.close();
        }
      });
    });

    describe("dropSockets", () => {
      it("closes every open connection once, running onDisconnect, and clients reconnect", async () => {
        const ns = uniqueName("ns");
        const client = connectClient(emulator, ns);
        const connected = connectedEvents(client.db);
        try {
          await set(ref(client.db, "presence"), "online");
          await onDisconnect(ref(client.db, "presence")).set("offline");
          await until(() => connected.seen.includes(true), "the client to connect");
          const reply = await faults(emulator, "PUT", { dropSockets: true });
          expect(reply.droppedConnections).to.be.at.least(1);
          // One-shot: nothing of it stays in the state.
          expect(await faults(emulator, "GET")).to.not.have.property("droppedConnections");
          await until(
            () => connected.seen.lastIndexOf(false) > connected.seen.indexOf(true),
            "the client to see the drop",
          );
          const observer = connectClient(emulator, ns);
          try {
            await watch(ref(observer.db, "presence")).waitFor(
              (snapshot) => snapshot.val() === "offline",
              "the onDisconnect write",
            );
          } finally {
            await observer.close();
          }
          await until(
            () => connected.seen[connected.seen.length - 1] === true,
            "the client to reconnect",
          );
          await set(ref(client.db, "presence"), "back");
          expect(await valueAt(emulator, ns, "presence")).to.equal("back");
        } finally {
          connected.off();
          await client.close();
        }
      });
    });
  });

  describe("enabling from the command line", () => {
    for (const [label, options] of [
      ["--faults", { faults: true }],
      ["RTDB_EMULATOR_FAULTS=1", { env: { RTDB_EMULATOR_FAULTS: "1" } }],
    ] as const) {
      it(`serves /.faults when started with ${label}`, async () => {
        const running = await startTestEmulator({ mode: "child", ...options });
        try {
          const reply = await rest(asEmulator(running), "GET", "/.faults");
          expect(reply.status, reply.text).to.equal(200);
        } finally {
          await running.stop();
        }
      });
    }

    it("keeps /.faults off for a child started without either", async () => {
      const running = await startTestEmulator({ mode: "child", env: { RTDB_EMULATOR_FAULTS: "" } });
      try {
        const reply = await rest(asEmulator(running), "GET", "/.faults");
        expect(reply.status).to.equal(404);
      } finally {
        await running.stop();
      }
    });
  });
});
