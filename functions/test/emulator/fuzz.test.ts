/**
 * About a thousand generated bad and odd requests across every HTTPS endpoint, through the
 * Functions emulator: odd ids and keys (reserved names, `__proto__`, lone surrogates, forbidden
 * characters, byte-length edges), odd values, huge, empty and deeply nested bodies, wrong content
 * types, extra path segments, wrong methods, and valid, forged and missing credentials. Not one
 * may answer 5xx, and every error must be the one error body with the status its code maps to.
 * The generator is seeded: a failure names the seed and the request, so it can be replayed.
 */
import { expect } from "chai";
import { STATUS_BY_CODE } from "../../src/http-kit/errors.js";
import { isWellFormedText } from "@lifeline/model";
import { registerDevice } from "./support/devices.js";
import {
  addMember,
  adminSdk,
  freshId,
  functionUrl,
  signIn,
  type Admin,
} from "./support/emulators.js";
import {
  freshTurnId,
  gatewayToken,
  seedGatewayTenant,
  tokenFromAnotherKey,
  unsignedToken,
  type GatewayTenant,
} from "./support/gateway-client.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_205);
const PER_ENDPOINT = Number(process.env.FUZZ_PER_ENDPOINT ?? 130);
/** An answer slower than this is reported as a failure of its own, naming the request. */
const ANSWER_TIMEOUT_MS = 60_000;
const FUNCTIONS = [
  "speechTurn",
  "callEnded",
  "missedCall",
  "deviceReadings",
  "members",
  "history",
  "sessions",
  "sweeper",
  "health",
  "twilioVoice",
  "twilioTurn",
  "twilioMessage",
  "twilioStatus",
  "twilioMessageStatus",
] as const;

/** mulberry32: a small seeded generator, so a failing run can be repeated exactly. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const random = generator(SEED);
const pick = <T>(items: readonly T[]): T => {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
};

/** Ids and keys a store or a path helper could trip over. */
const ODD_IDS: readonly string[] = [
  "",
  " ",
  ".",
  "..",
  "__proto__",
  "__",
  "__x__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "toString",
  "a/b",
  "a.b",
  "a$b",
  "a#b",
  "a[0]",
  "a\u0000b",
  "a\u001fb",
  "a\u007fb",
  "\ud800",
  "\udfff",
  "x\ud83d",
  "\ude00x",
  "\ud83d\ude00",
  "€".repeat(85),
  "€".repeat(86),
  "é".repeat(400),
  "a".repeat(256),
  "a".repeat(257),
  "a".repeat(769),
  "a".repeat(5000),
  "%2F",
  "%00",
  "null",
  "undefined",
  "-",
  "\u2028",
  "\ufeff",
];

/**
 * Odd ids as path segments: all but the dot segments, which URL parsing resolves before sending
 * (`a/../b` is `b`, encoded or not), so they would address another function, not this one.
 */
const PATH_IDS = ODD_IDS.filter((id) => id !== "." && id !== "..");

const ODD_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  [],
  {},
  [null],
  JSON.parse('{"__proto__":{"admin":true}}'),
  [[[[]]]],
  "x".repeat(70_000),
  ...ODD_IDS,
];

/** Encodes a segment as a client would put it in a URL; lone surrogates as their (invalid) UTF-8. */
function encodeSegment(segment: string): string {
  if (isWellFormedText(segment)) return encodeURIComponent(segment);
  // Code points, so a well-formed pair stays one character and a lone surrogate stands alone.
  return Array.from(segment)
    .map((char) => {
      const unit = char.charCodeAt(0);
      if (unit >= 0xd800 && unit <= 0xdfff && char.length === 1) {
        return `%${(0xe0 | (unit >> 12)).toString(16)}%${(0x80 | ((unit >> 6) & 0x3f)).toString(16)}%${(0x80 | (unit & 0x3f)).toString(16)}`.toUpperCase();
      }
      return encodeURIComponent(char);
    })
    .join("");
}

function nested(depth: number, asArray: boolean): string {
  return asArray
    ? `${"[".repeat(depth)}${"]".repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

interface FuzzRequest {
  readonly label: string;
  readonly fn: string;
  readonly method: string;
  readonly path: string;
  readonly query?: string;
  readonly token?: string;
  /** Sent as the body, verbatim. */
  readonly raw?: string;
  readonly contentType?: string;
  /** Malformed for the platform's own body parser, which answers before any endpoint runs. */
  readonly platformParsed?: boolean;
}

interface Outcome {
  readonly request: FuzzRequest;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly ms: number;
}

/** A JSON text of `body` (lone surrogates come out escaped, as `\ud800`). */
function jsonText(body: unknown): string {
  return body === undefined ? "null" : JSON.stringify(body);
}

function mutate(valid: Record<string, unknown>): { label: string; body: unknown } {
  // Bodiless endpoints (history, sessions, sweeper, health) get bodies all the same.
  const keys = Object.keys(valid).length > 0 ? Object.keys(valid) : ["x"];
  switch (Math.floor(random() * 6)) {
    case 0: {
      const key = pick(keys);
      const value = pick(ODD_VALUES);
      return { label: `${key} := odd value`, body: { ...valid, [key]: value } };
    }
    case 1: {
      const key = pick(keys);
      const value = pick(ODD_IDS);
      return { label: `${key} := odd id`, body: { ...valid, [key]: value } };
    }
    case 2: {
      const key = pick(ODD_IDS);
      return { label: "extra odd key", body: { ...valid, [key]: pick(ODD_VALUES) } };
    }
    case 3: {
      const key = pick(keys);
      return {
        label: `without ${key}`,
        body: Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key)),
      };
    }
    case 4:
      return { label: "odd value as the body", body: pick(ODD_VALUES) };
    default:
      return { label: "valid body", body: valid };
  }
}

interface Target {
  readonly fn: string;
  readonly methods: readonly string[];
  /** Path segments the endpoint routes, or none for a single-resource endpoint. */
  readonly route: () => string;
  readonly validBody?: () => Record<string, unknown>;
  readonly tokens: readonly (() => Promise<string | undefined>)[];
}

function generate(
  target: Target,
  count: number,
  tokenFor: (index: number) => Promise<string | undefined>,
) {
  const requests: Promise<FuzzRequest>[] = [];
  const contentTypes = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
    "application/json; charset=utf-16",
    "application/problem+json",
  ];
  for (let index = 0; index < count; index++) {
    const kind = Math.floor(random() * 10);
    const make = async (): Promise<FuzzRequest> => {
      const token = await tokenFor(index);
      const base = { fn: target.fn, token, path: target.route() } as const;
      const method = target.methods[0] ?? "POST";
      const valid = target.validBody?.() ?? {};
      switch (kind) {
        case 0: {
          const other = pick(["GET", "PUT", "PATCH", "DELETE", "POST", "HEAD"]);
          return {
            ...base,
            label: `method ${other}`,
            method: other,
            raw: jsonText(valid),
            contentType: "application/json",
          };
        }
        case 1: {
          const extra = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
            encodeSegment(pick(PATH_IDS) || "x"),
          );
          return {
            ...base,
            label: "extra segments",
            method,
            path: `${base.path}/${extra.join("/")}`,
            raw: jsonText(valid),
            contentType: "application/json",
          };
        }
        case 2: {
          const contentType = pick(contentTypes);
          const platformParsed = contentType.includes("charset=utf-16");
          return {
            ...base,
            label: `content type ${contentType}`,
            method,
            raw: pick(["a=b&c", jsonText(valid), "<x/>", ""]),
            contentType,
            platformParsed,
          };
        }
        case 3: {
          const depth = pick([20, 200, 2000]);
          return {
            ...base,
            label: `nested ${depth}`,
            method,
            raw: nested(depth, random() < 0.5),
            contentType: "application/json",
          };
        }
        case 4: {
          const size = pick([40_000, 300_000, 2_000_000]);
          return {
            ...base,
            label: `huge ${size}`,
            method,
            raw: jsonText({ ...valid, pad: "x".repeat(size) }),
            contentType: "application/json",
          };
        }
        case 5:
          return {
            ...base,
            label: "empty body",
            method,
            raw: "",
            contentType: "application/json",
            platformParsed: true,
          };
        case 6:
          return {
            ...base,
            label: "malformed JSON",
            method,
            raw: pick(['{"a":', "{'a':1}", "[1,]", "\u0000"]),
            contentType: "application/json",
            platformParsed: true,
          };
        case 7: {
          const raw = `{"__proto__":{"admin":true},${jsonText(valid).slice(1)}`;
          return {
            ...base,
            label: "__proto__ key",
            method,
            raw: raw.replace(/,}$/, "}"),
            contentType: "application/json",
          };
        }
        default: {
          const { label, body } = mutate(valid);
          const query =
            target.fn === "history"
              ? `?${pick(["limit=0", "limit=abc", "limit=1e9", "cursor=%ED%A0%80", "cursor=__proto__", "x=1", "limit=5&limit=6", ""])}`
              : "";
          return {
            ...base,
            label,
            method,
            raw: jsonText(body),
            contentType: "application/json",
            query,
          };
        }
      }
    };
    requests.push(make());
  }
  return Promise.all(requests);
}

async function send(request: FuzzRequest): Promise<Outcome> {
  const headers: Record<string, string> = {};
  if (request.token !== undefined) headers.authorization = `Bearer ${request.token}`;
  const hasBody =
    request.raw !== undefined && request.method !== "GET" && request.method !== "HEAD";
  if (hasBody && request.contentType !== undefined) headers["content-type"] = request.contentType;
  const url = `${await functionUrl(request.fn, request.path)}${request.query ?? ""}`;
  const started = Date.now();
  try {
    const response = await fetch(url, {
      method: request.method,
      headers,
      ...(hasBody ? { body: request.raw } : {}),
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    });
    const text = await response.text();
    return {
      request,
      status: response.status,
      headers: response.headers,
      text,
      ms: Date.now() - started,
    };
  } catch (error) {
    return {
      request,
      status: 0,
      headers: new Headers(),
      text: String(error),
      ms: Date.now() - started,
    };
  }
}

/**
 * Requests the platform answers itself, with its own 400 page, before any endpoint runs: bodies
 * its JSON parser refuses (malformed, empty, or a bare primitive: it parses in strict mode) and
 * paths whose percent-encoding is not UTF-8 (the router cannot decode them).
 */
function platformRefuses(request: FuzzRequest): boolean {
  if (request.platformParsed === true) return true;
  try {
    decodeURIComponent(request.path);
  } catch {
    return true;
  }
  const sendsJson = request.contentType?.startsWith("application/json") === true;
  const raw = request.raw?.trim() ?? "";
  return sendsJson && request.method !== "GET" && request.method !== "HEAD" && !/^[[{]/.test(raw);
}

/** Why `outcome` breaks the HTTPS contract, or undefined when it keeps it. */
function violation(outcome: Outcome): string | undefined {
  const { status, request } = outcome;
  if (status === 0) return `no answer: ${outcome.text}`;
  if (status >= 500) return `answered ${status}`;
  if (status < 400 || request.method === "HEAD") return undefined;
  let body: unknown;
  try {
    body = JSON.parse(outcome.text);
  } catch {
    // The platform's body parser refuses malformed JSON before the endpoint runs (see http-kit/body.ts).
    return platformRefuses(request) && status === 400 ? undefined : "error body is not JSON";
  }
  if (typeof body !== "object" || body === null || Object.keys(body).join() !== "error") {
    return "error body is not {error}";
  }
  const error = (body as { error: unknown }).error;
  if (typeof error !== "object" || error === null) return "error is not an object";
  const fields = Object.keys(error);
  if (fields.some((key) => !["status", "message", "details"].includes(key)))
    return `error has ${fields.join()}`;
  const { status: code, message } = error as { status?: unknown; message?: unknown };
  if (typeof code !== "string" || !(code in STATUS_BY_CODE))
    return `unknown error status ${String(code)}`;
  if (STATUS_BY_CODE[code as keyof typeof STATUS_BY_CODE] !== status)
    return `${code} sent as HTTP ${status}`;
  if (typeof message !== "string" || message === "") return "no message";
  if (status === 401 && outcome.headers.get("www-authenticate") === null)
    return "401 without WWW-Authenticate";
  if (status === 405 && outcome.headers.get("allow") === null) return "405 without Allow";
  if (status === 429 && outcome.headers.get("retry-after") === null)
    return "429 without Retry-After";
  return undefined;
}

/**
 * One request in flight per function, all functions at once. The Functions emulator starts a new
 * worker process for a request that finds every worker of its function busy (seconds each on a
 * loaded machine); one at a time per function keeps reusing the warm one.
 */
async function runAll(requests: readonly FuzzRequest[]): Promise<Outcome[]> {
  const byFunction = new Map<string, FuzzRequest[]>();
  for (const request of requests) {
    byFunction.set(request.fn, [...(byFunction.get(request.fn) ?? []), request]);
  }
  const outcomes: Outcome[] = [];
  await Promise.all(
    [...byFunction.values()].map(async (queue) => {
      for (const request of queue) outcomes.push(await send(request));
    }),
  );
  return outcomes;
}

describe("every HTTPS endpoint, fuzzed", function () {
  // The run itself takes well under a minute on an idle machine; cold workers and a loaded one
  // take longer, and a slow answer is not what this test is about.
  this.timeout(300_000);

  let admin: Admin;
  let tenant: GatewayTenant;
  let deviceId: string;
  let adminToken: string;
  let sessionsToken: string;
  let adminUid: string;

  before(async () => {
    admin = adminSdk();
    tenant = await seedGatewayTenant(admin);
    deviceId = await registerDevice(admin, tenant.tenantId, tenant.subjectId);
    const tenantAdmin = await addMember(admin, tenant.tenantId, "admin");
    adminUid = tenantAdmin.uid;
    adminToken = (await signIn(tenantAdmin.email, tenantAdmin.password)).idToken;
    const member = await addMember(admin, tenant.tenantId, "dispatcher");
    sessionsToken = (await signIn(member.email, member.password)).idToken;
    // One warm worker per function before the run: a request that finds none starts another.
    for (const fn of FUNCTIONS) await fetch(await functionUrl(fn), { method: "PUT" });
  });

  after(async () => {
    await admin.close();
  });

  it(`answers ~1,000 generated bad and odd requests (seed ${SEED}) without a 5xx, each error in the one error shape`, async () => {
    const phone = () => pick([tenant.phone, tenant.phone, "+15555550000x", "555", pick(ODD_IDS)]);
    const gatewayTokens = [
      // A fresh gateway per request: the per-gateway rate limit would otherwise answer most of them.
      () => gatewayToken({ sub: freshId("fuzz") }),
      () => gatewayToken({ sub: freshId("fuzz") }),
      () => gatewayToken({ sub: freshId("fuzz") }),
      () => tokenFromAnotherKey(),
      () => gatewayToken({ sub: freshId("fuzz"), expiresIn: -60 }),
      () => Promise.resolve(unsignedToken()),
      () => Promise.resolve(pick(["", "x", "a.b.c", "\u00e9", adminToken])),
      () => Promise.resolve(undefined),
    ];
    const idTokens = (valid: () => string) => [
      () => Promise.resolve(valid()),
      () => Promise.resolve(valid()),
      () => Promise.resolve(valid()),
      () => Promise.resolve(`${valid()}x`),
      () => Promise.resolve(valid().split(".").slice(0, 2).join(".")),
      () => gatewayToken(),
      () => Promise.resolve(pick(["", "x", "a.b.c"])),
      () => Promise.resolve(undefined),
    ];
    const oddSegment = () =>
      encodeSegment(pick([...PATH_IDS, tenant.tenantId, tenant.tenantId, adminUid]) || "x");
    const targets: Target[] = [
      {
        fn: "speechTurn",
        methods: ["POST"],
        route: () => "",
        validBody: () => ({
          callRef: freshId("CA"),
          from: phone(),
          text: pick(["Hello", "fire \ud83d\udd25", "help \ud800", "x".repeat(4001)]),
          medium: pick(["voice", "sms", "fax"]),
          turnId: random() < 0.5 ? freshTurnId() : pick(ODD_IDS),
        }),
        tokens: gatewayTokens,
      },
      {
        fn: "callEnded",
        methods: ["POST"],
        route: () => "",
        validBody: () => ({
          callRef: random() < 0.5 ? freshId("CA") : pick(ODD_IDS),
          from: phone(),
          at: pick([Date.now(), 0, -1, 1e20, "now"]),
        }),
        tokens: gatewayTokens,
      },
      {
        fn: "missedCall",
        methods: ["POST"],
        route: () => "",
        validBody: () => ({
          callRef: random() < 0.5 ? freshId("CA") : pick(ODD_IDS),
          from: phone(),
          medium: pick(["voice", "sms", "pager"]),
        }),
        tokens: gatewayTokens,
      },
      {
        fn: "deviceReadings",
        methods: ["POST"],
        route: () => "",
        validBody: () => ({
          deviceId: random() < 0.5 ? deviceId : pick(ODD_IDS),
          readings: pick([
            [{ kind: "spo2", value: 97 }],
            [{ kind: pick(ODD_IDS), value: 1 }],
            [{ kind: "spo2", value: pick(ODD_VALUES) }],
            [],
          ]),
        }),
        tokens: gatewayTokens,
      },
      {
        fn: "members",
        methods: ["POST", "PATCH", "DELETE"],
        route: () =>
          `/${pick([tenant.tenantId, oddSegment()])}${random() < 0.6 ? `/${oddSegment()}` : ""}`,
        validBody: () => ({
          email: `${freshId("m")}@${tenant.tenantId}.test`,
          password: "long-enough-pw",
          name: pick(["Name", "\ud800", "__proto__", "x".repeat(500)]),
          role: pick(["nurse", "root", "__proto__"]),
          subjects: pick([[], [tenant.subjectId], [pick(ODD_IDS)], "x"]),
        }),
        tokens: idTokens(() => adminToken),
      },
      {
        fn: "history",
        methods: ["GET"],
        route: () =>
          `/${pick([tenant.tenantId, oddSegment()])}${random() < 0.5 ? `/${oddSegment()}` : ""}`,
        tokens: idTokens(() => adminToken),
      },
      {
        fn: "sessions",
        methods: ["DELETE"],
        route: () => pick(["", "", `/${oddSegment()}`]),
        tokens: idTokens(() => sessionsToken),
      },
      {
        fn: "sweeper",
        methods: ["POST"],
        route: () => pick(["", "", `/${oddSegment()}`]),
        tokens: idTokens(() => adminToken),
      },
      {
        fn: "health",
        methods: ["GET"],
        route: () => pick(["", "", `/${oddSegment()}`]),
        tokens: [() => Promise.resolve(undefined)],
      },
      // Twilio's webhooks: never signed here, so every request must be refused (403, 404, 405,
      // 413 or 415) with the error shape, whatever the body, type or path.
      ...(
        [
          "twilioVoice",
          "twilioTurn",
          "twilioMessage",
          "twilioStatus",
          "twilioMessageStatus",
        ] as const
      ).map((fn): Target => ({
        fn,
        methods: ["POST"],
        route: () =>
          pick([
            "",
            "",
            "?turn=1",
            "?turn=-1",
            "?tenant=t&call=constructor&message=__proto__",
            `/${oddSegment()}`,
          ]),
        validBody: () => ({
          CallSid: `CA${"0".repeat(32)}`,
          MessageSid: `SM${"0".repeat(32)}`,
          From: phone(),
          To: phone(),
          SpeechResult: pick(["Hello", "help \ud800", "x".repeat(4001)]),
          CallStatus: pick(["completed", "no-answer", "ringing"]),
          MessageStatus: pick(["delivered", "failed", "partially_delivered"]),
        }),
        tokens: [() => Promise.resolve(undefined)],
      })),
    ];

    const requests: FuzzRequest[] = [];
    for (const target of targets) {
      const count =
        target.fn === "health" || target.fn === "sweeper" || target.fn === "sessions"
          ? 60
          : target.fn.startsWith("twilio")
            ? 40
            : PER_ENDPOINT;
      requests.push(...(await generate(target, count, () => pick(target.tokens)())));
    }

    const outcomes = await runAll(requests);
    const failures = outcomes
      .map((outcome) => ({ outcome, why: violation(outcome) }))
      .filter((entry) => entry.why !== undefined)
      .map(
        ({ outcome, why }) =>
          `${outcome.request.fn} ${outcome.request.method} ${JSON.stringify(outcome.request.path.slice(0, 60))} [${outcome.request.label}]: ${why} ${outcome.text.slice(0, 160)}`,
      );
    const byStatus = new Map<number, number>();
    for (const { status } of outcomes) byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    console.log(
      `      fuzz (seed ${SEED}): ${outcomes.length} requests, by status ${JSON.stringify(Object.fromEntries([...byStatus].sort(([a], [b]) => a - b)))}`,
    );
    if (process.env.FUZZ_VERBOSE === "1") {
      const slowest = [...outcomes].sort((a, b) => b.ms - a.ms).slice(0, 15);
      for (const o of slowest)
        console.log(
          `        ${o.ms} ms ${o.status} ${o.request.fn} ${o.request.method} [${o.request.label}]`,
        );
    }
    expect(outcomes.length).to.be.at.least(900);
    expect(failures, failures.slice(0, 20).join("\n")).to.deep.equal([]);
    // The run reached past the edge too: some requests were accepted, and most were refused.
    expect(byStatus.get(200) ?? 0, "some requests succeed").to.be.greaterThan(0);
    expect(byStatus.get(400) ?? 0, "bad input is refused").to.be.greaterThan(100);
  });
});
