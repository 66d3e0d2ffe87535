/**
 * The `google.firestore.v1.Firestore` gRPC service, as the Admin SDK calls it by default. Each
 * method's messages are decoded into protobuf-JSON and encoded back from it (protojson.ts), so a
 * handler takes and returns the same shapes as the REST API. A method without a handler answers
 * UNIMPLEMENTED; an error carrying a gRPC status name (`code: "NOT_FOUND"`) is sent with that status
 * and its message, anything else as INTERNAL.
 */
import * as grpc from "@grpc/grpc-js";
import type protobuf from "protobufjs";
import { decode, encode, type Json } from "./protojson.js";

export const FIRESTORE_SERVICE = "google.firestore.v1.Firestore";

/** A request/response method, or one that answers with a stream of messages. */
export type Unary = (request: Json, metadata: grpc.Metadata) => Promise<Json>;
export type ServerStreaming = (
  request: Json,
  send: (response: Json) => void,
  metadata: grpc.Metadata,
  signal: AbortSignal,
) => Promise<void>;
/** Both sides stream (Listen, Write): requests arrive as an async iterable until the client ends. */
export type Bidi = (
  requests: AsyncIterable<Json>,
  send: (response: Json) => void,
  metadata: grpc.Metadata,
  signal: AbortSignal,
) => Promise<void>;

/** A handler with its kind, checked against the method's when the service is built. */
export type Handler =
  | { readonly kind: "unary"; readonly run: Unary }
  | { readonly kind: "server-streaming"; readonly run: ServerStreaming }
  | { readonly kind: "bidi"; readonly run: Bidi };

export const unary = (run: Unary): Handler => ({ kind: "unary", run });
export const serverStreaming = (run: ServerStreaming): Handler => ({
  kind: "server-streaming",
  run,
});
export const bidi = (run: Bidi): Handler => ({ kind: "bidi", run });

/** Handlers by method name (`Commit`, `RunQuery`, `Listen`…). */
export type FirestoreHandlers = Readonly<Record<string, Handler>>;

type StatusName = keyof typeof grpc.status;

function statusOf(error: unknown): { code: grpc.status; details: string } {
  const code =
    typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === "string" && code in grpc.status) {
    return { code: grpc.status[code as StatusName], details: message };
  }
  return { code: grpc.status.INTERNAL, details: message };
}

/** The service definition and implementation to add to a `grpc.Server`. */
export function firestoreService(
  root: protobuf.Root,
  handlers: FirestoreHandlers,
): { definition: grpc.ServiceDefinition; implementation: grpc.UntypedServiceImplementation } {
  const service = root.lookupService(FIRESTORE_SERVICE);
  const definition: Record<string, grpc.MethodDefinition<Json, Json>> = {};
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const requestType = method.resolvedRequestType;
    const responseType = method.resolvedResponseType;
    if (requestType === null || responseType === null) continue;
    const requestStream = method.requestStream === true;
    const responseStream = method.responseStream === true;
    definition[method.name] = {
      path: `/${FIRESTORE_SERVICE}/${method.name}`,
      requestStream,
      responseStream,
      requestSerialize: (value: Json) => Buffer.from(encode(requestType, value)),
      requestDeserialize: (bytes: Buffer) => decode(requestType, bytes),
      responseSerialize: (value: Json) => Buffer.from(encode(responseType, value)),
      responseDeserialize: (bytes: Buffer) => decode(responseType, bytes),
    };
    const handler = handlers[method.name];
    implementation[method.name] = serve(method.name, handler, requestStream, responseStream);
  }
  return { definition, implementation };
}

function unimplemented(name: string) {
  return {
    code: grpc.status.UNIMPLEMENTED,
    details: `${FIRESTORE_SERVICE}.${name} is not implemented`,
  };
}

function kindOf(requestStream: boolean, responseStream: boolean): Handler["kind"] {
  if (!requestStream && !responseStream) return "unary";
  if (!requestStream) return "server-streaming";
  if (responseStream) return "bidi";
  throw new Error("client-streaming methods are not part of the Firestore API");
}

/**
 * Ends a stream with an error status. grpc-js sends the status when the stream's `error` event
 * ends it; `destroy(error)` would skip that and leave the client waiting forever.
 */
function fail(call: NodeJS.EventEmitter, error: unknown): void {
  const status = statusOf(error);
  call.emit("error", Object.assign(new Error(status.details), status));
}

function serve(
  name: string,
  handler: Handler | undefined,
  requestStream: boolean,
  responseStream: boolean,
): grpc.UntypedHandleCall {
  const kind = kindOf(requestStream, responseStream);
  if (handler !== undefined && handler.kind !== kind) {
    throw new Error(`${FIRESTORE_SERVICE}.${name} is ${kind}; its handler is ${handler.kind}`);
  }
  const missing = () =>
    Object.assign(new Error(unimplemented(name).details), { code: "UNIMPLEMENTED" });
  if (kind === "unary") {
    return (call: grpc.ServerUnaryCall<Json, Json>, callback: grpc.sendUnaryData<Json>) => {
      if (handler?.kind !== "unary") {
        callback(unimplemented(name));
        return;
      }
      handler.run(call.request, call.metadata).then(
        (response) => {
          callback(null, response);
        },
        (error: unknown) => {
          callback(statusOf(error));
        },
      );
    };
  }
  if (kind === "server-streaming") {
    return (call: grpc.ServerWritableStream<Json, Json>) => {
      if (handler?.kind !== "server-streaming") {
        fail(call, missing());
        return;
      }
      // Headers first: the client's stream retrier treats an error that comes before any
      // response as "no response" and retries it with backoff (seconds for a refused query).
      call.sendMetadata(new grpc.Metadata());
      const aborted = new AbortController();
      call.on("cancelled", () => {
        aborted.abort();
      });
      handler
        .run(call.request, (response) => call.write(response), call.metadata, aborted.signal)
        .then(
          () => {
            call.end();
          },
          (error: unknown) => {
            fail(call, error);
          },
        );
    };
  }
  return (call: grpc.ServerDuplexStream<Json, Json>) => {
    if (handler?.kind !== "bidi") {
      fail(call, missing());
      return;
    }
    const aborted = new AbortController();
    call.on("cancelled", () => {
      aborted.abort();
    });
    handler
      .run(call, (response) => call.write(response), call.metadata, aborted.signal)
      .then(
        () => {
          call.end();
        },
        (error: unknown) => {
          fail(call, error);
        },
      );
  };
}
