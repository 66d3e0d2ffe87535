/**
 * The firebase web SDK in a real Chromium against the emulator: over WebSocket, over long polling
 * (which a browser falls back to after any failed WebSocket attempt), across an emulator restart,
 * and through the long-poll-to-WebSocket upgrade.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { build } from "esbuild";
import { deleteApp, initializeApp, type App } from "firebase-admin/app";
import { getDatabase, type Database as AdminDatabase } from "firebase-admin/database";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startServer, type RunningServer } from "../../src/transport/server.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CHROMIUM = "/usr/bin/chromium";
const WAIT_MS = 20_000;
/** The SDK's storage key (its DOMStorageWrapper prefixes "firebase:"). */
const WS_FAILURE_KEY = "firebase:previous_websocket_failure";

interface PageState {
  connected: boolean;
  values: Record<string, unknown>;
  errors: string[];
}

interface PageApi {
  readonly state: PageState;
  watch(path: string): void;
  write(path: string, value: unknown): Promise<true>;
  setOnDisconnect(path: string, value: unknown): Promise<true>;
  goOffline(): void;
}

declare global {
  interface Window {
    rtdb: PageApi;
  }
}

/** The page's script, bundled from the installed `firebase` package. */
const PAGE_SOURCE = `
import { initializeApp } from "firebase/app";
import {
  connectDatabaseEmulator, forceLongPolling, getDatabase, goOffline, onDisconnect, onValue, ref, set,
} from "firebase/database";

const params = new URLSearchParams(location.search);
if (params.get("transport") === "long-polling") forceLongPolling();
const app = initializeApp({
  projectId: "demo-browser",
  apiKey: "fake-key",
  databaseURL: "https://" + params.get("ns") + ".firebaseio.com",
});
const db = getDatabase(app);
connectDatabaseEmulator(db, "127.0.0.1", Number(params.get("port")));
const state = { connected: false, values: {}, errors: [] };
window.rtdb = {
  state,
  watch(path) {
    onValue(ref(db, path), (snapshot) => { state.values[path] = snapshot.val(); },
      (error) => { state.errors.push(String(error)); });
  },
  write(path, value) { return set(ref(db, path), value).then(() => true); },
  setOnDisconnect(path, value) { return onDisconnect(ref(db, path)).set(value).then(() => true); },
  goOffline() { goOffline(db); },
};
onValue(ref(db, ".info/connected"), (snapshot) => { state.connected = snapshot.val() === true; });
`;

async function bundlePage(): Promise<string> {
  const result = await build({
    stdin: { contents: PAGE_SOURCE, resolveDir: ROOT, sourcefile: "websdk-page.js", loader: "js" },
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    write: false,
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error("esbuild produced no output");
  return output.text;
}

/** Serves the test page from its own origin, as an app's dev server would. */
async function startPageServer(script: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (pathname === "/") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end('<!doctype html><html><body><script src="/app.js"></script></body></html>');
    } else if (pathname === "/app.js") {
      res.writeHead(200, { "Content-Type": "application/javascript; charset=utf-8" });
      res.end(script);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, server };
}

function uniqueNamespace(label: string): string {
  return `browser-${label}-${randomBytes(4).toString("hex")}`;
}

/** What travelled between the page and the emulator, seen from the browser. */
class TransportLog {
  readonly longPollStarts: number[] = [];
  readonly webSockets: string[] = [];
  private count = 0;

  constructor(context: BrowserContext, emulatorPort: number) {
    const emulatorOrigin = `http://127.0.0.1:${emulatorPort}`;
    context.on("request", (request) => {
      const url = request.url();
      if (url.startsWith(`${emulatorOrigin}/.lp?`) && url.includes("start=t")) {
        this.longPollStarts.push(this.next());
      }
    });
    context.on("page", (page) => {
      this.watchSockets(page);
    });
  }

  watchSockets(page: Page): void {
    page.on("websocket", (socket) => {
      this.webSockets.push(socket.url());
      this.next();
    });
  }

  /** A monotonically increasing stamp, to compare when things happened. */
  next(): number {
    this.count += 1;
    return this.count;
  }
}

describe("firebase web SDK in Chromium", function () {
  this.timeout(120_000);

  let browser: Browser;
  let pageScript: string;
  let pageServer: { url: string; server: Server };
  let emulator: RunningServer;
  let admin: App;
  let adminDb: AdminDatabase;
  const savedEmulatorHost = process.env["FIREBASE_DATABASE_EMULATOR_HOST"];
  const contexts: BrowserContext[] = [];
  /** Uncaught exceptions in any page; each test ends by asserting there were none. */
  let pageErrors: string[] = [];

  before(async function () {
    try {
      execFileSync(process.execPath, [`${ROOT}scripts/ensure-chromium.mjs`], {
        stdio: ["ignore", "ignore", "pipe"],
      });
    } catch (error) {
      const stderr =
        typeof error === "object" && error !== null && "stderr" in error
          ? String(error.stderr)
          : "";
      throw new Error(`Chromium is required at ${CHROMIUM} for the browser tests. ${stderr}`, {
        cause: error,
      });
    }
    pageScript = await bundlePage();
    pageServer = await startPageServer(pageScript);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
      ],
    });
  });

  after(async () => {
    await browser.close();
    pageServer.server.closeAllConnections();
    await new Promise<void>((resolve) =>
      pageServer.server.close(() => {
        resolve();
      }),
    );
  });

  beforeEach(async () => {
    emulator = await startServer({ host: "127.0.0.1", port: 0 });
    // firebase-admin finds the emulator through this variable and then authenticates as owner.
    process.env["FIREBASE_DATABASE_EMULATOR_HOST"] = `127.0.0.1:${emulator.port}`;
  });

  afterEach(async () => {
    pageErrors = [];
    for (const context of contexts.splice(0)) await context.close();
    await deleteApp(admin);
    await emulator.close();
    if (savedEmulatorHost === undefined) delete process.env["FIREBASE_DATABASE_EMULATOR_HOST"];
    else process.env["FIREBASE_DATABASE_EMULATOR_HOST"] = savedEmulatorHost;
  });

  function connectAdmin(namespace: string): void {
    admin = initializeApp(
      {
        projectId: "demo-browser",
        databaseURL: `http://127.0.0.1:${emulator.port}?ns=${namespace}`,
      },
      `admin-${namespace}`,
    );
    adminDb = getDatabase(admin);
  }

  async function openPage(
    namespace: string,
    options: { rememberWebSocketFailure?: boolean; forceLongPolling?: boolean } = {},
  ): Promise<{ page: Page; log: TransportLog; context: BrowserContext }> {
    const context = await browser.newContext();
    contexts.push(context);
    const log = new TransportLog(context, emulator.port);
    if (options.rememberWebSocketFailure === true) {
      await context.addInitScript(
        ([key]) => {
          localStorage.setItem(key, "true");
        },
        [WS_FAILURE_KEY] as const,
      );
    }
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    const query = new URLSearchParams({ ns: namespace, port: String(emulator.port) });
    if (options.forceLongPolling === true) query.set("transport", "long-polling");
    await page.goto(`${pageServer.url}?${query.toString()}`);
    return { page, log, context };
  }

  function waitConnected(page: Page, connected = true): Promise<unknown> {
    return page.waitForFunction((expected) => window.rtdb.state.connected === expected, connected, {
      timeout: WAIT_MS,
    });
  }

  function waitValue(page: Page, path: string, expected: unknown): Promise<unknown> {
    return page.waitForFunction(
      ([watched, wanted]) => JSON.stringify(window.rtdb.state.values[watched]) === wanted,
      [path, JSON.stringify(expected)] as const,
      { timeout: WAIT_MS },
    );
  }

  async function adminValue(path: string, expected: unknown): Promise<void> {
    const seen = new Promise<void>((resolve) => {
      const listener = adminDb.ref(path).on("value", (snapshot) => {
        if (JSON.stringify(snapshot.val()) === JSON.stringify(expected)) {
          adminDb.ref(path).off("value", listener);
          resolve();
        }
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`admin never saw ${JSON.stringify(expected)} at ${path}`));
      }, WAIT_MS);
    });
    await Promise.race([seen, timeout]).finally(() => {
      clearTimeout(timer);
    });
  }

  /** A write from Node reaches the page, and a write from the page reaches Node. */
  async function roundTrip(page: Page, label: string): Promise<void> {
    const fromNode = { from: "node", label };
    await adminDb.ref(`rooms/${label}/node`).set(fromNode);
    await waitValue(page, `rooms/${label}/node`, fromNode);
    const fromPage = { from: "page", label };
    const written = await page.evaluate(([path, value]) => window.rtdb.write(path, value), [
      `rooms/${label}/page`,
      fromPage,
    ] as const);
    expect(written).to.equal(true);
    await adminValue(`rooms/${label}/page`, fromPage);
  }

  it("connects over WebSocket, subscribes and sees a write from a Node admin client", async () => {
    const namespace = uniqueNamespace("ws");
    connectAdmin(namespace);
    const { page, log } = await openPage(namespace);
    await waitConnected(page);
    await page.evaluate((path) => {
      window.rtdb.watch(path);
    }, "rooms/ws/node");
    await roundTrip(page, "ws");
    expect(log.longPollStarts).to.deep.equal([]);
    expect(log.webSockets.some((url) => url.includes(`ns=${namespace}`))).to.equal(true);
    expect(pageErrors).to.deep.equal([]);
  });

  it("reconnects over long polling after the emulator restarts on the same port", async () => {
    const namespace = uniqueNamespace("restart");
    connectAdmin(namespace);
    const { page, log } = await openPage(namespace);
    await waitConnected(page);
    await page.evaluate((path) => {
      window.rtdb.watch(path);
    }, "rooms/before/node");
    await page.evaluate((path) => {
      window.rtdb.watch(path);
    }, "rooms/after/node");
    await roundTrip(page, "before");
    expect(log.longPollStarts).to.deep.equal([]);

    const port = emulator.port;
    await emulator.close();
    // From here on the SDK may only come back by long polling. A request is logged when the page
    // makes it, and the attempt that reconnects can be made before the restart below: it counts.
    const stoppedAt = log.next();
    await waitConnected(page, false);
    // A reconnect attempt against the stopped emulator leaves the SDK's failure flag behind.
    await page.waitForFunction((key) => localStorage.getItem(key) === "true", WS_FAILURE_KEY, {
      timeout: WAIT_MS,
    });
    emulator = await startServer({ host: "127.0.0.1", port });

    await waitConnected(page);
    expect(log.longPollStarts.filter((stamp) => stamp > stoppedAt)).to.have.length.greaterThan(0);
    await roundTrip(page, "after");
    expect(pageErrors).to.deep.equal([]);
  });

  it("works over long polling when a WebSocket failure is remembered, then upgrades", async () => {
    const namespace = uniqueNamespace("flag");
    connectAdmin(namespace);
    const { page, log } = await openPage(namespace, { rememberWebSocketFailure: true });
    await waitConnected(page);
    expect(log.longPollStarts).to.have.length(1);
    await page.evaluate((path) => {
      window.rtdb.watch(path);
    }, "rooms/flag/node");
    await roundTrip(page, "flag");

    // The SDK then moves the session to a WebSocket opened with s=<session id>; a healthy
    // upgrade clears the failure flag.
    await page.waitForFunction((key) => localStorage.getItem(key) === null, WS_FAILURE_KEY, {
      timeout: WAIT_MS,
    });
    expect(log.webSockets.some((url) => /[?&]s=/.test(url))).to.equal(true);
    expect(log.longPollStarts).to.have.length(1);
    await page.evaluate((path) => {
      window.rtdb.watch(path);
    }, "rooms/upgraded/node");
    await roundTrip(page, "upgraded");
    expect(pageErrors).to.deep.equal([]);
  });

  it("runs a long-polling page's onDisconnect when it goes offline and when it closes", async () => {
    const namespace = uniqueNamespace("lp");
    connectAdmin(namespace);
    const first = await openPage(namespace, { forceLongPolling: true });
    await waitConnected(first.page);
    await first.page.evaluate((path) => {
      window.rtdb.watch(path);
    }, "rooms/lp/node");
    await roundTrip(first.page, "lp");
    expect(first.log.webSockets).to.deep.equal([]);

    // Large and non-ASCII messages span many URL segments and several poll requests.
    const large = { text: "ünïcödé ✓ 😀 ".repeat(2_000) };
    await first.page.evaluate((path) => {
      window.rtdb.watch(path);
    }, "rooms/large/node");
    await adminDb.ref("rooms/large/node").set(large);
    await waitValue(first.page, "rooms/large/node", large);
    await first.page.evaluate(([path, value]) => window.rtdb.write(path, value), [
      "rooms/large/page",
      large,
    ] as const);
    await adminValue("rooms/large/page", large);

    await first.page.evaluate(([path, value]) => window.rtdb.setOnDisconnect(path, value), [
      "presence/first",
      "gone",
    ] as const);
    await first.page.evaluate(() => {
      window.rtdb.goOffline();
    });
    await adminValue("presence/first", "gone");

    const second = await openPage(namespace, { forceLongPolling: true });
    await waitConnected(second.page);
    await second.page.evaluate(([path, value]) => window.rtdb.setOnDisconnect(path, value), [
      "presence/second",
      "closed",
    ] as const);
    await second.page.close();
    await adminValue("presence/second", "closed");
    expect(pageErrors).to.deep.equal([]);
  });
});
