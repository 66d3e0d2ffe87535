/**
 * What the gateway's endpoints share, per function instance: the gateway's JWT check with its rate
 * limit, and the caller rate limit. Params only have values at run time, so everything built from
 * them is built on first use.
 */
import { logger } from "firebase-functions/logger";
import type { Request } from "firebase-functions/v2/https";
import {
  callerRateBurst,
  callerRatePerMinute,
  gatewayJwtAlgorithm,
  gatewayJwtAudience,
  gatewayJwtIssuer,
  gatewayJwtKey,
  gatewayRateBurst,
  gatewayRatePerMinute,
} from "../params.js";
import { gatewayVerifier, type GatewayIdentity } from "./gateway-auth.js";
import { TokenBuckets, enforce } from "./rate-limit.js";

let callerBuckets: TokenBuckets | undefined;
let gatewayBuckets: TokenBuckets | undefined;

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

export async function authenticate(request: Request): Promise<GatewayIdentity> {
  const verify = gatewayVerifier(
    {
      algorithm: gatewayJwtAlgorithm.value(),
      key: gatewayJwtKey.value(),
      issuer: gatewayJwtIssuer.value(),
      audience: gatewayJwtAudience.value(),
    },
    () => {
      logger.warn(
        'GATEWAY_JWT_KEY holds a single key: set it to a JWKS ({"keys": [...]}, each key with a kid); the single-key form is read for this release only',
      );
    },
  );
  const identity = await verify(request.get("authorization"));
  enforce(gatewayLimit(), identity.gateway, "gateway");
  return identity;
}

/** A call event (ended, missed) is a few short fields. */
export const CALL_EVENT_BODY_LIMIT_BYTES = 4 * 1024;
