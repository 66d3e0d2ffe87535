#!/usr/bin/env node
// Runs @firestore-emulator/server (a gRPC-only, in-memory Firestore) the way firebase-tools runs the
// official Firestore emulator JAR: `--host H --port P [--project_id X] [--rules F] …`, on one port.
//
// The official emulator serves gRPC and a small HTTP/1.1 admin API on the same port; the package
// only does gRPC and binds 0.0.0.0. So this launcher owns the listening socket and sorts each
// connection by its first bytes: the HTTP/2 connection preface goes to the gRPC server, anything else
// to the HTTP/1.1 admin API below. What the package cannot do is said out loud instead of faked:
// security rules are accepted but NOT enforced, Firestore triggers are refused, and the browser
// (WebChannel) transport is not served. See scripts/README.md.
import { Buffer } from "node:buffer";
import { createServer as createHttpServer } from "node:http";
import { connect, createServer as createNetServer } from "node:net";
import { setTimeout } from "node:timers";
import { pathToFileURL } from "node:url";
import { ServerCredentials } from "@grpc/grpc-js";
import { FirestoreServer } from "@firestore-emulator/server";
import { parseCommandLine } from "./lib/cli-args.mjs";

const HTTP2_PREFACE_START = Buffer.from("PRI * HTTP/2.0");

const USAGE = `Usage: node scripts/firestore-emulator.mjs [--host <host>] [--port <port>] [flags]

Takes the flags firebase-tools passes to the Firestore emulator JAR (through scripts/java-shim/java):
  --host <host>  --port <port>  --project_id <id>  --rules <file>  --functions_emulator <host:port>
  --webchannel_port <port>  --websocket_port <port>  --database-edition <edition>
  --seed_from_export <dir>  --single_project_mode <mode>
Rules are accepted but NOT enforced; --seed_from_export is not supported (starts empty).
  --help, -h  print this and exit
`;

/** Every flag firebase-tools 15 may pass to the Firestore emulator (downloadableEmulators.js). */
const FLAGS = Object.fromEntries(
  [
    "host",
    "port",
    "project_id",
    "rules",
    "functions_emulator",
    "webchannel_port",
    "websocket_port",
    "database-edition",
    "seed_from_export",
    "single_project_mode",
  ].map((name) => [name, { type: "string" }]),
);

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

function errorBody(status, code, message) {
  return { error: { code: status, message, status: code } };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * Starts the emulator on host:port. Returns `{ port, close() }`; `port` is the bound port (useful
 * with port 0). `log` receives one line per notable event.
 */
export async function startFirestoreEmulator({ host, port, log = (line) => console.log(line) }) {
  const firestore = new FirestoreServer();
  // The package binds 0.0.0.0 itself; bind its grpc Server (a plain property) to loopback on a free
  // port instead, and relay gRPC connections there. (Handing it our socket directly does not work:
  // Node's HTTP/2 reads the native handle and would miss the bytes we peeked at.)
  const grpcPort = await new Promise((resolve, reject) => {
    firestore.server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  const rulesByProject = new Map();
  let warnedRules = false;

  const admin = createHttpServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    const rules = /^\/emulator\/v1\/projects\/([^/:]+):securityRules$/.exec(url.pathname);
    const documents = /^\/emulator\/v1\/projects\/([^/]+)\/databases\/([^/]+)\/documents$/.exec(
      url.pathname,
    );
    const trigger = /^\/emulator\/v1\/projects\/([^/]+)\/triggers\/([^/]+)$/.exec(url.pathname);
    try {
      if (url.pathname === "/" && method === "GET") {
        res.writeHead(200, { "Content-Type": "text/plain" });
        res.end("Ok\n");
      } else if (rules && method === "PUT") {
        const body = JSON.parse(await readBody(req));
        const files = body?.rules?.files;
        if (!Array.isArray(files)) {
          sendJson(res, 400, errorBody(400, "INVALID_ARGUMENT", "expected {rules:{files:[…]}}"));
          return;
        }
        rulesByProject.set(rules[1], files);
        if (!warnedRules) {
          warnedRules = true;
          log(
            "WARNING: Firestore security rules were received but are NOT enforced by " +
              "@firestore-emulator/server; every request is allowed. Test rules with the official emulator.",
          );
        }
        sendJson(res, 200, { issues: [] });
      } else if (documents && method === "DELETE") {
        const project = documents[1];
        if (project !== undefined && project in firestore.state.projects) {
          firestore.state.projects = Object.fromEntries(
            Object.entries(firestore.state.projects).filter(([name]) => name !== project),
          );
        }
        sendJson(res, 200, {});
      } else if (trigger && (method === "PUT" || method === "POST")) {
        const message =
          `Firestore triggers are not supported by @firestore-emulator/server (trigger ` +
          `${trigger[2]}); run them on the official emulator (npm run test:official).`;
        log(`ERROR: ${message}`);
        sendJson(res, 501, errorBody(501, "UNIMPLEMENTED", message));
      } else {
        sendJson(
          res,
          404,
          errorBody(
            404,
            "NOT_FOUND",
            `${method} ${url.pathname} is not served: this Firestore emulator speaks gRPC ` +
              "(Admin SDK, Node clients) and a minimal admin API; the browser WebChannel " +
              "transport is not supported.",
          ),
        );
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      sendJson(res, 400, errorBody(400, "INVALID_ARGUMENT", message));
    }
  });

  const openSockets = new Set();
  const listener = createNetServer((socket) => {
    openSockets.add(socket);
    socket.on("close", () => openSockets.delete(socket));
    socket.once("data", (first) => {
      socket.pause();
      socket.unshift(first);
      const prefix = first.subarray(0, Math.min(first.length, HTTP2_PREFACE_START.length));
      if (HTTP2_PREFACE_START.subarray(0, prefix.length).equals(prefix)) {
        const upstream = connect(grpcPort, "127.0.0.1");
        upstream.on("error", () => socket.destroy());
        socket.on("close", () => upstream.destroy());
        upstream.on("close", () => socket.destroy());
        socket.pipe(upstream);
        upstream.pipe(socket);
      } else {
        admin.emit("connection", socket);
      }
      socket.resume();
    });
    socket.on("error", () => socket.destroy());
  });

  await new Promise((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(port, host, () => {
      listener.off("error", reject);
      resolve(undefined);
    });
  });
  const address = listener.address();
  const boundPort = typeof address === "object" && address !== null ? address.port : port;
  log(`Firestore emulator (@firestore-emulator/server) listening on ${host}:${boundPort}`);

  return {
    port: boundPort,
    rulesByProject,
    close() {
      return new Promise((resolve) => {
        // The admin server never listens itself, so it does not track its connections: we do.
        for (const socket of openSockets) socket.destroy();
        firestore.stop();
        listener.close(() => resolve(undefined));
      });
    },
  };
}

async function main() {
  const { values } = parseCommandLine({ name: "firestore-emulator", usage: USAGE, options: FLAGS });
  const host = values.host ?? "127.0.0.1";
  const port = Number(values.port ?? "8080");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`firestore-emulator: invalid --port ${values.port}`);
    process.exit(2);
  }
  if (values.seed_from_export !== undefined) {
    console.error(
      "firestore-emulator: --seed_from_export (import) is not supported; starting empty",
    );
  }
  const emulator = await startFirestoreEmulator({ host, port });
  const rules = values.rules;
  if (rules !== undefined) {
    console.log(
      `WARNING: security rules ${rules} are NOT enforced by @firestore-emulator/server; ` +
        "every request is allowed. Test rules with the official emulator (npm run test:official).",
    );
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // firebase-tools gives the process 4 s after SIGINT; never let a slow close cost a failed run.
    setTimeout(() => process.exit(0), 2000).unref();
    void emulator.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
