import { expect } from "chai";
import { type Message, ROLES } from "@lifeline/model";
import { lapseNote, ownerLabel, takenFromNotice } from "../src/logic/calls.js";
import { callActionAvailability } from "../src/logic/permissions.js";
import { isHoldingLine, roleLabel } from "../src/logic/transcript.js";
import { aCall } from "./fixtures.js";

const heldByDana = aCall({
  owner: { kind: "human", uid: "dana", name: "Dana Dispatcher", since: 5000 },
});

describe("takeOverFrom availability", () => {
  it("lets exactly admins and dispatchers take a call a colleague holds", () => {
    const allowed = ROLES.filter(
      (role) =>
        callActionAvailability("takeOverFrom", heldByDana, { role, uid: "me", online: true })
          .allowed,
    );
    expect(allowed).to.deep.equal(["admin", "dispatcher"]);
    expect(
      callActionAvailability("takeOverFrom", heldByDana, {
        role: "nurse",
        uid: "me",
        online: true,
      }),
    ).to.deep.equal({ allowed: false, reason: "Nurses cannot take a call from a colleague." });
  });

  it("refuses it for the holder itself, an AI-held call, an ended call and offline", () => {
    const dispatcher = { role: "dispatcher", uid: "me", online: true } as const;
    expect(
      callActionAvailability("takeOverFrom", heldByDana, { ...dispatcher, uid: "dana" }).allowed,
    ).to.equal(false);
    expect(callActionAvailability("takeOverFrom", aCall(), dispatcher).allowed).to.equal(false);
    expect(
      callActionAvailability("takeOverFrom", { ...heldByDana, status: "ended" }, dispatcher)
        .allowed,
    ).to.equal(false);
    expect(
      callActionAvailability("takeOverFrom", heldByDana, { ...dispatcher, online: false }),
    ).to.deep.equal({ allowed: false, reason: "Offline: reconnecting to the database." });
  });
});

describe("takenFromNotice", () => {
  const taken = {
    kind: "human",
    uid: "alex",
    name: "Alex Admin",
    since: 6000,
    takenFrom: "dana",
    reason: "Dana is not answering",
  } as const;

  it("tells the colleague whose hold was taken who took it and why", () => {
    expect(takenFromNotice(taken, "dana")).to.equal(
      "Alex Admin took over this call from you: Dana is not answering",
    );
  });

  it("says nothing to anyone else, nor once the colleague holds it again", () => {
    expect(takenFromNotice(taken, "alex")).to.equal(undefined);
    expect(takenFromNotice(taken, "someone")).to.equal(undefined);
    expect(takenFromNotice({ ...taken, uid: "dana" }, "dana")).to.equal(undefined);
    expect(takenFromNotice({ kind: "ai", since: 1 }, "dana")).to.equal(undefined);
  });
});

describe("lapseNote", () => {
  it("says whose hold lapsed and why, while the assistant answers again", () => {
    const owner = {
      kind: "ai",
      since: 7000,
      lapsed: { uid: "dana", name: "Dana Dispatcher", reason: "offline" },
    } as const;
    expect(lapseNote(owner)).to.equal(
      "Hold lapsed: Dana Dispatcher went offline. The AI assistant is answering again.",
    );
    expect(ownerLabel(owner, "me")).to.equal("AI assistant (hold lapsed)");
    expect(lapseNote({ ...owner, lapsed: { ...owner.lapsed, reason: "removed" } })).to.contain(
      "was removed",
    );
  });

  it("says nothing for a plain AI or human owner", () => {
    expect(lapseNote({ kind: "ai", since: 1 })).to.equal(undefined);
    expect(lapseNote(heldByDana.owner)).to.equal(undefined);
  });
});

describe("isHoldingLine", () => {
  it("marks the assistant's holding line as what the caller heard, and nothing else", () => {
    const holding: Message = {
      seq: 3,
      role: "assistant",
      text: "Someone is with you",
      at: 1,
      sources: ["holding"],
    };
    expect(isHoldingLine(holding)).to.equal(true);
    expect(roleLabel(holding, new Map())).to.equal("Holding line · heard by the caller");
    expect(isHoldingLine({ ...holding, sources: ["playbook"] })).to.equal(false);
    expect(isHoldingLine({ ...holding, role: "system" })).to.equal(false);
    expect(roleLabel({ ...holding, role: "system" }, new Map())).to.equal(
      "Staff only · System note",
    );
  });
});
