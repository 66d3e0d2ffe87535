import { expect } from "chai";
import type { Alert } from "@lifeline/model";
import { alertFromInbox, escalationLabel, sortAlerts } from "../src/logic/alerts.js";
import { anAlert, anInboxItem } from "./fixtures.js";

describe("sortAlerts", () => {
  it("returns open alerts first, then by severity, then newest first", () => {
    const sorted = sortAlerts([
      anAlert("acked-critical", { status: "acknowledged", severity: "critical", at: 9 }),
      anAlert("open-urgent-new", { severity: "urgent", at: 8 }),
      anAlert("open-critical-old", { severity: "critical", at: 1 }),
      anAlert("open-critical-new", { severity: "critical", at: 5 }),
    ]);
    expect(sorted.map((alert) => alert.id)).to.deep.equal([
      "open-critical-new",
      "open-critical-old",
      "open-urgent-new",
      "acked-critical",
    ]);
  });
});

describe("alertFromInbox", () => {
  const item = anInboxItem({ callId: "c1" });

  it("returns the inbox copy without a level when the record is not readable", () => {
    const view = alertFromInbox("a1", item);
    expect(view).to.include({ id: "a1", tenantId: "t1", status: "open", callId: "c1" });
    expect(view.level).to.equal(undefined);
  });

  it("returns the record's level and acks when it is readable", () => {
    const record: Alert = {
      ...item,
      level: 2,
      status: "acknowledged",
      acks: { u: { status: "responding", note: "on it", at: 11 } },
    };
    const view = alertFromInbox("a1", item, record);
    expect(view.level).to.equal(2);
    expect(view.status).to.equal("acknowledged");
    expect(Object.keys(view.acks)).to.deep.equal(["u"]);
  });
});

describe("escalationLabel", () => {
  it("returns nothing at the first level and the level above it", () => {
    expect(escalationLabel(0)).to.equal(undefined);
    expect(escalationLabel(undefined)).to.equal(undefined);
    expect(escalationLabel(2)).to.equal("Escalated · level 2");
  });
});
