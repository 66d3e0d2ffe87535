import { expect } from "chai";
import { type Role, ROLES } from "@lifeline/model";
import {
  acknowledgeAvailability,
  callActionAvailability,
  overrideLevels,
  type ActionContext,
  type CallAction,
} from "../src/logic/permissions.js";
import { aCall, anAlert } from "./fixtures.js";

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
