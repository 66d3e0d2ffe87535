import { expect } from "chai";
import { type Role, ROLES } from "@lifeline/model";
import { endCallAvailability, endedByText, guideAvailability } from "../src/logic/supervise.js";
import type { ActionContext } from "../src/logic/permissions.js";
import { aCall } from "./fixtures.js";

const online = (role: Role, uid = "me"): ActionContext => ({ role, uid, online: true });
const held = (uid: string) => ({ kind: "human" as const, uid, name: "Holder", since: 1 });

describe("endCallAvailability", () => {
  it("offers End call on an active call to admins and dispatchers only, while the AI answers", () => {
    const offered = ROLES.filter(
      (role) => endCallAvailability(aCall(), online(role)) !== undefined,
    );
    expect(offered).to.deep.equal(["admin", "dispatcher"]);
  });

  it("offers it to a doctor or nurse holding the call, and not to one whose colleague holds it", () => {
    const mine = aCall({ owner: held("me") });
    expect(endCallAvailability(mine, online("nurse"))).to.deep.equal({ allowed: true });
    expect(endCallAvailability(mine, online("doctor"))).to.deep.equal({ allowed: true });
    expect(endCallAvailability(mine, online("caregiver"))).to.equal(undefined);
    expect(endCallAvailability(aCall({ owner: held("other") }), online("nurse"))).to.equal(
      undefined,
    );
  });

  it("hides it once the call is over or already being ended, and disables it offline", () => {
    expect(endCallAvailability(aCall({ status: "ended", endedAt: 2 }), online("admin"))).to.equal(
      undefined,
    );
    const asked = aCall({ endRequest: { by: "u", name: "Dana", at: 2 } });
    expect(endCallAvailability(asked, online("admin"))).to.equal(undefined);
    expect(endCallAvailability(aCall(), { ...online("admin"), online: false })).to.deep.include({
      allowed: false,
    });
  });
});

describe("endedByText", () => {
  it("names the member who ended the call, before and after the call has ended", () => {
    expect(endedByText(aCall())).to.equal(undefined);
    const request = { by: "u", name: "Dana Dispatcher", at: 2 };
    expect(endedByText(aCall({ endRequest: request }))).to.contain("Dana Dispatcher is ending");
    expect(
      endedByText(
        aCall({
          endRequest: request,
          status: "ended",
          endedAt: 3,
          endReason: "ended by supervisor",
        }),
      ),
    ).to.equal("Ended by a supervisor (Dana Dispatcher).");
  });
});

describe("guideAvailability", () => {
  it("offers guidance to whoever may message the caller: wide roles, and doctors and nurses holding the call", () => {
    const offered = ROLES.filter((role) => guideAvailability(aCall(), online(role)) !== undefined);
    expect(offered).to.deep.equal(["admin", "dispatcher"]);
    const mine = aCall({ owner: held("me") });
    expect(guideAvailability(mine, online("nurse"))).to.deep.equal({ allowed: true });
    expect(guideAvailability(mine, online("caregiver"))).to.equal(undefined);
    expect(guideAvailability(aCall({ status: "ended", endedAt: 2 }), online("admin"))).to.equal(
      undefined,
    );
  });
});
