// Entry point: exports only. Function names are deployment identities — never rename casually.
import "./setup.js";

export { health } from "./http/health.js";
export { history } from "./http/history.js";
export { members } from "./http/members.js";
export { sessions } from "./http/sessions.js";
export { callEnded, missedCall, speechTurn } from "./http/gateway.js";
export { deviceReadings } from "./http/device-readings.js";
export { fanOutMessage } from "./triggers/message-created.js";
export { fanOutAlert } from "./triggers/alert-written.js";
export { applyAcknowledgement } from "./triggers/ack-written.js";
export { recordOwnerChange } from "./triggers/owner-written.js";
export { applyUrgencyOverride } from "./triggers/urgency-override-written.js";
export { archiveEndedCall } from "./triggers/call-status-written.js";
export { closeFollowUp } from "./triggers/outcome-written.js";
export { recordLeadChange } from "./triggers/lead-written.js";
export { recordCallerMessage } from "./triggers/outbox-created.js";
export { escalateAlert } from "./triggers/escalate-alert.js";
export { applyDeferredTurn } from "./triggers/apply-deferred-turn.js";
export { deliverWebhook } from "./triggers/deliver-webhook.js";
export { sweeper, sweepStaleCalls } from "./http/sweeper.js";
