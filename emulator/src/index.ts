/** The emulator's public API: start a server in-process, or drive the engine directly. */
export {
  startServer,
  DEFAULT_NAMESPACE,
  type RunningServer,
  type ServerOptions,
} from "./transport/server.js";
export {
  Database,
  OPEN_RULES,
  type DatabaseOptions,
  type ListenerHandle,
  type ListenerSink,
  type ListenRequest,
  type PushBody,
} from "./engine/database.js";
export { Faults, NO_FAULTS, parseFaultRequest, type FaultState } from "./engine/faults.js";
export { createSession, type Session, type SessionInfo } from "./protocol/session.js";
export {
  authenticate,
  decodeJwtClaims,
  authVariableFromClaims,
  userContextFromIdToken,
} from "./protocol/auth.js";
export type * from "./engine/types.js";
