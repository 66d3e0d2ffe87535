import { expect } from "chai";
import {
  InvalidIdError,
  MAX_KEY_BYTES,
  alertAckPath,
  callPath,
  checkId,
  dashboardQueries,
  firestore,
  idProblem,
  isRequestId,
  isValidId,
  messagePath,
  revocationPath,
} from "@lifeline/model";

describe("ids", () => {
  it("takes an ordinary id and refuses each kind of bad one with its reason", () => {
    expect(idProblem("call-42")).to.equal(undefined);
    expect(idProblem("")).to.equal("empty");
    expect(idProblem("a/b")).to.match(/\. \$ # \[ \] \//);
    expect(idProblem("a.b")).to.match(/\. \$ #/);
    expect(idProblem("\ud800")).to.match(/surrogate/);
    expect(idProblem("__proto__")).to.match(/reserved/);
    expect(idProblem("constructor")).to.match(/reserved/);
    expect(idProblem("é".repeat(MAX_KEY_BYTES / 2 + 1))).to.match(/bytes/);
  });

  it("leaves a request id less room than a stored key, for the ids derived from it", () => {
    const id = "x".repeat(300);
    expect(isValidId(id)).to.be.true;
    expect(isRequestId(id)).to.be.false;
    expect(isRequestId("x".repeat(256))).to.be.true;
  });

  it("throws an InvalidIdError naming what was refused", () => {
    expect(checkId("call id", "ok")).to.equal("ok");
    expect(() => checkId("call id", "a#b")).to.throw(InvalidIdError, /invalid call id "a#b"/);
  });
});

describe("paths", () => {
  it("builds each database path from checked ids", () => {
    expect(callPath("t1", "c1")).to.equal("tenants/t1/calls/c1");
    expect(messagePath("t1", "c1", "m1")).to.equal("tenants/t1/messages/c1/m1");
    expect(alertAckPath("t1", "a1", "u1")).to.equal("tenants/t1/alerts/a1/acks/u1");
    expect(revocationPath("u1")).to.equal("revocations/u1");
  });

  it("refuses an id that would address another node instead of building the path", () => {
    expect(() => callPath("t1", "c1/owner")).to.throw(InvalidIdError);
    expect(() => callPath("t1/..", "c1")).to.throw(InvalidIdError);
    expect(() => firestore.memberDoc("t1", "")).to.throw(InvalidIdError);
  });

  it("names Firestore documents under their tenant", () => {
    expect(firestore.memberDoc("t1", "u1")).to.equal("tenants/t1/members/u1");
    expect(firestore.phoneDoc("+15550100")).to.equal("phones/+15550100");
    expect(firestore.lineDoc("+15550100")).to.equal("lines/+15550100");
  });
});

describe("dashboardQueries", () => {
  it("orders each query by a child and bounds the lists a dashboard keeps", () => {
    expect(dashboardQueries.recentCalls("t1")).to.deep.equal({
      path: "tenants/t1/calls",
      orderByChild: "lastMessageAt",
      limitToLast: 100,
    });
    expect(dashboardQueries.callsOfSubject("t1", "s1")).to.deep.equal({
      path: "tenants/t1/calls",
      orderByChild: "subjectId",
      equalTo: "s1",
    });
    expect(() => dashboardQueries.callsOfSubject("t1", "s$")).to.throw(InvalidIdError);
  });
});
