import { expect } from "chai";
import type { Alert } from "@lifeline/model";
import {
  decline,
  reopenUnresolved,
  settleUnwatched,
  statusAfterAck,
} from "../../src/domain/alerts.js";

const page: Alert = {
  kind: "unwatched",
  severity: "critical",
  callId: "c1",
  title: "Nobody is watching: Critical call",
  at: 1_000,
  status: "open",
  level: 0,
};

describe("settleUnwatched", () => {
  it("resolves the page once its source is acknowledged or closed", () => {
    for (const status of ["acknowledged", "resolved"] as const) {
      expect(settleUnwatched(page, { status, at: 1_000 }, false)).to.deep.include({
        status: "resolved",
      });
    }
  });

  it("resolves the page once a human took the call over, whatever the source", () => {
    expect(settleUnwatched(page, { status: "open", at: 1_000 }, true)).to.deep.include({
      status: "resolved",
    });
    expect(settleUnwatched(page, null, true)).to.deep.include({ status: "resolved" });
  });

  it("leaves the page open while the source is open and nobody took over", () => {
    expect(settleUnwatched(page, { status: "open", at: 1_000 }, false)).to.equal(null);
    expect(settleUnwatched(page, null, false)).to.equal(null);
  });

  it("leaves a page about a later opening than the answer it sees", () => {
    expect(
      settleUnwatched({ ...page, at: 2_000 }, { status: "acknowledged", at: 1_000 }, false),
    ).to.equal(null);
  });

  it("writes nothing for a page already resolved or an alert that is no page", () => {
    const answered = { status: "acknowledged", at: 1_000 } as const;
    expect(settleUnwatched({ ...page, status: "resolved" }, answered, true)).to.equal(null);
    expect(settleUnwatched({ ...page, kind: "urgency" }, answered, true)).to.equal(null);
  });
});

describe("decline", () => {
  const alert: Alert = { ...page, kind: "urgency", title: "Critical call" };

  it("raises an open alert one level and remembers the decline", () => {
    expect(decline(alert, { uid: "n1", at: 2_000 }, 2)).to.deep.include({
      level: 1,
      status: "open",
      title: "Critical call · escalated to level 1",
      lastDecline: { uid: "n1", at: 2_000 },
    });
  });

  it("raises nothing for the same decline twice, at the top level, or on an alert not open", () => {
    const raised = decline(alert, { uid: "n1", at: 2_000 }, 2);
    expect(raised === null ? null : decline(raised, { uid: "n1", at: 2_000 }, 2)).to.equal(null);
    expect(decline({ ...alert, level: 2 }, { uid: "n1", at: 2_000 }, 2)).to.equal(null);
    expect(decline({ ...alert, status: "acknowledged" }, { uid: "n1", at: 2_000 }, 2)).to.equal(
      null,
    );
    expect(decline(alert, { uid: "n1", at: 500 }, 2)).to.equal(null);
  });

  it("leaves the alert's status as it is", () => {
    expect(statusAfterAck("open", "declined")).to.equal("open");
  });
});

describe("reopenUnresolved", () => {
  const acked: Alert = { ...page, kind: "urgency", title: "Critical call", status: "acknowledged" };

  it("opens an acknowledged critical alert of the same opening again, as a new opening", () => {
    expect(reopenUnresolved(acked, 1_000, 9_000)).to.deep.include({ status: "open", at: 9_000 });
  });

  it("leaves an alert resolved, reopened since, no longer critical, or a follow-up", () => {
    expect(reopenUnresolved({ ...acked, status: "resolved" }, 1_000, 9_000)).to.equal(null);
    expect(reopenUnresolved({ ...acked, status: "open" }, 1_000, 9_000)).to.equal(null);
    expect(reopenUnresolved({ ...acked, at: 5_000 }, 1_000, 9_000)).to.equal(null);
    expect(reopenUnresolved({ ...acked, severity: "urgent" }, 1_000, 9_000)).to.equal(null);
    expect(reopenUnresolved({ ...acked, followUp: { since: 2_000 } }, 1_000, 9_000)).to.equal(null);
  });
});
