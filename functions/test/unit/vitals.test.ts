import { expect } from "chai";
import { alertSchema, subjectDevicePath, vitalPath } from "@lifeline/model";
import {
  classifyReading,
  nextVitalsAlert,
  normalizeReadings,
  planReadings,
  UnitMismatchError,
  type ClassifiedReading,
  type Thresholds,
} from "../../src/domain/vitals.js";

const NOW = Date.UTC(2025, 5, 1, 12);
const THRESHOLDS: Thresholds = { heart_rate: { min: 45, max: 120 }, spo2: { min: 92, max: 100 } };

function worstOf(kind: ClassifiedReading["kind"], value: number): ClassifiedReading {
  const status = classifyReading(kind, value, THRESHOLDS);
  return { kind, value, unit: "bpm", at: NOW, status };
}

describe("classifyReading", () => {
  it("is normal inside the tenant's thresholds, abnormal outside, critical beyond the fixed limits", () => {
    expect(classifyReading("heart_rate", 80, THRESHOLDS)).to.equal("normal");
    expect(classifyReading("heart_rate", 121, THRESHOLDS)).to.equal("abnormal");
    expect(classifyReading("heart_rate", 44, THRESHOLDS)).to.equal("abnormal");
    expect(classifyReading("heart_rate", 170, THRESHOLDS)).to.equal("critical");
    expect(classifyReading("spo2", 84, THRESHOLDS)).to.equal("critical");
  });

  it("uses default ranges for kinds the tenant did not set", () => {
    expect(classifyReading("temperature", 37, THRESHOLDS)).to.equal("normal");
    expect(classifyReading("temperature", 39, THRESHOLDS)).to.equal("abnormal");
    expect(classifyReading("temperature", 41, undefined)).to.equal("critical");
  });

  it("keeps critical limits even when a tenant widens its thresholds past them", () => {
    expect(classifyReading("spo2", 80, { spo2: { min: 70, max: 100 } })).to.equal("critical");
  });
});

describe("normalizeReadings", () => {
  it("fills in the kind's unit and the arrival time", () => {
    expect(normalizeReadings([{ kind: "spo2", value: 97 }], NOW)).to.deep.equal([
      { kind: "spo2", value: 97, unit: "%", at: NOW },
    ]);
  });

  it("refuses another unit rather than guess a conversion", () => {
    expect(() => normalizeReadings([{ kind: "temperature", value: 99, unit: "°F" }], NOW)).to.throw(
      UnitMismatchError,
    );
  });
});

describe("planReadings", () => {
  it("writes the latest reading per kind and finds the worst of the batch", () => {
    const plan = planReadings({
      tenantId: "t",
      subjectId: "s",
      deviceId: "watch-1",
      receivedAt: NOW,
      readings: [
        { kind: "heart_rate", value: 130, unit: "bpm", at: NOW - 2_000 },
        { kind: "heart_rate", value: 90, unit: "bpm", at: NOW - 1_000 },
        { kind: "spo2", value: 97, unit: "%", at: NOW - 1_000 },
      ],
      thresholds: THRESHOLDS,
      currentVitals: null,
    });
    expect(plan.update).to.deep.equal({
      [subjectDevicePath("t", "s", "watch-1")]: { lastSeen: NOW },
      [vitalPath("t", "s", "heart_rate")]: {
        value: 90,
        unit: "bpm",
        at: NOW - 1_000,
        status: "normal",
        deviceId: "watch-1",
      },
      [vitalPath("t", "s", "spo2")]: {
        value: 97,
        unit: "%",
        at: NOW - 1_000,
        status: "normal",
        deviceId: "watch-1",
      },
    });
    expect(plan.worst).to.include({ kind: "heart_rate", value: 130, status: "abnormal" });
  });

  it("leaves a newer stored value alone but still records that the device was seen", () => {
    const plan = planReadings({
      tenantId: "t",
      subjectId: "s",
      deviceId: "watch-1",
      receivedAt: NOW,
      readings: [{ kind: "heart_rate", value: 60, unit: "bpm", at: NOW - 60_000 }],
      thresholds: THRESHOLDS,
      currentVitals: { heart_rate: { value: 80, unit: "bpm", at: NOW, status: "normal" } },
    });
    expect(plan.update).to.deep.equal({
      [subjectDevicePath("t", "s", "watch-1")]: { lastSeen: NOW },
    });
    expect(plan.worst).to.equal(undefined);
  });
});

describe("nextVitalsAlert", () => {
  it("opens an alert when there is none", () => {
    const alert = nextVitalsAlert(null, "s", worstOf("heart_rate", 130), NOW);
    expect(alertSchema.parse(alert)).to.include({
      kind: "vitals",
      severity: "urgent",
      subjectId: "s",
      status: "open",
      level: 0,
    });
  });

  it("upgrades in place when worse, leaves it when not", () => {
    const open = nextVitalsAlert(null, "s", worstOf("heart_rate", 130), NOW);
    expect(nextVitalsAlert(open, "s", worstOf("heart_rate", 125), NOW + 1)).to.equal(undefined);
    const upgraded = nextVitalsAlert(open, "s", worstOf("heart_rate", 170), NOW + 2);
    expect(upgraded).to.include({ severity: "critical", status: "open", level: 0 });
    expect(nextVitalsAlert(upgraded, "s", worstOf("heart_rate", 130), NOW + 3)).to.equal(undefined);
  });

  it("reopens an acknowledged alert that got worse, keeping its acknowledgements", () => {
    const acked = {
      ...nextVitalsAlert(null, "s", worstOf("heart_rate", 130), NOW),
      status: "acknowledged",
      acks: { u1: { status: "responding", note: "", at: NOW } },
    };
    const next = nextVitalsAlert(acked, "s", worstOf("heart_rate", 170), NOW + 1);
    expect(next).to.include({ status: "open", severity: "critical" });
    expect(next?.acks).to.have.property("u1");
  });

  it("starts a new episode after the alert was resolved", () => {
    const resolved = {
      ...nextVitalsAlert(null, "s", worstOf("heart_rate", 170), NOW),
      status: "resolved",
      acks: { u1: { status: "resolved", note: "", at: NOW } },
    };
    const next = nextVitalsAlert(resolved, "s", worstOf("heart_rate", 130), NOW + 1);
    expect(next).to.include({ status: "open", severity: "urgent", at: NOW + 1 });
    expect(next).to.not.have.property("acks");
  });
});
