/** The emulator's public API: start a server in-process, or drive the engine directly. */
export {
  startServer,
  DEFAULT_NAMESPACE,
  type RunningServer,
  type ServerOptions,
} from "./server.js";
export {
  Database,
  OPEN_RULES,
  type DatabaseOptions,
  type ListenerHandle,
  type ListenerSink,
  type ListenRequest,
  type PushBody,
} from "./database.js";
export { Faults, NO_FAULTS, parseFaultRequest, type FaultState } from "./faults.js";
export { createSession, type Session, type SessionInfo } from "./session.js";
export {
  authenticate,
  decodeJwtClaims,
  authVariableFromClaims,
  userContextFromIdToken,
} from "./auth.js";
export type * from "./types.js";
