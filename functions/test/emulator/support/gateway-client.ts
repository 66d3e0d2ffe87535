/**
 * A test telephony gateway: signs JWTs with the local gateway key whose public half is the
 * emulator's `GATEWAY_JWT_KEY` (generated at emulator start, see scripts/demo/gateway-key.ts),
 * forges the tokens a gateway must never get through with, posts to the gateway endpoints, and
 * seeds what a tenant needs for calls to reach it.
 */
import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import type { Reference } from "firebase-admin/database";
import { firestore, subjectPath } from "@lifeline/model";
import { gatewayPublicKeyPem, signGatewayToken } from "../../../../scripts/demo/gateway-key.js";
import {
  call,
  expectTestPlacement,
  freshId,
  testPlacement,
  type Admin,
  type Reply,
} from "./emulators.js";

/** Must match functions/.env.local. */
export const GATEWAY_ISSUER = "https://gateway.lifeline.test";
export const GATEWAY_AUDIENCE = "lifeline-local";

export interface TokenOptions {
  readonly sub?: string;
  readonly iss?: string;
  readonly aud?: string;
  /** Seconds from now; negative for a token that has expired. */
  readonly expiresIn?: number;
  /** Sign with this ES256 key instead of the local gateway's. */
  readonly key?: CryptoKey;
  /** The header's `kid` instead of the local key's; `null` for none. */
  readonly kid?: string | null;
}

/** A gateway token: ES256, the local key, the emulator's issuer and audience, five minutes. */
export async function gatewayToken(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: options.sub ?? "gateway-test",
    iss: options.iss ?? GATEWAY_ISSUER,
    aud: options.aud ?? GATEWAY_AUDIENCE,
    iat: now - 5,
    exp: now + (options.expiresIn ?? 300),
  };
  return signGatewayToken(claims, options.key, options.kid);
}

/** A valid-looking token signed by a key the emulator does not know. */
export async function tokenFromAnotherKey(sub?: string): Promise<string> {
  const { privateKey: other } = await generateKeyPair("ES256");
  return gatewayToken({ key: other, ...(sub === undefined ? {} : { sub }) });
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function claims(sub: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub, iss: GATEWAY_ISSUER, aud: GATEWAY_AUDIENCE, iat: now, exp: now + 300 };
}

/** An unsecured JWT (`alg: none`, empty signature) with otherwise perfect claims. */
export function unsignedToken(sub = "gateway-test"): string {
  return `${encode({ alg: "none", typ: "JWT" })}.${encode(claims(sub))}.`;
}

/**
 * The classic key-confusion forgery: HS256 "signed" with the verifier's public key as the HMAC
 * secret, which a verifier that trusts the token's `alg` would accept.
 */
export async function hs256WithPublicKeyToken(sub = "gateway-test"): Promise<string> {
  // The public key as a PEM, the form an attacker would try as the HMAC secret.
  const secret = new TextEncoder().encode(gatewayPublicKeyPem());
  return new SignJWT(claims(sub)).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(secret);
}

/** The public key of a freshly generated pair, for tests that need a second, unknown gateway. */
export async function freshPublicKeyPem(): Promise<string> {
  const { publicKey } = await generateKeyPair("ES256", { extractable: true });
  return exportSPKI(publicKey);
}

export type GatewayEndpoint = "speechTurn" | "callEnded" | "missedCall" | "deviceReadings";

export interface PostOptions {
  readonly token?: string | null;
  readonly method?: string;
  readonly rawBody?: string;
  readonly contentType?: string;
}

/** Posts `body` to a gateway endpoint with a fresh valid token unless told otherwise. */
export async function gatewayPost(
  endpoint: GatewayEndpoint,
  body: unknown,
  options: PostOptions = {},
): Promise<Reply> {
  const token = options.token === undefined ? await gatewayToken() : options.token;
  return call(endpoint, options.method ?? "POST", "", {
    ...(token === null ? {} : { token }),
    ...(options.rawBody === undefined ? { body } : { rawBody: options.rawBody }),
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
  });
}

/** A number no other test uses: +1 555 and eight random digits. */
export function freshPhone(): string {
  const digits = (randomBytes(4).readUInt32BE(0) % 100_000_000).toString().padStart(8, "0");
  return `+1555${digits}`;
}

export interface GatewayTenant {
  readonly tenantId: string;
  readonly subjectId: string;
  readonly subjectName: string;
  readonly phone: string;
}

export const TEST_THRESHOLDS = {
  heart_rate: { min: 45, max: 120 },
  spo2: { min: 92, max: 100 },
  temperature: { min: 35, max: 38.5 },
};

/**
 * A fresh tenant (settings with thresholds) with one subject reachable at a fresh number, on this
 * run's test instance.
 */
export async function seedGatewayTenant(admin: Admin): Promise<GatewayTenant> {
  const tenantId = freshId("gw");
  const subjectId = freshId("subject");
  const subjectName = "Ada Okafor";
  const phone = freshPhone();
  const now = Date.now();
  await Promise.all([
    admin.firestore.doc(firestore.tenantDoc(tenantId)).set({
      name: `Tenant ${tenantId}`,
      createdAt: now,
      settings: { escalationMinutes: 5, maxEscalationLevel: 2, vitalThresholds: TEST_THRESHOLDS },
      ...testPlacement(),
    }),
    admin.firestore
      .doc(firestore.subjectDoc(tenantId, subjectId))
      .set({ name: subjectName, phones: [phone], createdAt: now }),
    admin.firestore.doc(firestore.phoneDoc(phone)).set({ tenantId, subjectId }),
    admin.database.ref(subjectPath(tenantId, subjectId)).set({ name: subjectName }),
  ]);
  await expectTestPlacement(admin, tenantId);
  return { tenantId, subjectId, subjectName, phone };
}

/** A fresh turn id, as a gateway would make one per utterance. */
export function freshTurnId(): string {
  return `turn-${randomBytes(8).toString("hex")}`;
}

/** Resolves with the value at `ref` once `accept` holds; rejects after `timeoutMs`. */
export function waitForValue(
  ref: Reference,
  accept: (value: unknown) => boolean,
  timeoutMs = 10_000,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let last: unknown;
    const timer = setTimeout(() => {
      ref.off("value", listener);
      reject(
        new Error(`timed out waiting on ${ref.toString()}; last value ${JSON.stringify(last)}`),
      );
    }, timeoutMs);
    const listener = ref.on("value", (snapshot) => {
      last = snapshot.val();
      if (!accept(last)) return;
      clearTimeout(timer);
      ref.off("value", listener);
      resolve(last);
    });
  });
}

/** A speech turn's 200 body as the gateway reads it. */
export interface TurnAnswerBody {
  callId: string;
  reply: string | null;
  urgency: string;
  owner: { kind: string; name?: string };
  say: string[];
  hangup?: true;
  endReason?: string;
}

/** The body of a speech turn that must have succeeded. */
export function turnAnswerOf(reply: Reply): TurnAnswerBody {
  expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
  return reply.body as TurnAnswerBody;
}

/** A transcript message as the tests read it back. */
export interface StoredMessage {
  seq: number;
  role: string;
  text: string;
  turnId?: string;
  by?: string;
  sources?: string[];
}
