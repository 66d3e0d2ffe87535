import { expect } from "chai";
import { textIssue } from "../../src/http-kit/body.js";
import { requestIdSchema } from "../../src/requests.js";
import { idSegments } from "../../src/http-kit/endpoint.js";
import {
  alertPath,
  checkId,
  idProblem,
  isWellFormedText,
  MAX_KEY_BYTES,
  MAX_REQUEST_ID_BYTES,
  turnPath,
} from "@lifeline/model";
import { vitalsAlertPath } from "../../src/domain/vitals.js";

/** Odd and hostile ids: reserved names, forbidden characters, surrogates, byte-length edges. */
const ODD_IDS = [
  "",
  ".",
  "..",
  "__proto__",
  "__",
  "___",
  "__x__",
  "__\n__",
  "constructor",
  "toString",
  "a.b",
  "a/b",
  "a$b",
  "a#b",
  "a[b]",
  "a\u0000b",
  "a\u007fb",
  "\ud800",
  "\udc00",
  "x\ud83d",
  "\ud83dx",
  "\ud83d\ude00",
  "é".repeat(128),
  "é".repeat(129),
  "€".repeat(85),
  "€".repeat(86),
  "\ud83d\ude00".repeat(64),
  "\ud83d\ude00".repeat(65),
  "a".repeat(MAX_REQUEST_ID_BYTES),
  "a".repeat(MAX_REQUEST_ID_BYTES + 1),
  "a".repeat(MAX_KEY_BYTES + 1),
  " ",
  "CA-0123:~_",
];

describe("isWellFormedText", () => {
  it("refuses lone surrogates and accepts pairs, as String.prototype.isWellFormed does", () => {
    for (const text of ODD_IDS) {
      const native = (text as unknown as { isWellFormed(): boolean }).isWellFormed();
      expect(isWellFormedText(text), JSON.stringify(text)).to.equal(native);
    }
  });
});

describe("idProblem", () => {
  it("names each kind of invalid id", () => {
    expect(idProblem("")).to.equal("empty");
    expect(idProblem("a\ud800")).to.match(/surrogate/);
    expect(idProblem("a.b")).to.match(/\. \$ #/);
    expect(idProblem("__proto__")).to.match(/reserved/);
    for (const inherited of ["constructor", "toString", "valueOf", "hasOwnProperty"]) {
      expect(idProblem(inherited), inherited).to.match(/reserved/);
    }
    expect(idProblem("prototype")).to.equal(undefined);
    expect(idProblem("€".repeat(257))).to.match(/768 bytes/);
    expect(idProblem("€".repeat(256))).to.equal(undefined);
    expect(idProblem("ok-id")).to.equal(undefined);
  });

  it("counts the limit in UTF-8 bytes, the way the stores do", () => {
    expect(idProblem("€".repeat(86), MAX_REQUEST_ID_BYTES)).to.match(/256 bytes/);
    expect(idProblem("€".repeat(85), MAX_REQUEST_ID_BYTES)).to.equal(undefined);
    expect(idProblem("\ud83d\ude00".repeat(65), MAX_REQUEST_ID_BYTES)).to.match(/256 bytes/);
  });
});

describe("requestIdSchema", () => {
  it("accepts only ids that every path helper accepts, derived ids included", () => {
    let accepted = 0;
    for (const id of ODD_IDS) {
      const parsed = requestIdSchema.safeParse(id);
      if (!parsed.success) continue;
      accepted++;
      expect(() => {
        turnPath(id, id, id);
        alertPath(id, `${id}-unwatched`);
        vitalsAlertPath(id, id);
        checkId("message id", `${id}-assistant`);
        checkId("audit id", `${Date.now()}_follow_up_close_${"u".repeat(128)}_${id}-urgency`);
      }, JSON.stringify(id)).to.not.throw();
    }
    expect(accepted).to.be.greaterThan(5);
  });

  it("refuses reserved names, lone surrogates, forbidden characters and ids over the byte budget", () => {
    for (const id of [
      "",
      "..",
      "__proto__",
      "__x__",
      "a/b",
      "a.b",
      "\ud800",
      "x\udc00",
      "€".repeat(86),
    ]) {
      expect(requestIdSchema.safeParse(id).success, JSON.stringify(id)).to.equal(false);
    }
  });
});

describe("idSegments", () => {
  it("accepts only route segments that pass the request-id rule", () => {
    expect(idSegments("/t/u", 2)).to.deep.equal(["t", "u"]);
    expect(idSegments("/t/__proto__", 2)).to.equal(undefined);
    expect(idSegments("/t/%ED%A0%80", 2), "an encoded lone surrogate").to.equal(undefined);
    expect(idSegments("/t/%E2%82%AC", 2)).to.deep.equal(["t", "€"]);
    expect(idSegments(`/${"%E2%82%AC".repeat(86)}`, 2)).to.equal(undefined);
    expect(idSegments("/a/b/c", 2)).to.equal(undefined);
  });
});

describe("textIssue", () => {
  it("finds a lone surrogate in any string value or key, and nesting beyond the limit", () => {
    expect(textIssue({ a: ["ok", { b: "x\ud800" }] })).to.deep.include({ path: ["a", 1, "b"] });
    expect(textIssue({ a: { "\udfff": 1 } })).to.deep.include({ path: ["a"], code: "invalid_key" });
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(textIssue(deep)).to.deep.include({ code: "too_deep" });
    expect(textIssue({ text: "fire \ud83d\udd25", n: [1, null, true] })).to.equal(undefined);
  });
});
