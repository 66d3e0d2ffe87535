import { expect } from "chai";
import { type Role, ROLES } from "@lifeline/model";
import {
  acknowledgeAvailability,
  callActionAvailability,
  nextActions,
  roleControls,
  roleSummary,
  overrideLevels,
  type ActionContext,
  type CallAction,
} from "../src/logic/permissions.js";
import { aCall, anAlert, entry } from "./fixtures.js";

const online = (role: Role, uid = "me"): ActionContext => ({ role, uid, online: true });
const ACTIONS: CallAction[] = ["takeOver", "handBack", "message", "setLead", "overrideUrgency"];

function allowedActions(role: Role, call = aCall()): CallAction[] {
  return ACTIONS.filter((action) => callActionAvailability(action, call, online(role)).allowed);
}

describe("callActionAvailability", () => {
  it("allows on an AI-owned live call exactly what each role's capabilities grant", () => {
    const table = Object.fromEntries(ROLES.map((role) => [role, allowedActions(role)]));
    expect(table).to.deep.equal({
      admin: ["takeOver", "message", "setLead", "overrideUrgency"],
      dispatcher: ["takeOver", "message", "setLead", "overrideUrgency"],
      doctor: ["takeOver"],
      nurse: ["takeOver"],
      caregiver: [],
      subject: [],
    });
  });

  it("gives the role as the reason when the role may not act", () => {
    const availability = callActionAvailability("takeOver", aCall(), online("caregiver"));
    expect(availability).to.deep.equal({
      allowed: false,
      reason: "Caregivers cannot take over calls.",
    });
    expect(callActionAvailability("overrideUrgency", aCall(), online("nurse"))).to.deep.equal({
      allowed: false,
      reason: "Nurses cannot override urgency.",
    });
  });

  it("lets only the human owner hand back, and names the owner to everyone else", () => {
    const call = aCall({ owner: { kind: "human", uid: "dee", name: "Dee", since: 5 } });
    expect(callActionAvailability("handBack", call, online("dispatcher", "dee")).allowed).to.equal(
      true,
    );
    expect(callActionAvailability("handBack", call, online("dispatcher", "ann"))).to.deep.equal({
      allowed: false,
      reason: "Only Dee, who handles the call, can hand it back.",
    });
    expect(callActionAvailability("takeOver", call, online("admin", "ann"))).to.deep.equal({
      allowed: false,
      reason: "Dee is handling this call.",
    });
  });

  it("lets a nurse message the caller only while owning the call", () => {
    const aiCall = aCall();
    expect(callActionAvailability("message", aiCall, online("nurse"))).to.deep.equal({
      allowed: false,
      reason: "Take over the call to message the caller.",
    });
    const owned = aCall({ owner: { kind: "human", uid: "me", name: "Nia", since: 5 } });
    expect(callActionAvailability("message", owned, online("nurse")).allowed).to.equal(true);
  });

  it("refuses live-call actions on ended and missed calls but still allows lead status", () => {
    const ended = aCall({ status: "ended" });
    expect(callActionAvailability("takeOver", ended, online("admin"))).to.deep.equal({
      allowed: false,
      reason: "The call has ended.",
    });
    expect(
      callActionAvailability("message", aCall({ status: "missed" }), online("admin")),
    ).to.deep.equal({
      allowed: false,
      reason: "This was a missed call.",
    });
    expect(callActionAvailability("setLead", ended, online("dispatcher")).allowed).to.equal(true);
  });

  it("refuses every action while offline, after the role checks", () => {
    const offline: ActionContext = { role: "dispatcher", uid: "me", online: false };
    expect(callActionAvailability("takeOver", aCall(), offline)).to.deep.equal({
      allowed: false,
      reason: "Offline: reconnecting to the database.",
    });
    expect(
      callActionAvailability("takeOver", aCall(), { role: "caregiver", uid: "me", online: false }),
    ).to.deep.equal({ allowed: false, reason: "Caregivers cannot take over calls." });
  });
});

describe("acknowledgeAvailability", () => {
  it("allows every role but subjects on open and acknowledged alerts", () => {
    for (const role of ["admin", "dispatcher", "doctor", "nurse", "caregiver"] as const) {
      expect(acknowledgeAvailability(anAlert("a"), online(role)).allowed, role).to.equal(true);
      expect(
        acknowledgeAvailability(anAlert("a", { status: "acknowledged" }), online(role)).allowed,
      ).to.equal(true);
    }
    expect(acknowledgeAvailability(anAlert("a"), online("subject"))).to.deep.equal({
      allowed: false,
      reason: "Subjects cannot acknowledge alerts.",
    });
  });

  it("refuses resolved alerts and offline pages", () => {
    expect(
      acknowledgeAvailability(anAlert("a", { status: "resolved" }), online("admin")),
    ).to.deep.equal({ allowed: false, reason: "This alert is resolved." });
    expect(
      acknowledgeAvailability(anAlert("a"), { role: "admin", uid: "me", online: false }).allowed,
    ).to.equal(false);
  });
});

describe("overrideLevels", () => {
  it("returns every level but the current one", () => {
    expect(overrideLevels(aCall({ urgency: "urgent" }))).to.deep.equal(["normal", "critical"]);
  });
});

describe("nextActions", () => {
  const kinds = (...args: Parameters<typeof nextActions>) =>
    nextActions(...args).map((action) => action.kind);

  it("offers Acknowledge for an open unacknowledged alert and Take over while the AI holds the call", () => {
    const alert = anAlert("a1", { callId: "c1" });
    const actions = nextActions(
      entry("c1", { urgency: "critical" }),
      [alert],
      online("dispatcher"),
    );
    expect(actions.map((action) => action.kind)).to.deep.equal(["acknowledge", "takeOver"]);
    expect(actions[0]).to.include({ alertId: "a1" });
    expect(actions.every((action) => action.availability.allowed)).to.equal(true);
  });

  it("drops Acknowledge once acknowledged and Take over once a person holds the call", () => {
    const acked = anAlert("a1", { callId: "c1", status: "acknowledged" });
    const held = entry("c1", { owner: { kind: "human", uid: "u", name: "D", since: 1 } });
    expect(kinds(held, [acked], online("dispatcher"))).to.deep.equal([]);
    expect(kinds(entry("c1"), [acked], online("dispatcher"))).to.deep.equal(["takeOver"]);
    const other = anAlert("a2", { callId: "c2" });
    expect(kinds(held, [other], online("dispatcher"))).to.deep.equal([]);
  });

  it("offers only what the role has at all: a caregiver acknowledges, never takes over", () => {
    const alert = anAlert("a1", { callId: "c1" });
    expect(kinds(entry("c1"), [alert], online("caregiver"))).to.deep.equal(["acknowledge"]);
    expect(kinds(entry("c1"), [alert], online("subject"))).to.deep.equal([]);
  });

  it("keeps an action the role has but cannot take offline, with the reason", () => {
    const offline = { ...online("dispatcher"), online: false };
    const [action] = nextActions(entry("c1"), [], offline);
    expect(action?.kind).to.equal("takeOver");
    expect(action?.availability).to.deep.equal({
      allowed: false,
      reason: "Offline: reconnecting to the database.",
    });
  });

  it("offers Call back for a call that ended unattended, and for a missed call", () => {
    const followUp = anAlert("f1", {
      callId: "c1",
      followUp: { since: 5, phone: "+15555550199" },
    });
    const [ended] = nextActions(entry("c1", { status: "ended" }), [followUp], online("nurse"));
    expect(ended).to.deep.include({ kind: "callBack", alertId: "f1", phone: "+15555550199" });
    const [missed] = nextActions(entry("c2", { status: "missed" }), [], online("dispatcher"));
    expect(missed).to.deep.include({ kind: "callBack", phone: "+15555550101" });
    expect(nextActions(entry("c3", { status: "ended" }), [], online("dispatcher"))).to.deep.equal(
      [],
    );
  });
});

describe("roleControls / roleSummary", () => {
  it("shows dispatchers and admins every control and no summary", () => {
    for (const role of ["admin", "dispatcher"] as const) {
      expect(Object.values(roleControls(role)).every(Boolean), role).to.equal(true);
      expect(roleSummary(role), role).to.equal(undefined);
    }
  });

  it("hides from a caregiver every call control and says what a caregiver can do instead", () => {
    expect(roleControls("caregiver")).to.deep.equal({
      takeOverFrom: false,
      handBack: false,
      message: false,
      setLead: false,
      overrideUrgency: false,
    });
    expect(roleSummary("caregiver")).to.equal(
      "Caregivers can follow calls and acknowledge alerts in their inbox.",
    );
  });

  it("gives clinicians hand-back and messaging but not lead or urgency, with a summary", () => {
    for (const role of ["nurse", "doctor"] as const) {
      expect(roleControls(role), role).to.deep.equal({
        takeOverFrom: false,
        handBack: true,
        message: true,
        setLead: false,
        overrideUrgency: false,
      });
      expect(roleSummary(role), role).to.match(/acknowledge alerts, and take over a call/);
    }
  });

  it("shows a control exactly when some call state lets the role use it", () => {
    for (const role of ROLES) {
      const controls = roleControls(role);
      expect(controls.setLead, role).to.equal(
        callActionAvailability("setLead", aCall(), online(role)).allowed,
      );
      expect(controls.overrideUrgency, role).to.equal(
        callActionAvailability("overrideUrgency", aCall(), online(role)).allowed,
      );
      expect(controls.message, role).to.equal(
        callActionAvailability(
          "message",
          aCall({ owner: { kind: "human", uid: "me", name: "Me", since: 1 } }),
          online(role),
        ).allowed,
      );
    }
  });
});
