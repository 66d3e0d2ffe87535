/**
 * Who is calling the gateway endpoints: the telephony gateway (or a device hub), proven by a JWT in
 * `Authorization: Bearer …`. Verified with jose against exactly one algorithm chosen by
 * configuration — ES256 with the gateway's public keys (preferred: Lifeline holds nothing that can
 * sign) or HS256 with a shared secret — and a pinned issuer and audience. An unsigned token
 * (`alg: none`), a token of another algorithm (including HS256 signed with the public key), an
 * expired one, a wrong signature, issuer or audience are all refused with 401 and a
 * `WWW-Authenticate` challenge. The key is imported on first use and cached.
 *
 * ES256 keys are a JWKS (`{"keys": [...]}`, each public key with its own `kid`) so that a key is
 * rotated without downtime: add the new key, move the gateway to it, remove the old one. A token
 * must name its key in the `kid` header; a missing or unknown `kid` is a 401. The single key of
 * earlier releases (SPKI PEM or one JWK, `kid` not checked) is still read, with a warning, for
 * this release only.
 */
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  importJWK,
  importSPKI,
  jwtVerify,
  type CryptoKey,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";
import { z } from "zod";
import { HttpError } from "./errors.js";
import { bearerToken } from "./idtoken.js";

export const GATEWAY_REALM = "lifeline-gateway";
export const GATEWAY_ALGORITHMS = ["ES256", "HS256"] as const;
export type GatewayAlgorithm = (typeof GATEWAY_ALGORITHMS)[number];

/** An HS256 secret shorter than the hash output would be guessable; refuse to run with one. */
const MIN_HS256_SECRET_BYTES = 32;

export interface GatewayAuthConfig {
  readonly algorithm: string;
  /**
   * ES256: the public keys as a JWKS (JSON), each with a `kid`; for this release also a single
   * key (SPKI PEM or one JWK). HS256: the shared secret.
   */
  readonly key: string;
  readonly issuer: string;
  readonly audience: string;
  /** Leeway for `exp`/`nbf` between the gateway's clock and ours. */
  readonly clockToleranceSeconds?: number;
}

export interface GatewayIdentity {
  /** The gateway's identity (`sub`): rate limits and call ids are per gateway. */
  readonly gateway: string;
  readonly claims: JWTPayload;
}

/** The configuration itself is wrong: a 500 for the operator, never a 401 for the gateway. */
export class GatewayConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GatewayConfigError";
  }
}

/** A public key only: a JWK with `d` would mean the signing key was handed to the verifier. */
const publicEcJwkSchema = z.strictObject({
  kty: z.literal("EC"),
  crv: z.literal("P-256"),
  x: z.string().min(1),
  y: z.string().min(1),
  alg: z.literal("ES256").optional(),
  use: z.literal("sig").optional(),
  kid: z.string().optional(),
});

/** The rotation set: every key named, no name twice (a token's `kid` must pick exactly one). */
const publicEcJwksSchema = z
  .strictObject({
    keys: z.array(publicEcJwkSchema.extend({ kid: z.string().min(1) })).min(1),
  })
  .refine((set) => new Set(set.keys.map((key) => key.kid)).size === set.keys.length, {
    message: "two keys share a kid",
  });

/** What verifies a token: a shared secret, one legacy key, or a key set looked up by `kid`. */
type VerificationKey =
  | { readonly kind: "single"; readonly key: CryptoKey | Uint8Array; readonly legacy: boolean }
  | { readonly kind: "set"; readonly keys: JWTVerifyGetKey };

function challenge(error?: string, description?: string): string {
  const parts = [`Bearer realm="${GATEWAY_REALM}"`];
  if (error !== undefined) parts.push(`error="${error}"`);
  if (description !== undefined) parts.push(`error_description="${description}"`);
  return parts.join(", ");
}

export function gatewayUnauthenticated(reason: "missing" | "invalid", cause?: unknown): HttpError {
  return reason === "missing"
    ? new HttpError("UNAUTHENTICATED", "Send the gateway JWT as Authorization: Bearer <token>.", {
        headers: { "WWW-Authenticate": challenge() },
      })
    : new HttpError("UNAUTHENTICATED", "The gateway token is invalid or expired.", {
        headers: {
          "WWW-Authenticate": challenge("invalid_token", "the token is invalid or expired"),
        },
        cause,
      });
}

function isAlgorithm(value: string): value is GatewayAlgorithm {
  return (GATEWAY_ALGORITHMS as readonly string[]).includes(value);
}

async function importKey(algorithm: GatewayAlgorithm, key: string): Promise<VerificationKey> {
  const trimmed = key.trim();
  if (algorithm === "HS256") {
    const secret = new TextEncoder().encode(trimmed);
    if (secret.length < MIN_HS256_SECRET_BYTES) {
      throw new GatewayConfigError(
        `the HS256 gateway secret must be at least ${MIN_HS256_SECRET_BYTES} bytes`,
      );
    }
    return { kind: "single", key: secret, legacy: false };
  }
  try {
    if (trimmed.startsWith("{")) {
      const json: unknown = JSON.parse(trimmed);
      if (typeof json === "object" && json !== null && "keys" in json) {
        const set = publicEcJwksSchema.safeParse(json);
        if (!set.success) {
          throw new GatewayConfigError(
            `the ES256 gateway key set is not a JWKS of P-256 public keys with distinct kids: ${z.prettifyError(set.error)}`,
          );
        }
        // Import every key now: a broken key is the operator's error at the first request, not a
        // 401 for whichever gateway happens to use it.
        await Promise.all(set.data.keys.map((jwk) => importJWK(jwk, "ES256")));
        return { kind: "set", keys: createLocalJWKSet(set.data) };
      }
      const parsed = publicEcJwkSchema.safeParse(json);
      if (!parsed.success) {
        throw new GatewayConfigError("the ES256 gateway key is not a P-256 public JWK");
      }
      const imported = await importJWK(parsed.data, "ES256");
      if (imported instanceof Uint8Array) {
        throw new GatewayConfigError("the ES256 gateway key is not an EC key");
      }
      return { kind: "single", key: imported, legacy: true };
    }
    return { kind: "single", key: await importSPKI(trimmed, "ES256"), legacy: true };
  } catch (error) {
    if (error instanceof GatewayConfigError) throw error;
    throw new GatewayConfigError(`the ES256 gateway key cannot be imported: ${String(error)}`);
  }
}

/** The `kid` a token's protected header names, if any; garbage is the gateway's 401. */
function tokenKid(token: string): string | undefined {
  try {
    const { kid } = decodeProtectedHeader(token);
    return typeof kid === "string" && kid !== "" ? kid : undefined;
  } catch (error) {
    throw gatewayUnauthenticated("invalid", error);
  }
}

export type GatewayVerifier = (authorization: string | undefined) => Promise<GatewayIdentity>;

/**
 * A verifier for one configuration. The key is imported on the first request (params and secrets
 * only have values at run time) and kept; a configuration error is thrown on every request so the
 * operator sees it in the logs, rather than being cached as a rejected promise once and forgotten.
 */
export function createGatewayVerifier(
  config: GatewayAuthConfig,
  onLegacyKey: () => void = () => undefined,
): GatewayVerifier {
  let key: Promise<VerificationKey> | undefined;
  const algorithm = config.algorithm.trim();
  const issuer = config.issuer.trim();
  const audience = config.audience.trim();

  return async (authorization) => {
    if (!isAlgorithm(algorithm)) {
      throw new GatewayConfigError(
        `the gateway algorithm must be one of ${GATEWAY_ALGORITHMS.join(", ")}, not "${algorithm}"`,
      );
    }
    if (issuer === "" || audience === "") {
      throw new GatewayConfigError("the gateway issuer and audience must be configured");
    }
    const token = bearerToken(authorization);
    if (token === undefined) throw gatewayUnauthenticated("missing");

    key ??= importKey(algorithm, config.key).then(
      (imported) => {
        if (imported.kind === "single" && imported.legacy) onLegacyKey();
        return imported;
      },
      (error: unknown) => {
        key = undefined;
        throw error;
      },
    );
    const verificationKey = await key;
    // jose's key set would also pick its only key for a token without a `kid`: refuse that here,
    // so a token always names the key it was signed with and removing a key really retires it.
    if (verificationKey.kind === "set" && tokenKid(token) === undefined) {
      throw gatewayUnauthenticated("invalid");
    }

    const options = {
      algorithms: [algorithm],
      issuer,
      audience,
      requiredClaims: ["exp", "sub"],
      clockTolerance: config.clockToleranceSeconds ?? 30,
    };
    let payload: JWTPayload;
    try {
      ({ payload } =
        verificationKey.kind === "set"
          ? await jwtVerify(token, verificationKey.keys, options)
          : await jwtVerify(token, verificationKey.key, options));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) {
        throw gatewayUnauthenticated("invalid", error);
      }
      throw error;
    }
    const gateway = payload.sub;
    if (typeof gateway !== "string" || gateway.trim() === "") {
      throw gatewayUnauthenticated("invalid");
    }
    return { gateway, claims: payload };
  };
}

/** One verifier per distinct configuration, so a module-level cache survives between requests. */
const verifiers = new Map<string, GatewayVerifier>();

export function gatewayVerifier(
  config: GatewayAuthConfig,
  onLegacyKey?: () => void,
): GatewayVerifier {
  const cacheKey = JSON.stringify([
    config.algorithm,
    config.key,
    config.issuer,
    config.audience,
    config.clockToleranceSeconds,
  ]);
  let verifier = verifiers.get(cacheKey);
  if (verifier === undefined) {
    verifier = createGatewayVerifier(config, onLegacyKey);
    verifiers.set(cacheKey, verifier);
  }
  return verifier;
}
