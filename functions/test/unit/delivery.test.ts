import { expect } from "chai";
import type { Message } from "@lifeline/model";
import { deliveryStatusOf, reportedDelivery } from "../../src/domain/delivery.js";
import { sendFailure } from "../../src/store/twilio-texts.js";

const SID = `SM${"a".repeat(32)}`;
const OTHER_SID = `SM${"b".repeat(32)}`;

function texted(delivery: Message["delivery"]): Message {
  return { seq: 3, role: "agent", text: "We are here.", at: 1_000, by: "u1", delivery };
}

describe("text delivery", () => {
  it("folds Twilio's message statuses into queued, sent, delivered and failed", () => {
    const folded = Object.fromEntries(
      ["accepted", "scheduled", "queued", "sending", "sent", "delivered", "read"]
        .concat(["undelivered", "failed", "canceled", "receiving", "partially_delivered"])
        .map((status) => [status, deliveryStatusOf(status) ?? null]),
    );
    expect(folded).to.deep.equal({
      accepted: "queued",
      scheduled: "queued",
      queued: "queued",
      sending: "queued",
      sent: "sent",
      delivered: "delivered",
      read: "delivered",
      undelivered: "failed",
      failed: "failed",
      canceled: "failed",
      receiving: null,
      partially_delivered: null,
    });
  });

  it("moves a delivery forward and takes the sid from the first report", () => {
    const queued = texted({ status: "queued", at: 1_000 });
    const sent = reportedDelivery(queued, { sid: SID, status: "sent", at: 2_000 });
    expect(sent?.delivery).to.deep.equal({ status: "sent", at: 2_000, sid: SID });
    expect(sent).to.deep.include({ seq: 3, text: "We are here.", by: "u1" });
    const delivered = reportedDelivery(sent, { sid: SID, status: "delivered", at: 3_000 });
    expect(delivered?.delivery).to.deep.equal({ status: "delivered", at: 3_000, sid: SID });
    const failed = reportedDelivery(sent, {
      sid: SID,
      status: "failed",
      at: 3_000,
      error: "Twilio error 30003",
    });
    expect(failed?.delivery).to.include({ status: "failed", error: "Twilio error 30003" });
  });

  it("stores the sid of a queued report the sender had not stored yet", () => {
    const queued = texted({ status: "queued", at: 1_000 });
    expect(
      reportedDelivery(queued, { sid: SID, status: "queued", at: 1_500 })?.delivery,
    ).to.deep.equal({ status: "queued", at: 1_500, sid: SID });
  });

  it("ignores a step back, the same step again, another text's report and a message it never sent", () => {
    const delivered = texted({ status: "delivered", at: 3_000, sid: SID });
    expect(reportedDelivery(delivered, { sid: SID, status: "sent", at: 4_000 })).to.equal(null);
    expect(reportedDelivery(delivered, { sid: SID, status: "failed", at: 4_000 })).to.equal(null);
    const sent = texted({ status: "sent", at: 2_000, sid: SID });
    expect(reportedDelivery(sent, { sid: SID, status: "sent", at: 4_000 })).to.equal(null);
    expect(reportedDelivery(sent, { sid: OTHER_SID, status: "delivered", at: 4_000 })).to.equal(
      null,
    );
    const spoken = texted(undefined);
    expect(reportedDelivery(spoken, { sid: SID, status: "delivered", at: 4_000 })).to.equal(null);
    expect(reportedDelivery(null, { sid: SID, status: "delivered", at: 4_000 })).to.equal(null);
  });

  it("words a refused send with Twilio's code, within 200 characters", () => {
    const refused = Object.assign(new Error("The 'To' number is not a valid phone number."), {
      code: 21211,
      status: 400,
    });
    expect(sendFailure(refused)).to.equal(
      "Twilio error 21211: The 'To' number is not a valid phone number.",
    );
    expect(sendFailure(new Error("socket hang up"))).to.equal("socket hang up");
    expect(sendFailure(new Error("x".repeat(500)))).to.have.length(200);
  });
});
