import { expect } from "chai";
import {
  type ArchivedCallResponse,
  exportText,
  historyQuery,
  NO_FILTERS,
} from "../src/logic/history.js";

describe("historyQuery", () => {
  it("sends nothing for an empty search", () => {
    expect(historyQuery(NO_FILTERS)).to.deep.equal({});
  });

  it("sends whole local days, the phone without spacing, and the chosen values", () => {
    const query = historyQuery({
      from: "2026-03-01",
      to: "2026-03-02",
      urgency: "critical",
      subject: "subject-ada",
      phone: "+1 (555) 010-01",
      outcome: "taken_over",
    });
    expect(query).to.deep.equal({
      from: String(new Date(2026, 2, 1).getTime()),
      to: String(new Date(2026, 2, 3).getTime() - 1),
      urgency: "critical",
      subject: "subject-ada",
      phone: "+155501001",
      outcome: "taken_over",
    });
  });

  it("leaves out a date that is not a whole yyyy-mm-dd", () => {
    expect(historyQuery({ ...NO_FILTERS, from: "2026-3-1" })).to.deep.equal({});
  });
});

describe("exportText", () => {
  const archived: ArchivedCallResponse = {
    id: "call-1",
    call: {
      phone: "+15550100",
      medium: "voice",
      status: "ended",
      urgency: "urgent",
      owner: { kind: "ai", since: 1000 },
      startedAt: 1000,
      lastMessageAt: 3000,
      endedAt: 4000,
      messageCount: 3,
      lastSnippet: "",
    },
    messages: [
      { seq: 2, role: "assistant", text: "Press on the wound.", at: 2000 },
      { seq: 1, role: "caller", text: "My arm is bleeding.", at: 1500 },
      { seq: 3, role: "agent", text: "Help is coming.", at: 2500, by: "u-dana" },
    ],
    archivedAt: 4000,
    outcome: "taken_over",
    handledBy: ["Dana"],
    audit: [
      { id: "a1", action: "take_over", actorUid: "u-dana", at: 2200, callId: "call-1" },
      {
        id: "a2",
        action: "override_urgency",
        actorUid: "u-x",
        at: 2300,
        details: { reason: "calm now", level: "normal" },
      },
    ],
  };
  const text = exportText(archived, {
    title: "Unknown caller +15550100",
    names: new Map([["u-dana", "Dana"]]),
    dateTime: (at) => `D${at}`,
    clock: (at) => `T${at}`,
  });

  it("holds the summary, the transcript in order and every audited action", () => {
    expect(text).to.include("Outcome: Taken over").and.include("Handled by: Dana");
    const transcript = text.slice(text.indexOf("Transcript"), text.indexOf("Audit trail"));
    expect(transcript.split("\n").filter((line) => line.startsWith("["))).to.deep.equal([
      "[T1500] Caller: My arm is bleeding.",
      "[T2000] AI assistant: Press on the wound.",
      "[T2500] Supervisor Dana: Help is coming.",
    ]);
    const audit = text.slice(text.indexOf("Audit trail"));
    expect(audit).to.include("[D2200 T2200] Dana took over the call");
    expect(audit).to.include("u-x overrode the urgency (reason: calm now · level: normal)");
  });
});
