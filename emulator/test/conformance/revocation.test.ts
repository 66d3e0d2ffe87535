/**
 * What happens to a connection's standing when the data its rules depend on changes, or its token
 * expires (emulator/README.md, "Revocation and onDisconnect"): queued onDisconnect writes are
 * checked again when they run, with the connection's auth as it is then; an expiring token is
 * revoked with `ac` expired_token; open listeners are not re-checked on data changes.
 */
import { expect } from "chai";
import { onDisconnect, onValue, ref, set, type Database } from "firebase/database";
import {
  RawClient,
  connectClient,
  idTokenClaims,
  pushBody,
  rest,
  startEmulator,
  uniqueName,
  unsignedJwt,
  until,
  watch,
  type Emulator,
} from "./support.js";

const OWNER = { Authorization: "Bearer owner" };

/** Resolves once `left/<uid>` is true: the connection's onDisconnect queue has run. */
async function queueRan(emulator: Emulator, ns: string, uid: string): Promise<void> {
  const observer = connectClient(emulator, ns);
  const seen = watch(ref(observer.db, `left/${uid}`));
  try {
    await seen.waitFor((snapshot) => snapshot.val() === true, "the onDisconnect queue to run");
  } finally {
    seen.off();
    await observer.close();
  }
}

/**
 * A member may write its own presence while its member record exists and it is not revoked; a
 * member may read the feed while it is a member. The shape of Lifeline's own rules, reduced.
 */
const RULES = {
  rules: {
    presence: {
      ".read": true,
      $uid: {
        ".write":
          "auth != null && auth.uid == $uid && root.child('members').child(auth.uid).exists() && !root.child('revocations').child(auth.uid).exists()",
      },
    },
    feed: { ".read": "auth != null && root.child('members').child(auth.uid).exists()" },
    // Open to all: a connection queues a write here last, to show its queue has run.
    left: { ".read": true, $uid: { ".write": true } },
  },
};

function connectedEvents(db: Database): { readonly seen: boolean[]; off(): void } {
  const seen: boolean[] = [];
  const off = onValue(ref(db, ".info/connected"), (snapshot) => {
    seen.push(snapshot.val() === true);
  });
  return { seen, off };
}

describe("revocation and onDisconnect", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(async () => {
    await emulator.close();
  });

  async function freshNamespace(uid: string): Promise<string> {
    const ns = uniqueName("ns");
    const rules = await rest(emulator, "PUT", `/.settings/rules.json?ns=${ns}`, {
      body: JSON.stringify(RULES),
      headers: OWNER,
    });
    expect(rules.status, rules.text).to.equal(200);
    const seed = await rest(emulator, "PUT", `/.json?ns=${ns}`, {
      body: { members: { [uid]: true }, feed: { a: 1 } },
      headers: OWNER,
    });
    expect(seed.status, seed.text).to.equal(200);
    return ns;
  }

  async function valueAt(ns: string, path: string): Promise<unknown> {
    const reply = await rest(emulator, "GET", `/${path}.json?ns=${ns}`, { headers: OWNER });
    return reply.json();
  }

  /**
   * Queues `presence/<uid> = "offline"` on disconnect, runs `meanwhile` (as the owner), closes the
   * client and returns the presence value once the disconnect has been handled.
   */
  async function queuedPresenceAfter(
    meanwhile: (ns: string) => Promise<void>,
  ): Promise<{ readonly presence: unknown }> {
    const uid = uniqueName("member");
    const ns = await freshNamespace(uid);
    const client = connectClient(emulator, ns, { mockUserToken: { sub: uid, user_id: uid } });
    await set(ref(client.db, `presence/${uid}`), "online");
    await onDisconnect(ref(client.db, `presence/${uid}`)).set("offline");
    await onDisconnect(ref(client.db, `left/${uid}`)).set(true);
    await meanwhile(ns);
    await client.close();
    await queueRan(emulator, ns, uid);
    return { presence: await valueAt(ns, `presence/${uid}`) };
  }

  describe("queued onDisconnect writes", () => {
    it("run when the member still may write", async () => {
      const { presence } = await queuedPresenceAfter(() => Promise.resolve());
      expect(presence).to.equal("offline");
    });

    it("are refused at execution once the member record is removed", async () => {
      const { presence } = await queuedPresenceAfter(async (ns) => {
        await rest(emulator, "DELETE", `/members.json?ns=${ns}`, { headers: OWNER });
      });
      expect(presence).to.equal("online");
    });

    it("are refused at execution once a revocation is written", async () => {
      const { presence } = await queuedPresenceAfter(async (ns) => {
        const reply = await rest(emulator, "GET", `/members.json?ns=${ns}`, { headers: OWNER });
        const [uid] = Object.keys(reply.json() as Record<string, unknown>);
        await rest(emulator, "PUT", `/revocations/${uid ?? ""}.json?ns=${ns}`, {
          body: Date.now(),
          headers: OWNER,
        });
      });
      expect(presence).to.equal("online");
    });

    it("are still refused at registration when the rules deny them then", async () => {
      const uid = uniqueName("member");
      const ns = await freshNamespace(uid);
      const client = connectClient(emulator, ns, {
        mockUserToken: { sub: "stranger", user_id: "stranger" },
      });
      try {
        let denied: unknown;
        try {
          await onDisconnect(ref(client.db, `presence/${uid}`)).set("offline");
        } catch (error) {
          denied = error;
        }
        expect(String(denied)).to.match(/permission_denied/i);
      } finally {
        await client.close();
      }
    });
  });

  describe("token expiry", () => {
    it("revokes the connection's auth with ac expired_token and revokes its listens", async () => {
      const uid = uniqueName("member");
      const ns = await freshNamespace(uid);
      const client = await RawClient.open(emulator, ns);
      try {
        const exp = Math.floor(Date.now() / 1000) + 1;
        const token = unsignedJwt({ ...idTokenClaims(uid, "demo-conformance"), exp });
        const auth = await client.request("auth", { cred: token });
        expect(auth.s).to.equal("ok");
        const listen = await client.request("q", { p: "/feed", h: "" });
        expect(listen.s).to.equal("ok");
        const revoked = await client.waitFor(
          (message) => pushBody(message, "ac") !== undefined,
          "the auth revocation",
        );
        expect(pushBody(revoked, "ac")).to.deep.equal({
          s: "expired_token",
          d: "Auth token is expired.",
        });
        await client.waitFor(
          (message) => pushBody(message, "c") !== undefined,
          "the listen revocation",
        );
        const write = await client.request("p", { p: `/presence/${uid}`, d: "x" });
        expect(write.s).to.equal("permission_denied");
      } finally {
        client.close();
      }
    });

    it("makes the web SDK reconnect, and queued onDisconnect writes fail as unauthenticated", async () => {
      const uid = uniqueName("member");
      const ns = await freshNamespace(uid);
      const exp = Math.floor(Date.now() / 1000) + 2;
      const client = connectClient(emulator, ns, {
        mockUserToken: { sub: uid, user_id: uid, exp },
      });
      const connected = connectedEvents(client.db);
      try {
        await set(ref(client.db, `presence/${uid}`), "online");
        await onDisconnect(ref(client.db, `presence/${uid}`)).set("offline");
        await onDisconnect(ref(client.db, `left/${uid}`)).set(true);
        await until(() => connected.seen.includes(true), "the first connection");
        // The SDK answers `ac` by dropping the connection, which runs the queue with no auth.
        await until(
          () => connected.seen.lastIndexOf(false) > connected.seen.indexOf(true),
          "the SDK to drop the connection after expired_token",
          10_000,
        );
        await queueRan(emulator, ns, uid);
        expect(await valueAt(ns, `presence/${uid}`)).to.equal("online");
      } finally {
        connected.off();
        await client.close();
      }
    });
  });

  describe("open listeners", () => {
    it("are not re-checked when the data their rules read changes, as in production", async () => {
      const uid = uniqueName("member");
      const ns = await freshNamespace(uid);
      const client = connectClient(emulator, ns, { mockUserToken: { sub: uid, user_id: uid } });
      try {
        const feed = watch(ref(client.db, "feed/a"));
        await feed.waitFor((snapshot) => snapshot.val() === 1, "the feed");
        await rest(emulator, "DELETE", `/members/${uid}.json?ns=${ns}`, { headers: OWNER });
        await rest(emulator, "PUT", `/feed/a.json?ns=${ns}`, { body: 2, headers: OWNER });
        await feed.waitFor((snapshot) => snapshot.val() === 2, "the change after the removal");
        expect(feed.errors).to.deep.equal([]);
        // A new listen is checked against the data as it is now.
        const again = connectClient(emulator, ns, { mockUserToken: { sub: uid, user_id: uid } });
        try {
          await watch(ref(again.db, "feed")).waitForError("the denied new listen");
        } finally {
          await again.close();
        }
        feed.off();
      } finally {
        await client.close();
      }
    });
  });
});
