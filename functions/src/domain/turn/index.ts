/**
 * One speech turn, planned without touching a database: ids (ids.ts), the turn record and its claim
 * (record.ts), the call as read (call-state.ts), the decision (decide.ts), the one multi-path update
 * (plan.ts); and the call-ended and missed-call updates (ended.ts).
 */
export * from "./call-state.js";
export * from "./decide.js";
export * from "./ended.js";
export * from "./ids.js";
export * from "./plan.js";
export * from "./record.js";
