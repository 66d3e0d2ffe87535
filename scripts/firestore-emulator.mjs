#!/usr/bin/env node
// Runs the emulator package's Firestore (emulator/src/firestore: gRPC, in-memory) the way
// firebase-tools runs the official Firestore emulator JAR: `--host H --port P [--project_id X]
// [--rules F] …`, on one port.
//
// The official emulator serves gRPC, REST and a small HTTP/1.1 admin API on the same port. The
// engine serves gRPC and REST (`/v1/…`) on its port; this launcher adds the admin API below
// (`/`, `/emulator/v1/…`) as its other HTTP/1.1 routes, plus one the official emulator lacks:
// `GET /emulator/v1/projects/{p}/databases/{d}/stats`, the document writes applied so far (what
// bench/call-costs.ts counts a call's Firestore writes with). Composite indexes are enforced from firestore.indexes.json, as production does
// (FIRESTORE_INDEXES=<file> for another file, FIRESTORE_ENFORCE_INDEXES=0 to turn it off). What is
// not built yet is said out loud instead of faked: security rules are accepted but NOT enforced,
// Firestore triggers are refused, and the browser (WebChannel) transport is not served. See
// scripts/README.md.
import { Buffer } from "node:buffer";
import { setTimeout } from "node:timers";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  parseIndexesFile,
  startFirestoreEmulator as startEngine,
} from "../emulator/lib/firestore/index.js";
import { parseCommandLine } from "./lib/cli-args.mjs";

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
const DEFAULT_INDEXES = fileURLToPath(new URL("../firestore.indexes.json", import.meta.url));

/** The composite indexes to enforce, or undefined when enforcement is off or there is no file. */
function indexesToEnforce(log) {
  if (process.env.FIRESTORE_ENFORCE_INDEXES === "0") return undefined;
  const path = process.env.FIRESTORE_INDEXES ?? DEFAULT_INDEXES;
  if (!existsSync(path)) return undefined;
  log(`Firestore emulator: enforcing composite indexes from ${path}`);
  return parseIndexesFile(JSON.parse(readFileSync(path, "utf8")));
}

export async function startFirestoreEmulator({ host, port, log = (line) => console.log(line) }) {
  const indexes = indexesToEnforce(log);
  const rulesByProject = new Map();
  let warnedRules = false;
  /** @type {import("../emulator/lib/firestore/index.js").RunningFirestoreEmulator | undefined} */
  let engine;

  const admin = async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    const rules = /^\/emulator\/v1\/projects\/([^/:]+):securityRules$/.exec(url.pathname);
    const documents = /^\/emulator\/v1\/projects\/([^/]+)\/databases\/([^/]+)\/documents$/.exec(
      url.pathname,
    );
    const trigger = /^\/emulator\/v1\/projects\/([^/]+)\/triggers\/([^/]+)$/.exec(url.pathname);
    const stats = /^\/emulator\/v1\/projects\/([^/]+)\/databases\/([^/]+)\/stats$/.exec(
      url.pathname,
    );
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
              "this Firestore emulator; every request is allowed. Test rules with the official emulator.",
          );
        }
        sendJson(res, 200, { issues: [] });
      } else if (documents && method === "DELETE") {
        engine?.clear(`projects/${documents[1]}/databases/${documents[2]}`);
        sendJson(res, 200, {});
      } else if (stats && method === "GET") {
        const database = `projects/${stats[1]}/databases/${decodeURIComponent(stats[2])}`;
        sendJson(res, 200, { database, writes: engine?.writeStats(database) });
      } else if (trigger && (method === "PUT" || method === "POST")) {
        const message =
          `Firestore triggers are not supported by this Firestore emulator yet (trigger ` +
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
              "and REST (Admin SDK, Node clients) and a minimal admin API; the browser " +
              "WebChannel transport is not supported.",
          ),
        );
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      sendJson(res, 400, errorBody(400, "INVALID_ARGUMENT", message));
    }
  };

  const started = await startEngine({
    host,
    port,
    ...(indexes === undefined ? { enforceIndexes: false } : { indexes }),
    http: (req, res) => void admin(req, res),
  });
  engine = started;
  const boundPort = started.port;
  log(`Firestore emulator (emulator package) listening on ${host}:${boundPort}`);

  return {
    port: boundPort,
    rulesByProject,
    close: () => started.close(),
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
      `WARNING: security rules ${rules} are NOT enforced by this Firestore emulator; ` +
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
