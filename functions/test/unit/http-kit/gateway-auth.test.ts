import { expect } from "chai";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { HttpError } from "../../../src/http-kit/errors.js";
import {
  createGatewayVerifier,
  GatewayConfigError,
  type GatewayAuthConfig,
} from "../../../src/http-kit/gateway-auth.js";

const ISSUER = "https://gateway.example";
const AUDIENCE = "lifeline-test";
const SHARED_SECRET = "a-test-only-shared-secret-of-at-least-32-bytes";

interface Claims {
  sub?: string;
  iss?: string;
  aud?: string;
  exp?: number;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function validClaims(overrides: Claims = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub: "gw-1", iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, ...overrides };
}

function sign(
  alg: "ES256" | "HS256",
  key: CryptoKey | Uint8Array,
  overrides: Claims = {},
  kid?: string,
): Promise<string> {
  return new SignJWT(validClaims(overrides))
    .setProtectedHeader({ alg, typ: "JWT", ...(kid === undefined ? {} : { kid }) })
    .sign(key);
}

interface NamedPair {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

async function namedPair(kid: string): Promise<NamedPair> {
  const pair = await generateKeyPair("ES256", { extractable: true });
  return { kid, privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid } };
}

/** The secret's value: a JWKS of these public keys. */
function jwks(...pairs: NamedPair[]): string {
  return JSON.stringify({ keys: pairs.map((pair) => pair.jwk) });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

async function expectInvalid(promise: Promise<unknown>, label: string): Promise<void> {
  const error = await rejection(promise);
  expect(error, label).to.be.instanceOf(HttpError);
  if (!(error instanceof HttpError)) return;
  expect(error.httpStatus, label).to.equal(401);
  expect(error.headers["WWW-Authenticate"], label).to.match(
    /^Bearer realm="lifeline-gateway", error="invalid_token"/,
  );
}

describe("createGatewayVerifier", () => {
  let es: { publicKey: CryptoKey; privateKey: CryptoKey; pem: string };
  let other: CryptoKey;

  before(async () => {
    const pair = await generateKeyPair("ES256", { extractable: true });
    es = { ...pair, pem: await exportSPKI(pair.publicKey) };
    other = (await generateKeyPair("ES256")).privateKey;
  });

  function es256(overrides: Partial<GatewayAuthConfig> = {}) {
    return createGatewayVerifier({
      algorithm: "ES256",
      key: es.pem,
      issuer: ISSUER,
      audience: AUDIENCE,
      ...overrides,
    });
  }

  const hs256 = () =>
    createGatewayVerifier({
      algorithm: "HS256",
      key: SHARED_SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
    });

  describe("key rotation (a JWKS by kid)", () => {
    let oldKey: NamedPair;
    let newKey: NamedPair;

    before(async () => {
      [oldKey, newKey] = await Promise.all([namedPair("gw-2025"), namedPair("gw-2026")]);
    });

    const verifierFor = (key: string) => es256({ key });
    const tokenOf = (pair: NamedPair, kid = pair.kid) =>
      sign("ES256", pair.privateKey, {}, kid).then((token) => `Bearer ${token}`);

    it("accepts the old and the new key while both are in the set", async () => {
      const overlap = verifierFor(jwks(oldKey, newKey));
      expect((await overlap(await tokenOf(oldKey))).gateway).to.equal("gw-1");
      expect((await overlap(await tokenOf(newKey))).gateway).to.equal("gw-1");
    });

    it("refuses the old key once it is removed, and still accepts the new one", async () => {
      const after = verifierFor(jwks(newKey));
      await expectInvalid(after(await tokenOf(oldKey)), "old key after removal");
      expect((await after(await tokenOf(newKey))).gateway).to.equal("gw-1");
    });

    it("refuses a token without a kid, even when the set has one key", async () => {
      const single = verifierFor(jwks(newKey));
      const token = await sign("ES256", newKey.privateKey);
      await expectInvalid(single(`Bearer ${token}`), "no kid");
    });

    it("refuses an unknown kid, and a known kid on a token signed by another key", async () => {
      const overlap = verifierFor(jwks(oldKey, newKey));
      await expectInvalid(overlap(await tokenOf(newKey, "gw-1999")), "unknown kid");
      // The new key's signature under the old key's name: the kid picks the key, the signature fails.
      await expectInvalid(overlap(await tokenOf(newKey, oldKey.kid)), "kid of the other key");
      await expectInvalid(
        overlap(`Bearer ${await sign("ES256", other, {}, newKey.kid)}`),
        "a stranger's key under a known kid",
      );
    });

    it("reports a set with a private key, a nameless key or a repeated kid as a configuration error", async () => {
      const token = await tokenOf(newKey);
      const privateJwk = { ...(await exportJWK(newKey.privateKey)), kid: newKey.kid };
      const nameless: JWK = { ...newKey.jwk };
      delete nameless.kid;
      const sets: [string, unknown][] = [
        ["private key", { keys: [privateJwk] }],
        ["no kid", { keys: [nameless] }],
        ["repeated kid", { keys: [newKey.jwk, { ...oldKey.jwk, kid: newKey.kid }] }],
        ["empty", { keys: [] }],
      ];
      for (const [label, set] of sets) {
        const error = await rejection(verifierFor(JSON.stringify(set))(token));
        expect(error, label).to.be.instanceOf(GatewayConfigError);
      }
    });

    it("still reads the single key of earlier releases (kid unchecked) and says so once", async () => {
      let warnings = 0;
      const legacy = createGatewayVerifier(
        { algorithm: "ES256", key: es.pem, issuer: ISSUER, audience: AUDIENCE },
        () => (warnings += 1),
      );
      await legacy(`Bearer ${await sign("ES256", es.privateKey)}`);
      await legacy(`Bearer ${await sign("ES256", es.privateKey, {}, "any")}`);
      expect(warnings).to.equal(1);
      let setWarnings = 0;
      const current = createGatewayVerifier(
        { algorithm: "ES256", key: jwks(newKey), issuer: ISSUER, audience: AUDIENCE },
        () => (setWarnings += 1),
      );
      await current(await tokenOf(newKey));
      expect(setWarnings).to.equal(0);
    });
  });

  it("returns the gateway of a valid ES256 token", async () => {
    const identity = await es256()(`Bearer ${await sign("ES256", es.privateKey)}`);
    expect(identity.gateway).to.equal("gw-1");
    expect(identity.claims.iss).to.equal(ISSUER);
  });

  it("accepts the public key as a JWK too", async () => {
    const jwk = JSON.stringify(await exportJWK(es.publicKey));
    const identity = await es256({ key: jwk })(`Bearer ${await sign("ES256", es.privateKey)}`);
    expect(identity.gateway).to.equal("gw-1");
  });

  it("returns the gateway of a valid HS256 token", async () => {
    const secret = new TextEncoder().encode(SHARED_SECRET);
    const identity = await hs256()(`Bearer ${await sign("HS256", secret)}`);
    expect(identity.gateway).to.equal("gw-1");
  });

  it("refuses a missing or non-Bearer header with a bare challenge", async () => {
    for (const header of [undefined, "", "Basic abc", "Bearer"]) {
      const error = await rejection(es256()(header));
      expect(error, String(header)).to.be.instanceOf(HttpError);
      if (!(error instanceof HttpError)) continue;
      expect(error.httpStatus).to.equal(401);
      expect(error.headers["WWW-Authenticate"]).to.equal('Bearer realm="lifeline-gateway"');
    }
  });

  it("refuses expired, wrongly signed, wrong-issuer, wrong-audience and subject-less tokens", async () => {
    const verify = es256();
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Promise<string>][] = [
      ["expired", sign("ES256", es.privateKey, { exp: now - 120 })],
      ["another key", sign("ES256", other)],
      ["wrong issuer", sign("ES256", es.privateKey, { iss: "https://evil.example" })],
      ["wrong audience", sign("ES256", es.privateKey, { aud: "other" })],
      [
        "no subject",
        new SignJWT({ ...validClaims(), sub: undefined })
          .setProtectedHeader({ alg: "ES256" })
          .sign(es.privateKey),
      ],
      [
        "no expiry",
        new SignJWT({ ...validClaims(), exp: undefined })
          .setProtectedHeader({ alg: "ES256" })
          .sign(es.privateKey),
      ],
    ];
    for (const [label, token] of cases) {
      await expectInvalid(verify(`Bearer ${await token}`), label);
    }
  });

  it("refuses alg:none and a token of the algorithm not configured", async () => {
    const unsigned = `${base64url({ alg: "none", typ: "JWT" })}.${base64url(validClaims())}.`;
    await expectInvalid(es256()(`Bearer ${unsigned}`), "alg none (ES256)");
    await expectInvalid(hs256()(`Bearer ${unsigned}`), "alg none (HS256)");
    // Key confusion: HMAC keyed with the public key, which an alg-trusting verifier would accept.
    const confused = await sign("HS256", new TextEncoder().encode(es.pem));
    await expectInvalid(es256()(`Bearer ${confused}`), "HS256 with the public key");
    const esToken = await sign("ES256", es.privateKey);
    await expectInvalid(hs256()(`Bearer ${esToken}`), "ES256 against HS256");
    await expectInvalid(es256()("Bearer not.a.token"), "garbage");
  });

  it("reports a wrong configuration as a configuration error, not as the gateway's fault", async () => {
    const token = `Bearer ${await sign("ES256", es.privateKey)}`;
    const configs: [string, Partial<GatewayAuthConfig>][] = [
      ["unknown algorithm", { algorithm: "RS256" }],
      ["no issuer", { issuer: "" }],
      ["private JWK", { key: JSON.stringify(await exportJWK(es.privateKey)) }],
      ["not a key", { key: "hello" }],
      ["short HS256 secret", { algorithm: "HS256", key: "short" }],
    ];
    for (const [label, overrides] of configs) {
      const error = await rejection(es256(overrides)(token));
      expect(error, label).to.be.instanceOf(GatewayConfigError);
    }
  });
});
