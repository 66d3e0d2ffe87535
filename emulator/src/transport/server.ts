/**
 * The emulator's network front: one HTTP server that upgrades `/.ws` to the WebSocket protocol,
 * routes `/.lp` to long polling and everything else to the REST API (spec §2, §10).
 */
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { Database } from "../engine/database.js";
import { Faults } from "../engine/faults.js";
import { FAULTS_PATH, handleFaultRequest } from "./fault-control.js";
import { closeLongPolls, handleLongPoll } from "./longpoll.js";
import { handleRest } from "../rest/index.js";
import { TriggerRegistry, type FunctionsEmulatorAddress } from "../engine/triggers.js";
import { serveWebSocket } from "./websocket.js";

/** The namespace of a request without `ns` (firebase-tools `DEFAULT_DATABASE_EMULATOR_NAMESPACE`). */
export const DEFAULT_NAMESPACE = "fake-server";

export interface ServerOptions {
  /** Interface to bind; default 127.0.0.1. */
  readonly host?: string;
  /** Port to bind; 0 picks a free one. Default 9000. */
  readonly port?: number;
  /** Where function triggers are delivered (`--functions_emulator_host/port`). */
  readonly functionsEmulator?: FunctionsEmulatorAddress;
  /** A rules file applied to every namespace that never had rules set. */
  readonly rulesFile?: string;
  /** Rules text with the same role as `rulesFile` (takes precedence). */
  readonly defaultRules?: string;
  /** firebase-tools' `--single_project_mode`; accepted for compatibility, without effect. */
  readonly singleProjectMode?: string;
  /** Serves `/.faults` (latency, stalled writes, refused connections, dropped sockets). */
  readonly faults?: boolean;
}

export interface RunningServer {
  /** `http://host:port` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly database: Database;
  readonly triggers: TriggerRegistry;
  /** The fault control (inert unless the server was started with `faults: true`). */
  readonly faults: Faults;
  /** Drops every connection (running onDisconnect queues) and stops listening. */
  close(): Promise<void>;
}

export function namespaceOf(url: URL): string {
  const namespace = url.searchParams.get("ns");
  return namespace === null || namespace === "" ? DEFAULT_NAMESPACE : namespace;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const defaultRules =
    options.defaultRules ??
    (options.rulesFile === undefined ? undefined : await readFile(options.rulesFile, "utf8"));
  const faults = new Faults(options.faults === true);
  const database = new Database({
    ...(defaultRules === undefined ? {} : { defaultRules }),
    faults,
  });
  const triggers = new TriggerRegistry(
    options.functionsEmulator === undefined ? {} : { functionsEmulator: options.functionsEmulator },
  );
  database.onCommit((event) => {
    triggers.handleCommit(event);
  });

  const sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  /** Drops every open client connection, as a network failure would; returns how many. */
  function dropConnections(): number {
    let count = 0;
    for (const client of sockets.clients) {
      client.terminate();
      count++;
    }
    count += closeLongPolls(database);
    return count;
  }

  const server = http.createServer((req, res) => {
    try {
      const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
      if (pathname === FAULTS_PATH) {
        void handleFaultRequest(faults, req, res, dropConnections).catch((error: unknown) => {
          console.error("rtdb-emulator: fault request failed", error);
          res.destroy();
        });
        return;
      }
      if (faults.refusing) {
        req.socket.destroy();
        return;
      }
      if (pathname === "/.lp" || pathname.startsWith("/.lp/")) handleLongPoll(database, req, res);
      else {
        faults.delay(() => {
          void handleRest(database, triggers, req, res, { faults });
        });
      }
    } catch (error) {
      console.error("rtdb-emulator: request failed", error);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: "Internal error" }));
    }
  });

  server.on("upgrade", (req, socket, head) => {
    socket.on("error", () => undefined);
    const url = new URL(req.url ?? "/", "http://localhost");
    if (faults.refusing || (url.pathname !== "/.ws" && url.pathname !== "/")) {
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(req, socket, head, (webSocket) => {
      const transportSessionId = url.searchParams.get("s");
      serveWebSocket(database, webSocket, {
        namespace: namespaceOf(url),
        host: req.headers.host ?? `${host}:${String(actualPort())}`,
        ...(transportSessionId === null || transportSessionId === "" ? {} : { transportSessionId }),
      });
    });
  });
  server.on("clientError", (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 9000, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  function actualPort(): number {
    const address = server.address();
    return typeof address === "object" && address !== null
      ? (address satisfies AddressInfo).port
      : 0;
  }

  const port = actualPort();
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${String(port)}`,
    host,
    port,
    database,
    triggers,
    faults,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        closeLongPolls(database);
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
