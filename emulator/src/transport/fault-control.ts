/**
 * The `/.faults` endpoint (tests only): reads, replaces and clears the fault state the engine and
 * the transports consult. Never itself subject to faults.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { FaultRequestError, NO_FAULTS, parseFaultRequest, type Faults } from "../engine/faults.js";

export const FAULTS_PATH = "/.faults";

/** Answers `GET/PUT/DELETE /.faults`; `drop` closes every open client connection. */
export async function handleFaultRequest(
  faults: Faults,
  req: IncomingMessage,
  res: ServerResponse,
  drop: () => number,
): Promise<void> {
  const reply = (status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": Buffer.byteLength(text),
      "Cache-Control": "no-store",
    });
    res.end(text);
  };
  const describe = (dropped?: number): object => ({
    ...faults.state,
    heldWrites: faults.heldWrites,
    ...(dropped === undefined ? {} : { droppedConnections: dropped }),
  });
  if (!faults.enabled) {
    req.resume();
    reply(404, {
      error: "Fault control is off: start the emulator with --faults or RTDB_EMULATOR_FAULTS=1",
    });
    return;
  }
  switch (req.method) {
    case "GET":
      req.resume();
      reply(200, describe());
      return;
    case "DELETE":
      req.resume();
      faults.set(NO_FAULTS);
      reply(200, describe());
      return;
    case "PUT": {
      const chunks: Buffer[] = [];
      for await (const chunk of req) {
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      }
      let request: ReturnType<typeof parseFaultRequest>;
      try {
        const text = Buffer.concat(chunks).toString("utf8");
        request = parseFaultRequest(JSON.parse(text === "" ? "{}" : text));
      } catch (error) {
        const message =
          error instanceof FaultRequestError ? error.message : "The body must be JSON";
        reply(400, { error: message });
        return;
      }
      faults.set(request.state);
      const dropped = request.dropSockets ? drop() : undefined;
      reply(200, describe(dropped));
      return;
    }
    default:
      req.resume();
      res.setHeader("Allow", "GET, PUT, DELETE");
      reply(405, { error: `Method ${req.method ?? ""} is not supported on ${FAULTS_PATH}` });
  }
}
