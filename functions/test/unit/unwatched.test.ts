import { expect } from "chai";
import type { Alert } from "@lifeline/model";
import { settleUnwatched } from "../../src/domain/alerts.js";

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
