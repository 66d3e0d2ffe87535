/**
 * Every way a gateway request can be refused, through the Functions emulator: the token matrix
 * (401 with `WWW-Authenticate`), methods, media types, sizes, schemas and rate limits — and for
 * each, that the tenant's data did not change.
 */
import { expect } from "chai";
import { turnPath } from "@lifeline/model";
import { registerDevice } from "./support/devices.js";
import {
  adminSdk,
  call,
  errorStatus,
  freshId,
  type Admin,
  type Reply,
} from "./support/emulators.js";
import {
  freshPhone,
  freshTurnId,
  gatewayPost,
  gatewayToken,
  hs256WithPublicKeyToken,
  seedGatewayTenant,
  tokenFromAnotherKey,
  turnAnswerOf,
  unsignedToken,
  waitForValue,
  type GatewayEndpoint,
  type GatewayTenant,
} from "./support/gateway-client.js";

let admin: Admin;
let tenant: GatewayTenant;
let deviceId: string;

before(async () => {
  admin = adminSdk();
  tenant = await seedGatewayTenant(admin);
  deviceId = await registerDevice(admin, tenant.tenantId, tenant.subjectId);
});

after(async () => {
  await admin.close();
});

async function tenantTree(tenantId: string): Promise<unknown> {
  return (await admin.database.ref(`tenants/${tenantId}`).get()).val() as unknown;
}

/** Runs `act` and checks that nothing under the tenant changed. */
async function expectNothingWritten(act: () => Promise<void>): Promise<void> {
  const before = await tenantTree(tenant.tenantId);
  await act();
  expect(await tenantTree(tenant.tenantId)).to.deep.equal(before);
}

function expectError(reply: Reply, httpStatus: number, status: string, label = ""): void {
  expect(reply.status, `${label} ${JSON.stringify(reply.body)}`).to.equal(httpStatus);
  expect(errorStatus(reply), label).to.equal(status);
}

/** `{"a": {"a": … "x"}}`, `depth` levels deep. */
function nested(depth: number): unknown {
  let value: unknown = "x";
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

function validBody(endpoint: GatewayEndpoint): Record<string, unknown> {
  switch (endpoint) {
    case "speechTurn":
      return {
        callRef: freshId("CA"),
        from: tenant.phone,
        text: "Hello",
        medium: "voice",
        turnId: freshTurnId(),
      };
    case "callEnded":
      return { callRef: freshId("CA"), from: tenant.phone };
    case "missedCall":
      return { callRef: freshId("CA"), from: tenant.phone };
    case "deviceReadings":
      return { deviceId, readings: [{ kind: "heart_rate", value: 70 }] };
  }
}

const ENDPOINTS: readonly GatewayEndpoint[] = [
  "speechTurn",
  "callEnded",
  "missedCall",
  "deviceReadings",
];

describe("gateway authentication", function () {
  this.timeout(120_000);

  const forged: [string, () => Promise<string>][] = [
    ["an expired token", () => gatewayToken({ expiresIn: -300 })],
    ["a token signed by another key", () => tokenFromAnotherKey()],
    ["the local key's token without a kid", () => gatewayToken({ kid: null })],
    ["the local key's token naming an unknown kid", () => gatewayToken({ kid: "retired-key" })],
    ["a token from another issuer", () => gatewayToken({ iss: "https://evil.example" })],
    ["a token for another audience", () => gatewayToken({ aud: "someone-else" })],
    ["an unsigned token (alg: none)", () => Promise.resolve(unsignedToken())],
    ["HS256 keyed with the public key", () => hs256WithPublicKeyToken()],
    ["garbage", () => Promise.resolve("not.a.jwt")],
  ];

  for (const endpoint of ENDPOINTS) {
    it(`${endpoint}: refuses a missing token with 401 and a Bearer challenge`, async () => {
      await expectNothingWritten(async () => {
        const reply = await gatewayPost(endpoint, validBody(endpoint), { token: null });
        expectError(reply, 401, "UNAUTHENTICATED");
        expect(reply.headers.get("www-authenticate")).to.equal('Bearer realm="lifeline-gateway"');
      });
    });

    it(`${endpoint}: refuses expired, wrongly signed, kid-less, unknown-kid, wrong-issuer, wrong-audience and alg:none tokens`, async () => {
      for (const [label, make] of forged) {
        await expectNothingWritten(async () => {
          const reply = await gatewayPost(endpoint, validBody(endpoint), { token: await make() });
          expectError(reply, 401, "UNAUTHENTICATED", label);
          expect(reply.headers.get("www-authenticate"), label).to.match(
            /^Bearer realm="lifeline-gateway", error="invalid_token"/,
          );
        });
      }
    });
  }

  it("accepts the control: the same body with a valid token", async () => {
    const body = validBody("speechTurn");
    const { callId } = turnAnswerOf(await gatewayPost("speechTurn", body));
    // A turn answered past its budget is written after the answer: the suites after this one
    // check that nothing is written, so this one waits until its turn is recorded.
    await waitForValue(
      admin.database.ref(turnPath(tenant.tenantId, callId, String(body.turnId))),
      (value) =>
        typeof value === "object" && value !== null && "status" in value && value.status === "done",
      60_000,
    );
  });
});

describe("gateway bad input", function () {
  this.timeout(120_000);

  for (const endpoint of ENDPOINTS) {
    it(`${endpoint}: answers 405 with Allow for other methods`, async () => {
      for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
        await expectNothingWritten(async () => {
          const body = method === "GET" ? undefined : validBody(endpoint);
          const reply = await gatewayPost(endpoint, body, { method });
          expectError(reply, 405, "METHOD_NOT_ALLOWED", method);
          expect(reply.headers.get("allow")).to.equal("POST");
        });
      }
    });

    it(`${endpoint}: answers 415 for a body that is not JSON`, async () => {
      await expectNothingWritten(async () => {
        const reply = await gatewayPost(endpoint, undefined, {
          rawBody: "callRef=x&from=y",
          contentType: "application/x-www-form-urlencoded",
        });
        expectError(reply, 415, "UNSUPPORTED_MEDIA_TYPE");
      });
    });

    it(`${endpoint}: answers 413 for a body over the limit`, async () => {
      await expectNothingWritten(async () => {
        const body = { ...validBody(endpoint), padding: "x".repeat(40 * 1024) };
        const reply = await gatewayPost(endpoint, body);
        expectError(reply, 413, "PAYLOAD_TOO_LARGE");
      });
    });

    it(`${endpoint}: answers 404 for a path below the endpoint, writing nothing`, async () => {
      for (const path of ["/extra", "/extra/segments", "/%20", "//"]) {
        await expectNothingWritten(async () => {
          const reply = await call(endpoint, "POST", path, {
            token: await gatewayToken(),
            body: validBody(endpoint),
          });
          expectError(reply, 404, "NOT_FOUND", path);
        });
      }
    });

    it(`${endpoint}: answers 400 for malformed JSON`, async () => {
      await expectNothingWritten(async () => {
        const reply = await gatewayPost(endpoint, undefined, { rawBody: '{"callRef": ' });
        expect(reply.status).to.equal(400);
      });
    });
  }

  const badBodies: [GatewayEndpoint, string, (body: Record<string, unknown>) => unknown][] = [
    [
      "speechTurn",
      "a missing field",
      (body) => Object.fromEntries(Object.entries(body).filter(([key]) => key !== "text")),
    ],
    ["speechTurn", "an unknown field", (body) => ({ ...body, admin: true })],
    ["speechTurn", "a number that is not E.164", (body) => ({ ...body, from: "555-0101" })],
    ["speechTurn", "an unknown medium", (body) => ({ ...body, medium: "fax" })],
    ["speechTurn", "empty text", (body) => ({ ...body, text: "   " })],
    ["speechTurn", "text over 4000 characters", (body) => ({ ...body, text: "a".repeat(4001) })],
    ["speechTurn", "a turn id that is not a key", (body) => ({ ...body, turnId: "a/b.c" })],
    ["speechTurn", "a reserved turn id (__proto__)", (body) => ({ ...body, turnId: "__proto__" })],
    ["speechTurn", "a reserved turn id (__x__)", (body) => ({ ...body, turnId: "__x__" })],
    ["speechTurn", "a turn id with a lone surrogate", (body) => ({ ...body, turnId: "t-\ud800" })],
    ["speechTurn", "an empty turn id", (body) => ({ ...body, turnId: "" })],
    [
      "speechTurn",
      "a turn id over the byte limit (counted in UTF-8)",
      // 100 characters, 300 bytes: within a character count, over the key budget in bytes.
      (body) => ({ ...body, turnId: "€".repeat(100) }),
    ],
    ["speechTurn", "a call ref with control characters", (body) => ({ ...body, callRef: "a\nb" })],
    ["speechTurn", "a call ref with a lone surrogate", (body) => ({ ...body, callRef: "\udc00" })],
    ["speechTurn", "text with a lone surrogate", (body) => ({ ...body, text: "help \ud83d" })],
    ["speechTurn", "a key with a lone surrogate", (body) => ({ ...body, "\ud800": 1 })],
    ["speechTurn", "a deeply nested value", (body) => ({ ...body, text: nested(40) })],
    ["callEnded", "a reserved call ref", (body) => ({ ...body, callRef: "__proto__" })],
    ["speechTurn", "an array", () => []],
    ["callEnded", "a string time", (body) => ({ ...body, at: "yesterday" })],
    ["missedCall", "an unknown medium", (body) => ({ ...body, medium: "pager" })],
    ["deviceReadings", "no readings", (body) => ({ ...body, readings: [] })],
    [
      "deviceReadings",
      "an unknown vital",
      (body) => ({ ...body, readings: [{ kind: "mood", value: 3 }] }),
    ],
    [
      "deviceReadings",
      "a value that is not a number",
      (body) => ({ ...body, readings: [{ kind: "spo2", value: "97" }] }),
    ],
    [
      "deviceReadings",
      "the wrong unit",
      (body) => ({ ...body, readings: [{ kind: "temperature", value: 101, unit: "°F" }] }),
    ],
    [
      "deviceReadings",
      "a reading from the future",
      (body) => ({
        ...body,
        readings: [{ kind: "spo2", value: 97, at: Date.now() + 3_600_000 }],
      }),
    ],
    [
      "deviceReadings",
      "too many readings",
      (body) => ({
        ...body,
        readings: Array.from({ length: 101 }, () => ({ kind: "spo2", value: 97 })),
      }),
    ],
    ["deviceReadings", "a device id that is not a key", (body) => ({ ...body, deviceId: "a/b" })],
    ["deviceReadings", "a reserved device id", (body) => ({ ...body, deviceId: "__proto__" })],
    ["deviceReadings", "no device id", (body) => ({ ...body, deviceId: undefined })],
    ["deviceReadings", "a subject id", (body) => ({ ...body, subjectId: tenant.subjectId })],
  ];

  // No gateway endpoint takes its tenant from the body: naming one is bad input everywhere.
  for (const endpoint of ENDPOINTS) {
    badBodies.push([endpoint, "a tenant id", (body) => ({ ...body, tenantId: tenant.tenantId })]);
  }

  for (const [endpoint, label, mutate] of badBodies) {
    it(`${endpoint}: answers 400 with the issues for ${label}`, async () => {
      await expectNothingWritten(async () => {
        const reply = await gatewayPost(endpoint, mutate(validBody(endpoint)));
        expectError(reply, 400, "INVALID_ARGUMENT", label);
        const details = (reply.body as { error: { details?: { issues?: unknown[] } } }).error
          .details;
        expect(details?.issues, label).to.be.an("array").that.is.not.empty;
      });
    });
  }

  it("deviceReadings: answers 404 for a device nobody registered", async () => {
    await expectNothingWritten(async () => {
      const reply = await gatewayPost("deviceReadings", {
        ...validBody("deviceReadings"),
        deviceId: "no-such-device",
      });
      expectError(reply, 404, "NOT_FOUND");
    });
  });
});

describe("gateway rate limits", function () {
  this.timeout(120_000);

  it("speechTurn: answers 429 with Retry-After once a caller number is over its burst, writing nothing", async () => {
    const limited = { ...tenant, phone: freshPhone() };
    await admin.firestore
      .doc(`phones/${limited.phone}`)
      .set({ tenantId: tenant.tenantId, subjectId: tenant.subjectId });
    const callRef = freshId("CA");
    const token = await gatewayToken({ sub: freshId("gw") });
    let refused: Reply | undefined;
    let refusedTurn = "";
    // The emulator's burst is 10 per instance; sequential requests reach one instance.
    for (let attempt = 0; attempt < 30 && refused === undefined; attempt++) {
      const turnId = freshTurnId();
      const reply = await gatewayPost(
        "speechTurn",
        { callRef, from: limited.phone, text: "Just checking in", medium: "sms", turnId },
        { token },
      );
      if (reply.status === 429) {
        refused = reply;
        refusedTurn = turnId;
      } else expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
    }
    expect(refused, "no 429 within 30 turns").to.not.equal(undefined);
    if (refused === undefined) return;
    expectError(refused, 429, "RESOURCE_EXHAUSTED");
    expect(Number(refused.headers.get("retry-after"))).to.be.at.least(1);
    const tree = JSON.stringify(await tenantTree(tenant.tenantId));
    expect(tree).to.not.include(refusedTurn);
  });

  it("missedCall: answers 429 once a gateway is over its burst, before reading the body, writing nothing", async () => {
    const token = await gatewayToken({ sub: freshId("gw") });
    let refused: Reply | undefined;
    // The emulator's gateway burst is 100 with one more token a second: sequential requests
    // faster than that drain it.
    for (let attempt = 0; attempt < 400 && refused === undefined; attempt++) {
      // An invalid body: cheap for the test, and it still counts against the gateway.
      const reply = await gatewayPost("missedCall", { nonsense: attempt }, { token });
      if (reply.status === 429) refused = reply;
      else expect(reply.status).to.equal(400);
    }
    expect(refused, "no 429 within 400 requests").to.not.equal(undefined);
    if (refused === undefined) return;
    expect(Number(refused.headers.get("retry-after"))).to.be.at.least(1);
    await expectNothingWritten(async () => {
      // Limits are per function instance: the bucket emptied above is missedCall's.
      const reply = await gatewayPost("missedCall", validBody("missedCall"), { token });
      expectError(reply, 429, "RESOURCE_EXHAUSTED");
    });
  });
});
