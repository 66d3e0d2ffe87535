import { expect } from "chai";
import {
  DEFAULT_ESCALATION_POLICY,
  escalationTaskId,
  levelAudience,
  nextLevel,
  planEscalation,
  stepApplies,
} from "../../src/domain/escalation.js";
import { handBackMessageId, handBackNote } from "../../src/domain/handback.js";
import { tenantSettingsSchema } from "@lifeline/model";
import { DEFAULT_LIVE_SETTINGS, toLiveSettings } from "../../src/store/settings.js";

const timing = { delayMs: 30_000, maxLevel: 2 };

describe("levelAudience", () => {
  it("returns level 0 for negative levels and the last level beyond the table", () => {
    expect(levelAudience(-1)).to.equal(DEFAULT_ESCALATION_POLICY.levels[0]);
    expect(levelAudience(99)).to.equal(DEFAULT_ESCALATION_POLICY.levels.at(-1));
  });

  it("widens with each level: every role of a level is in the next", () => {
    const [zero, one] = DEFAULT_ESCALATION_POLICY.levels;
    for (const role of zero?.tenantWide ?? []) expect(one?.tenantWide).to.include(role);
    expect(one?.tenantWide.length).to.be.greaterThan(zero?.tenantWide.length ?? 0);
  });

  it("rejects an empty policy", () => {
    expect(() => levelAudience(0, { levels: [] })).to.throw(/at least one level/);
  });
});

describe("nextLevel", () => {
  it("returns the level above until the maximum, then null", () => {
    expect(nextLevel(0, timing)).to.equal(1);
    expect(nextLevel(1, timing)).to.equal(2);
    expect(nextLevel(2, timing)).to.equal(null);
    expect(nextLevel(0, { ...timing, maxLevel: 0 })).to.equal(null);
  });
});

describe("planEscalation", () => {
  it("plans the next level due after the tenant's delay", () => {
    expect(planEscalation("t", "a", { at: 5, level: 0 }, timing, 1000)).to.deep.equal({
      tenantId: "t",
      alertId: "a",
      openedAt: 5,
      toLevel: 1,
      dueAt: 31_000,
    });
  });

  it("returns null at the maximum level", () => {
    expect(planEscalation("t", "a", { at: 5, level: 2 }, timing, 1000)).to.equal(null);
  });
});

describe("escalationTaskId", () => {
  const step = { tenantId: "t/x", alertId: "a.b", openedAt: 5, toLevel: 1 };

  it("returns the same valid Cloud Tasks id for the same step", () => {
    expect(escalationTaskId(step)).to.equal(escalationTaskId({ ...step }));
    expect(escalationTaskId(step)).to.match(/^[A-Za-z0-9_-]{1,500}$/);
  });

  it("returns a different id for another level, another opening or another tenant", () => {
    const id = escalationTaskId(step);
    expect(escalationTaskId({ ...step, toLevel: 2 })).to.not.equal(id);
    expect(escalationTaskId({ ...step, openedAt: 6 })).to.not.equal(id);
    expect(escalationTaskId({ ...step, tenantId: "t" })).to.not.equal(id);
  });
});

describe("stepApplies", () => {
  const alert = { status: "open", severity: "critical", at: 5, level: 0 };
  const step = { openedAt: 5, toLevel: 1 };

  it("returns true for an open critical alert one level below the step", () => {
    expect(stepApplies(step, alert)).to.equal(true);
  });

  it("returns false once acknowledged, resolved, lowered, reopened or already raised", () => {
    expect(stepApplies(step, { ...alert, status: "acknowledged" })).to.equal(false);
    expect(stepApplies(step, { ...alert, status: "resolved" })).to.equal(false);
    expect(stepApplies(step, { ...alert, severity: "urgent" })).to.equal(false);
    expect(stepApplies(step, { ...alert, at: 6 })).to.equal(false);
    expect(stepApplies(step, { ...alert, level: 1 })).to.equal(false);
  });
});

describe("toLiveSettings", () => {
  const base = { escalationMinutes: 2, maxEscalationLevel: 3 };

  it("prefers escalationSeconds over escalationMinutes", () => {
    expect(toLiveSettings({ ...base, escalationSeconds: 1.5 }).escalationDelayMs).to.equal(1500);
    expect(toLiveSettings(base).escalationDelayMs).to.equal(120_000);
  });

  it("fills retention and stale time with the defaults", () => {
    const settings = toLiveSettings(base);
    expect(settings.retentionMs).to.equal(DEFAULT_LIVE_SETTINGS.retentionMs);
    expect(settings.staleCallMs).to.equal(DEFAULT_LIVE_SETTINGS.staleCallMs);
    expect(settings.maxEscalationLevel).to.equal(3);
  });

  it("rejects unknown keys and a non-http webhook", () => {
    expect(tenantSettingsSchema.safeParse({ ...base, surprise: 1 }).success).to.equal(false);
    expect(
      tenantSettingsSchema.safeParse({ ...base, unwatchedWebhookUrl: "ftp://x" }).success,
    ).to.equal(false);
    expect(
      tenantSettingsSchema.safeParse({ ...base, unwatchedWebhookUrl: "http://127.0.0.1:9/h" })
        .success,
    ).to.equal(true);
  });
});

describe("handBackNote", () => {
  it("names what the human said and decided", () => {
    const note = handBackNote({
      ownerName: "Dana",
      said: ["Help is on the way", "Stay where you are"],
      acks: [{ status: "responding", note: "ambulance sent" }],
      override: { level: "urgent", reason: "fire is out" },
      urgency: "urgent",
    });
    expect(note).to.contain("Dana handed the call back");
    expect(note).to.contain('"Help is on the way"; "Stay where you are"');
    expect(note).to.contain('alert responding ("ambulance sent")');
    expect(note).to.contain('urgency set to urgent ("fire is out")');
  });

  it("says so when the human did not message the caller", () => {
    expect(handBackNote({ ownerName: "D", said: [], acks: [], urgency: "normal" })).to.contain(
      "did not message the caller",
    );
  });

  it("returns one message id per hand-back time", () => {
    expect(handBackMessageId(5)).to.equal(handBackMessageId(5));
    expect(handBackMessageId(5)).to.not.equal(handBackMessageId(6));
  });
});
