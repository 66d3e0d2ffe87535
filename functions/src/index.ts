// Entry point: exports only. Function names are deployment identities — never rename casually.
import "./setup.js";

export { health } from "./http/health.js";
export { members } from "./http/members.js";
export { sessions } from "./http/sessions.js";
export { callEnded, deviceReadings, missedCall, speechTurn } from "./http/gateway.js";
