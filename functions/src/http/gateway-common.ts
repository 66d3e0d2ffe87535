/**
 * What the gateway's endpoints share, per function instance: the gateway's JWT check with its rate
 * limit, the caller rate limit, the directory (cached per instance) and the responder. Params only
 * have values at run time, so everything built from them is built on first use.
 */
import { logger } from "firebase-functions";
import type { Request } from "firebase-functions/v2/https";
import { createResponder, type Responder } from "../domain/responder/index.js";
import { Directory } from "../lib/directory.js";
import { HttpError } from "../lib/errors.js";
import { gatewayVerifier, type GatewayIdentity } from "../lib/gateway-auth.js";
import { TokenBuckets, enforce } from "../lib/rate-limit.js";
import {
  callerRateBurst,
  callerRatePerMinute,
  gatewayJwtAlgorithm,
  gatewayJwtAudience,
  gatewayJwtIssuer,
  gatewayJwtKey,
  gatewayRateBurst,
  gatewayRatePerMinute,
  responderApiKey,
  responderBaseUrl,
  responderBudgetMs,
  responderModel,
  settingsCacheSeconds,
} from "../params.js";

// Params only have values at run time, so everything built from them is built on first use.
export const directory = new Directory(() => settingsCacheSeconds.value() * 1000);
let callerBuckets: TokenBuckets | undefined;
let gatewayBuckets: TokenBuckets | undefined;
let responder: Responder | undefined;

export function callerLimit(): TokenBuckets {
  callerBuckets ??= new TokenBuckets({
    burst: callerRateBurst.value(),
    perMinute: callerRatePerMinute.value(),
  });
  return callerBuckets;
}

function gatewayLimit(): TokenBuckets {
  gatewayBuckets ??= new TokenBuckets({
    burst: gatewayRateBurst.value(),
    perMinute: gatewayRatePerMinute.value(),
  });
  return gatewayBuckets;
}

export function turnResponder(): Responder {
  responder ??= createResponder({
    chat: {
      baseUrl: responderBaseUrl.value(),
      model: responderModel.value(),
      apiKey: responderApiKey.value(),
      budgetMs: responderBudgetMs.value(),
    },
    onFallback: (event) => {
      logger.warn("responder fell back to the playbook", { ...event });
    },
  });
  return responder;
}

export async function authenticate(request: Request): Promise<GatewayIdentity> {
  const verify = gatewayVerifier({
    algorithm: gatewayJwtAlgorithm.value(),
    key: gatewayJwtKey.value(),
    issuer: gatewayJwtIssuer.value(),
    audience: gatewayJwtAudience.value(),
  });
  const identity = await verify(request.get("authorization"));
  enforce(gatewayLimit(), identity.gateway, "gateway");
  return identity;
}

export function internal(cause: unknown): HttpError {
  return new HttpError("INTERNAL", "Internal error.", { cause });
}
