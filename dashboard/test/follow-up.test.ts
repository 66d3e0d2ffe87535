import { expect } from "chai";
import {
  compareAlerts,
  followUpAbout,
  followUpHeadline,
  isFollowUp,
  isOpenFollowUp,
  kindLabel,
  sortAlerts,
} from "../src/logic/alerts.js";
import { outcomeAvailability } from "../src/logic/permissions.js";
import { anAlert } from "./fixtures.js";

const followUp = (id: string, overrides = {}) =>
  anAlert(id, {
    title: "Ended unattended: call back +15555550101",
    followUp: { since: 5000, phone: "+15555550101" },
    ...overrides,
  });
const online = { role: "dispatcher", uid: "me", online: true } as const;

describe("follow-ups", () => {
  it("stay open follow-ups until the alert is resolved, outcome or not", () => {
    expect(isOpenFollowUp(followUp("a"))).to.equal(true);
    const closing = followUp("a", {
      outcome: { outcome: "reached", note: "", by: "u1", at: 6000 },
    });
    expect(isOpenFollowUp(closing)).to.equal(true);
    expect(isOpenFollowUp(followUp("a", { status: "resolved" }))).to.equal(false);
    expect(isOpenFollowUp(anAlert("plain"))).to.equal(false);
  });

  it("recognises an inbox copy by its title alone", () => {
    expect(
      isFollowUp(anAlert("x", { title: "Ended unattended: call back +15555550102" })),
    ).to.equal(true);
    expect(kindLabel(anAlert("x", { title: "Ended unattended: call back +1" }))).to.equal(
      "Follow-up",
    );
    expect(kindLabel(anAlert("x", { kind: "hold_lapsed" }))).to.equal("Hold lapsed");
  });

  it("names the number to call back, the alert's before the call's", () => {
    expect(followUpHeadline(followUp("a"), "+15555550199")).to.equal(
      "Ended unattended: call back +15555550101",
    );
    expect(followUpHeadline(anAlert("b"), "+15555550199")).to.equal(
      "Ended unattended: call back +15555550199",
    );
    expect(followUpHeadline(anAlert("b"), undefined)).to.equal(
      "Ended unattended: call back the caller",
    );
  });

  it("keeps what the call was about from the follow-up title", () => {
    const titled = followUp("a", {
      title: 'Ended unattended: call back +15555550101 · Critical call: "fire"',
    });
    expect(followUpAbout(titled)).to.equal('Critical call: "fire"');
    expect(followUpAbout(followUp("b"))).to.equal(undefined);
    expect(followUpAbout(anAlert("c", { title: 'x · Critical call: "fire"' }))).to.equal(undefined);
  });

  it("sorts open follow-ups above every other alert, even newer critical ones", () => {
    const older = followUp("f", { at: 1, severity: "urgent" });
    const newer = anAlert("c", { at: 9999, severity: "critical" });
    expect(sortAlerts([newer, older]).map((alert) => alert.id)).to.deep.equal(["f", "c"]);
    expect(compareAlerts(followUp("r", { status: "resolved" }), newer)).to.be.above(0);
  });

  it("may be closed once, by a member who may acknowledge, while online", () => {
    expect(outcomeAvailability(followUp("a"), online)).to.deep.equal({ allowed: true });
    expect(
      outcomeAvailability(
        followUp("a", { outcome: { outcome: "unreachable", note: "", by: "u", at: 1 } }),
        online,
      ).allowed,
    ).to.equal(false);
    expect(outcomeAvailability(followUp("a", { status: "resolved" }), online).allowed).to.equal(
      false,
    );
    expect(outcomeAvailability(followUp("a"), { ...online, role: "subject" })).to.deep.equal({
      allowed: false,
      reason: "Subjects cannot close follow-ups.",
    });
    expect(outcomeAvailability(followUp("a"), { ...online, online: false }).allowed).to.equal(
      false,
    );
  });
});
