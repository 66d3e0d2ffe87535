/**
 * Who is calling the gateway endpoints: the telephony gateway (or a device hub), proven by a JWT in
 * `Authorization: Bearer …`. Verified with jose against exactly one algorithm chosen by
 * configuration — ES256 with the gateway's public key (preferred: Lifeline holds nothing that can
 * sign) or HS256 with a shared secret — and a pinned issuer and audience. An unsigned token
 * (`alg: none`), a token of another algorithm (including HS256 signed with the public key), an
 * expired one, a wrong signature, issuer or audience are all refused with 401 and a
 * `WWW-Authenticate` challenge. The key is imported on first use and cached.
 */
import {
  errors as joseErrors,
  importJWK,
  importSPKI,
  jwtVerify,
  type CryptoKey,
  type JWTPayload,
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
  /** ES256: the public key as SPKI PEM or a JWK (JSON). HS256: the shared secret. */
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

async function importKey(
  algorithm: GatewayAlgorithm,
  key: string,
): Promise<CryptoKey | Uint8Array> {
  const trimmed = key.trim();
  if (algorithm === "HS256") {
    const secret = new TextEncoder().encode(trimmed);
    if (secret.length < MIN_HS256_SECRET_BYTES) {
      throw new GatewayConfigError(
        `the HS256 gateway secret must be at least ${MIN_HS256_SECRET_BYTES} bytes`,
      );
    }
    return secret;
  }
  try {
    if (trimmed.startsWith("{")) {
      const parsed = publicEcJwkSchema.safeParse(JSON.parse(trimmed));
      if (!parsed.success) {
        throw new GatewayConfigError("the ES256 gateway key is not a P-256 public JWK");
      }
      const imported = await importJWK(parsed.data, "ES256");
      if (imported instanceof Uint8Array) {
        throw new GatewayConfigError("the ES256 gateway key is not an EC key");
      }
      return imported;
    }
    return await importSPKI(trimmed, "ES256");
  } catch (error) {
    if (error instanceof GatewayConfigError) throw error;
    throw new GatewayConfigError(`the ES256 gateway key cannot be imported: ${String(error)}`);
  }
}

export type GatewayVerifier = (authorization: string | undefined) => Promise<GatewayIdentity>;

/**
 * A verifier for one configuration. The key is imported on the first request (params and secrets
 * only have values at run time) and kept; a configuration error is thrown on every request so the
 * operator sees it in the logs, rather than being cached as a rejected promise once and forgotten.
 */
export function createGatewayVerifier(config: GatewayAuthConfig): GatewayVerifier {
  let key: Promise<CryptoKey | Uint8Array> | undefined;
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

    key ??= importKey(algorithm, config.key).catch((error: unknown) => {
      key = undefined;
      throw error;
    });
    const verificationKey = await key;

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, verificationKey, {
        algorithms: [algorithm],
        issuer,
        audience,
        requiredClaims: ["exp", "sub"],
        clockTolerance: config.clockToleranceSeconds ?? 30,
      }));
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

export function gatewayVerifier(config: GatewayAuthConfig): GatewayVerifier {
  const cacheKey = JSON.stringify([
    config.algorithm,
    config.key,
    config.issuer,
    config.audience,
    config.clockToleranceSeconds,
  ]);
  let verifier = verifiers.get(cacheKey);
  if (verifier === undefined) {
    verifier = createGatewayVerifier(config);
    verifiers.set(cacheKey, verifier);
  }
  return verifier;
}
