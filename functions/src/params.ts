/**
 * Every deployment setting of the functions, each with what it is for. Values come from
 * `functions/.env.<project>` (or `.env`) when deploying and from `functions/.env.local` in the
 * emulator; secrets from Secret Manager when deployed and from `functions/.secret.local` in the
 * emulator. The committed `.env.local` holds test values; `.secret.local` is generated at emulator
 * start by scripts/local-secrets.mjs (not committed).
 */
import { defineInt, defineSecret, defineString } from "firebase-functions/params";

// ---------------------------------------------------------------- gateway authentication

export const gatewayJwtAlgorithm = defineString("GATEWAY_JWT_ALGORITHM", {
  description:
    "Algorithm of the gateway's JWTs: ES256 (GATEWAY_JWT_KEY is the gateway's public key, preferred) or HS256 (GATEWAY_JWT_KEY is a shared secret of at least 32 bytes). Only this algorithm is accepted.",
  input: { select: { options: [{ value: "ES256" }, { value: "HS256" }] } },
});

export const gatewayJwtKey = defineSecret("GATEWAY_JWT_KEY", {
  description:
    "Verifies the gateway's JWTs: for ES256 a JWKS of the gateway's P-256 public keys, each with a kid (tokens must name one; rotate by adding the new key before removing the old); for HS256 the shared secret. A single SPKI PEM or JWK (kid unchecked) is still read this release.",
});

export const gatewayJwtIssuer = defineString("GATEWAY_JWT_ISSUER", {
  description: "The `iss` every gateway JWT must carry, e.g. the telephony account's URL.",
});

export const gatewayJwtAudience = defineString("GATEWAY_JWT_AUDIENCE", {
  description: "The `aud` every gateway JWT must carry: this deployment's name, e.g. its base URL.",
});

// ---------------------------------------------------------------- responder

export const responderBaseUrl = defineString("RESPONDER_BASE_URL", {
  description:
    "Base URL of an OpenAI-compatible chat-completions API (…/v1). Empty: the offline playbook answers every turn.",
  default: "",
});

export const responderModel = defineString("RESPONDER_MODEL", {
  description: "Model name sent to the chat API. Empty: the offline playbook answers every turn.",
  default: "",
});

export const responderApiKey = defineSecret("RESPONDER_API_KEY", {
  description:
    "Bearer key of the chat API. Set it to any placeholder (e.g. `none`) when the chat responder is not used.",
});

export const responderBudgetMs = defineInt("RESPONDER_BUDGET_MS", {
  description:
    "Milliseconds a turn waits for the chat API before the playbook answers instead. Keep it well below the gateway's own timeout.",
  default: 2500,
});

// ---------------------------------------------------------------- rate limits (per instance)

export const callerRatePerMinute = defineInt("RATE_LIMIT_CALLER_PER_MINUTE", {
  description:
    "Sustained requests per minute per caller number, per function instance (429 beyond it).",
  default: 30,
});

export const callerRateBurst = defineInt("RATE_LIMIT_CALLER_BURST", {
  description: "Requests a caller number may make at once, per function instance.",
  default: 10,
});

export const gatewayRatePerMinute = defineInt("RATE_LIMIT_GATEWAY_PER_MINUTE", {
  description:
    "Sustained requests per minute per gateway (JWT `sub`), per function instance (429 beyond it).",
  default: 3000,
});

export const gatewayRateBurst = defineInt("RATE_LIMIT_GATEWAY_BURST", {
  description: "Requests a gateway may make at once, per function instance.",
  default: 300,
});

// ---------------------------------------------------------------- caching

export const settingsCacheSeconds = defineInt("SETTINGS_CACHE_SECONDS", {
  description:
    "How long a function instance keeps tenant settings and the routing config before reading them again.",
  default: 30,
});

// ---------------------------------------------------------------- answer budget

export const answerBudgetMs = defineInt("ANSWER_BUDGET_MS", {
  description:
    "Milliseconds from a speech turn's arrival to its answer, whatever the databases or the chat API do. When a store cannot finish in time, the playbook answers from what is known and the write is queued (applyDeferredTurn) to be applied when the database is back. Keep it below the gateway's own timeout.",
  default: 1500,
});

// ---------------------------------------------------------------- outgoing webhooks

export const webhookSigningSecret = defineSecret("WEBHOOK_SIGNING_SECRET", {
  description:
    "Signs every outgoing webhook the Standard Webhooks way: `whsec_` followed by the base64 of 24–64 random bytes (e.g. `echo whsec_$(openssl rand -base64 32)`). Give the same value to each receiver so it can verify.",
});

// ---------------------------------------------------------------- Twilio webhooks

export const twilioAuthToken = defineSecret("TWILIO_AUTH_TOKEN", {
  description:
    "The Twilio account's auth token: every Twilio webhook's X-Twilio-Signature is checked with it (a missing or wrong signature is a 403).",
});

export const twilioAccountSid = defineString("TWILIO_ACCOUNT_SID", {
  description:
    "The Twilio account's SID (AC…, on the Twilio console's front page). With TWILIO_AUTH_TOKEN it signs in to Twilio's Messages API, which sends a supervisor's message to an SMS caller at once.",
});

export const twilioWebhookBaseUrl = defineString("TWILIO_WEBHOOK_BASE_URL", {
  description:
    "The public base URL Twilio calls, without a trailing slash, e.g. https://us-central1-<project>.cloudfunctions.net: a webhook's signature covers the URL Twilio called, and behind Cloud Functions the host a function sees is not the public one. Each function's URL is this base, `/`, and its name.",
});

// ---------------------------------------------------------------- web push

export const dashboardUrl = defineString("DASHBOARD_URL", {
  description:
    "The dashboard's public HTTPS URL, e.g. https://<project>.web.app, without a trailing slash: a web push's click opens the call there. Empty: pushes carry no link (the browser's notification still shows).",
  default: "",
});
