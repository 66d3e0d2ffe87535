import { expect } from "chai";
import { HttpError } from "../../../src/http-kit/errors.js";
import {
  authenticateMember,
  bearerToken,
  type TokenChecks,
  type VerifiedToken,
} from "../../../src/http-kit/idtoken.js";

const AUTH_TIME = 1_700_000_000;

function checks(
  verify: (token: string) => Promise<VerifiedToken>,
  revokedAt: number | null = null,
): TokenChecks {
  return { verify, revokedAt: () => Promise.resolve(revokedAt) };
}

const validMember = checks((token) =>
  Promise.resolve({ uid: `uid-of-${token}`, auth_time: AUTH_TIME, tenant: "t1", role: "nurse" }),
);

function authError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("bearerToken", () => {
  it("returns the token of a Bearer header and nothing for anything else", () => {
    expect(bearerToken("Bearer abc.def-ghi_jkl")).to.equal("abc.def-ghi_jkl");
    expect(bearerToken("bearer   abc=")).to.equal("abc=");
    expect(bearerToken(undefined)).to.equal(undefined);
    expect(bearerToken("Basic dXNlcjpwYXNz")).to.equal(undefined);
    expect(bearerToken("Bearer")).to.equal(undefined);
    expect(bearerToken("Bearer a b")).to.equal(undefined);
  });
});

describe("authenticateMember", () => {
  it("returns the member's uid, tenant, role and sign-in time", async () => {
    expect(await authenticateMember("Bearer tok", validMember)).to.deep.equal({
      uid: "uid-of-tok",
      tenant: "t1",
      role: "nurse",
      authTime: AUTH_TIME,
    });
  });

  it("rejects a missing token with 401 and a challenge without an error code", async () => {
    const error = await rejection(authenticateMember(undefined, validMember));
    expect(error.httpStatus).to.equal(401);
    expect(error.headers["WWW-Authenticate"]).to.equal('Bearer realm="lifeline"');
  });

  it("rejects an invalid, expired or revoked token with 401 invalid_token", async () => {
    for (const code of [
      "auth/argument-error",
      "auth/id-token-expired",
      "auth/id-token-revoked",
      "auth/user-disabled",
      "auth/user-not-found",
    ]) {
      const error = await rejection(
        authenticateMember(
          "Bearer tok",
          checks(() => Promise.reject(authError(code))),
        ),
      );
      expect(error.httpStatus, code).to.equal(401);
      expect(error.headers["WWW-Authenticate"], code).to.match(
        /^Bearer realm="lifeline", error="invalid_token"/,
      );
    }
  });

  it("lets failures of the server's own setup through as they are (answered 500)", async () => {
    const setupError = authError("auth/internal-error");
    let caught: unknown;
    try {
      await authenticateMember(
        "Bearer tok",
        checks(() => Promise.reject(setupError)),
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).to.equal(setupError);
  });

  it("rejects a token signed in before revocations/{uid} with 401, and accepts one signed in at it", async () => {
    const before = checks(validMember.verify, AUTH_TIME * 1000 + 1);
    expect((await rejection(authenticateMember("Bearer tok", before))).message).to.contain(
      "revoked",
    );
    const at = checks(validMember.verify, AUTH_TIME * 1000);
    expect((await authenticateMember("Bearer tok", at)).uid).to.equal("uid-of-tok");
  });

  it("rejects a user without valid member claims with 403", async () => {
    for (const claims of [
      {},
      { tenant: "t1" },
      { tenant: "t1", role: "owner" },
      { tenant: "", role: "admin" },
    ]) {
      const error = await rejection(
        authenticateMember(
          "Bearer tok",
          checks(() => Promise.resolve({ uid: "u", auth_time: AUTH_TIME, ...claims })),
        ),
      );
      expect(error.httpStatus, JSON.stringify(claims)).to.equal(403);
    }
  });
});
