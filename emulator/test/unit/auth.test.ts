import { expect } from "chai";
import {
  authVariableFromClaims,
  authenticate,
  decodeJwtClaims,
  userContextFromIdToken,
} from "../../src/protocol/auth.js";

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** The shape rules-unit-testing's createMockUserToken produces (spec §7.1). */
function mockToken(claims: Record<string, unknown>): string {
  return `${encode({ alg: "none", type: "JWT" })}.${encode(claims)}.`;
}

const rutClaims = {
  iss: "https://securetoken.google.com/demo-rut",
  aud: "demo-rut",
  iat: 0,
  exp: 3600,
  auth_time: 0,
  sub: "alice",
  user_id: "alice",
  firebase: { sign_in_provider: "custom", identities: {} },
  email_verified: true,
  admin: true,
};

describe("decodeJwtClaims", () => {
  it("decodes an unsigned token without checking expiry", () => {
    expect(decodeJwtClaims(mockToken(rutClaims))).to.deep.equal(rutClaims);
  });

  it("decodes a signed token without verifying the signature", () => {
    const token = `${encode({ alg: "RS256", kid: "x" })}.${encode({ sub: "bob" })}.c2lnbmF0dXJl`;
    expect(decodeJwtClaims(token)).to.deep.equal({ sub: "bob" });
  });

  it("rejects garbage, two-segment tokens and non-JSON payloads", () => {
    expect(() => decodeJwtClaims("garbage")).to.throw();
    expect(() => decodeJwtClaims("a.b")).to.throw();
    expect(() => decodeJwtClaims(`${encode({ alg: "none" })}.bm90IGpzb24.`)).to.throw();
    expect(() => decodeJwtClaims(`${encode({ alg: "none" })}.${encode([1, 2])}.`)).to.throw();
  });
});

describe("authVariableFromClaims", () => {
  it("takes uid from sub, provider from firebase.sign_in_provider and every claim as token", () => {
    const variable = authVariableFromClaims(rutClaims);
    expect(variable).to.deep.equal({ uid: "alice", provider: "custom", token: rutClaims });
  });

  it("falls back to user_id for the uid and reports the password provider", () => {
    const variable = authVariableFromClaims({
      user_id: "u1",
      firebase: { sign_in_provider: "password" },
    });
    expect(variable?.uid).to.equal("u1");
    expect(variable?.provider).to.equal("password");
  });
});

describe("userContextFromIdToken", () => {
  it("returns a user context for a token and throws for garbage", () => {
    expect(userContextFromIdToken(mockToken({ sub: "carol" }))).to.deep.include({ admin: false });
    expect(() => userContextFromIdToken("nope")).to.throw();
  });
});

describe("authenticate", () => {
  it("returns a user context for auth with a JWT", () => {
    const outcome = authenticate("auth", { cred: mockToken(rutClaims) });
    expect(outcome.ok).to.equal(true);
    if (!outcome.ok) return;
    expect(outcome.context).to.deep.equal({
      admin: false,
      variable: { uid: "alice", provider: "custom", token: rutClaims },
    });
  });

  it("rejects auth with garbage with a reason", () => {
    const outcome = authenticate("auth", { cred: "not-a-token" });
    expect(outcome.ok).to.equal(false);
    if (outcome.ok) return;
    expect(outcome.reason).to.be.a("string").and.not.equal("");
  });

  it("rejects a body without a credential", () => {
    expect(authenticate("auth", {}).ok).to.equal(false);
    expect(authenticate("gauth", null).ok).to.equal(false);
  });

  it("returns admin for gauth owner and for any other access token", () => {
    for (const cred of ["owner", "ya29.some-google-token"]) {
      const outcome = authenticate("gauth", { cred });
      expect(outcome.ok && outcome.context).to.deep.equal({ admin: true });
    }
  });

  it("returns a user context for gauth with authvar", () => {
    const outcome = authenticate("gauth", {
      cred: "owner",
      authvar: { uid: "bob", token: { role: "x" } },
    });
    expect(outcome.ok && outcome.context).to.deep.equal({
      admin: false,
      variable: { uid: "bob", provider: "custom", token: { role: "x" } },
    });
  });

  it("returns an unauthenticated user context for gauth with noauth", () => {
    const outcome = authenticate("gauth", { cred: "owner", noauth: true });
    expect(outcome.ok && outcome.context).to.deep.equal({ admin: false, variable: null });
  });
});
