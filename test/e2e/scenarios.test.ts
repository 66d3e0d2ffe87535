/**
 * The demo's scripts say where the speech turn's assessment (triage and what the conversation adds)
 * takes each call; this holds them to it, so `npm start` keeps showing calm, urgent and critical
 * calls as the triage table evolves. No emulator needed.
 */
import { expect } from "chai";
import { assessTurn } from "../../functions/src/domain/turn/index.js";
import type { ConversationTurn } from "../../functions/src/domain/responder/index.js";
import type { Urgency } from "@lifeline/model";
import { abnormalVitals, CALLS, normalVitals } from "../../scripts/demo/scenarios.js";
import { classifyReading } from "../../functions/src/domain/vitals.js";
import { DEMO_TENANTS } from "../../scripts/seed.js";

function levelAfter(turns: readonly string[]): Urgency {
  let level: Urgency = "normal";
  const history: ConversationTurn[] = [];
  for (const text of turns) {
    level = assessTurn(text, history, level).urgency;
    history.push({ role: "caller", text });
  }
  return level;
}

const THRESHOLDS = DEMO_TENANTS[0]?.settings.vitalThresholds;

describe("CALLS (demo scripts)", () => {
  for (const [name, script] of Object.entries(CALLS)) {
    it(`takes ${name} to ${script.expect} by its last scripted turn`, () => {
      expect(levelAfter(script.turns)).to.equal(script.expect);
    });
  }

  it("starts every escalating call below its final level, so the dashboard shows it change", () => {
    for (const script of Object.values(CALLS)) {
      if (script.expect === "normal") continue;
      expect(levelAfter(script.turns.slice(0, 1)), script.caller).to.not.equal(script.expect);
    }
  });

  it("keeps critical callers on the line with hold turns", () => {
    for (const script of Object.values(CALLS)) {
      if (script.expect !== "critical") continue;
      expect("hold" in script && script.hold.length, script.caller).to.be.above(0);
    }
  });
});

describe("normalVitals / abnormalVitals", () => {
  it("returns only normal readings in normal batches, and exactly one abnormal in the abnormal one", () => {
    for (let n = 1; n <= 20; n++) {
      for (const reading of normalVitals(n)) {
        expect(classifyReading(reading.kind, reading.value, THRESHOLDS), reading.kind).to.equal(
          "normal",
        );
      }
    }
    const statuses = abnormalVitals().map((reading) =>
      classifyReading(reading.kind, reading.value, THRESHOLDS),
    );
    expect(statuses.filter((status) => status !== "normal")).to.deep.equal(["abnormal"]);
  });
});
