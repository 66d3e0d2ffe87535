// Entry point: exports only. Function names are deployment identities — never rename casually.
import "./setup.js";

export { health } from "./http/health.js";
export { history } from "./http/history.js";
export { members } from "./http/members.js";
export { sessions } from "./http/sessions.js";
export { speechTurn } from "./http/speech-turn.js";
export { callEnded } from "./http/call-ended.js";
export { missedCall } from "./http/missed-call.js";
export { deviceReadings } from "./http/device-readings.js";
export { sweeper } from "./http/sweeper.js";
export { twilioVoice } from "./http/twilio-voice.js";
export { twilioTurn } from "./http/twilio-turn.js";
export { twilioMessage } from "./http/twilio-message.js";
export { twilioStatus } from "./http/twilio-status.js";
export { fanOutMessage } from "./triggers/fan-out-message.js";
export { fanOutAlert } from "./triggers/fan-out-alert.js";
export { applyAcknowledgement } from "./triggers/apply-acknowledgement.js";
export { recordOwnerChange } from "./triggers/record-owner-change.js";
export { applyUrgencyOverride } from "./triggers/apply-urgency-override.js";
export { archiveEndedCall } from "./triggers/archive-ended-call.js";
export { closeFollowUp } from "./triggers/close-follow-up.js";
export { recordLeadChange } from "./triggers/record-lead-change.js";
export { recordCallerMessage } from "./triggers/record-caller-message.js";
export { escalateAlert } from "./triggers/escalate-alert.js";
export { applyDeferredTurn } from "./triggers/apply-deferred-turn.js";
export { deliverWebhook } from "./triggers/deliver-webhook.js";
export { sweepStaleCalls } from "./triggers/sweep-stale-calls.js";
