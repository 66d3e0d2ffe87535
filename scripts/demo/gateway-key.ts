/**
 * The local gateway key: the private half of the pair scripts/local-secrets.mjs generates at
 * emulator start (its public half is GATEWAY_JWT_KEY in functions/.secret.local, a one-key JWKS),
 * and the one place gateway JWTs are signed, for the demo gateway and the tests alike. Tokens name
 * the key in their `kid` header, its RFC 7638 thumbprint, as the JWKS does.
 */
import { createPrivateKey, createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { calculateJwkThumbprint, importPKCS8, SignJWT, type CryptoKey, type JWK } from "jose";

export const GATEWAY_PRIVATE_KEY_PATH = fileURLToPath(
  new URL("../../.local/gateway-es256-private.pem", import.meta.url),
);

function privatePem(): string {
  try {
    return readFileSync(GATEWAY_PRIVATE_KEY_PATH, "utf8");
  } catch (error) {
    throw new Error(
      `no local gateway key at ${GATEWAY_PRIVATE_KEY_PATH}: run through scripts/emulators.mjs, ` +
        `which generates it`,
      { cause: error },
    );
  }
}

let privateKey: Promise<CryptoKey> | undefined;

/** The local gateway's ES256 signing key, read once. */
export function gatewayPrivateKey(): Promise<CryptoKey> {
  privateKey ??= importPKCS8(privatePem(), "ES256");
  return privateKey;
}

/** The public half, exactly as functions/.secret.local gives it to the emulator. */
export function gatewayPublicKeyPem(): string {
  return createPublicKey(createPrivateKey(privatePem()))
    .export({ type: "spki", format: "pem" })
    .toString()
    .trim();
}

let localKid: Promise<string> | undefined;

/** The `kid` of the local gateway key in GATEWAY_JWT_KEY: its public key's thumbprint. */
export function gatewayKeyId(): Promise<string> {
  const jwk: JWK = createPublicKey(createPrivateKey(privatePem())).export({ format: "jwk" });
  localKid ??= calculateJwkThumbprint(jwk, "sha256");
  return localKid;
}

export interface GatewayClaims {
  readonly sub: string;
  readonly iss: string;
  readonly aud: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
}

/**
 * An ES256 gateway JWT with these claims, signed with `key` or else the local gateway key. The
 * header names `kid` (default: the local key's; `null`: none at all).
 */
export async function signGatewayToken(
  claims: GatewayClaims,
  key?: CryptoKey,
  kid?: string | null,
): Promise<string> {
  const named = kid === undefined ? await gatewayKeyId() : kid;
  return new SignJWT({})
    .setProtectedHeader({ alg: "ES256", typ: "JWT", ...(named === null ? {} : { kid: named }) })
    .setSubject(claims.sub)
    .setIssuer(claims.iss)
    .setAudience(claims.aud)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(key ?? (await gatewayPrivateKey()));
}
