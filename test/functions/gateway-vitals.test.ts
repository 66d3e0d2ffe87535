/**
 * Device readings through the Functions emulator: latest vitals on the subject, and one `vitals`
 * alert per subject that a worse batch upgrades instead of duplicating.
 */
import { expect } from "chai";
import { alertsPath, subjectPath } from "../../functions/src/lib/paths.js";
import { vitalsAlertId } from "../../functions/src/domain/vitals.js";
import { adminSdk, type Admin, type Reply } from "./support/emulators.js";
import { gatewayPost, seedGatewayTenant, type GatewayTenant } from "./support/gateway-client.js";

let admin: Admin;

before(() => {
  admin = adminSdk();
});

after(async () => {
  await admin.close();
});

interface ReadingsAnswer {
  subjectId: string;
  readings: { kind: string; value: number; status: string }[];
  alert: { id: string; severity: string; change: string } | null;
}

function answerOf(reply: Reply): ReadingsAnswer {
  expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
  return reply.body as ReadingsAnswer;
}

async function vitalsAlerts(tenantId: string, subjectId: string) {
  const alerts = ((await admin.database.ref(alertsPath(tenantId)).get()).val() ?? {}) as Record<
    string,
    { kind: string; subjectId?: string; severity: string; title: string; status: string }
  >;
  return Object.entries(alerts).filter(
    ([, alert]) => alert.kind === "vitals" && alert.subjectId === subjectId,
  );
}

describe("deviceReadings", function () {
  this.timeout(120_000);

  let tenant: GatewayTenant;

  beforeEach(async () => {
    tenant = await seedGatewayTenant(admin);
  });

  function post(readings: unknown[]) {
    return gatewayPost("deviceReadings", {
      tenantId: tenant.tenantId,
      subjectId: tenant.subjectId,
      deviceId: "watch-1",
      readings,
    });
  }

  it("writes a normal batch as the latest vitals and raises no alert", async () => {
    const at = Date.now() - 1000;
    const answer = answerOf(
      await post([
        { kind: "heart_rate", value: 72, at },
        { kind: "spo2", value: 97, unit: "%", at },
        { kind: "temperature", value: 36.8, at },
      ]),
    );
    expect(answer.alert).to.equal(null);
    expect(answer.readings.map((r) => r.status)).to.deep.equal(["normal", "normal", "normal"]);
    const vitals = (
      await admin.database.ref(`${subjectPath(tenant.tenantId, tenant.subjectId)}/vitals`).get()
    ).val() as Record<string, unknown>;
    expect(vitals).to.deep.equal({
      heart_rate: { value: 72, unit: "bpm", at, status: "normal" },
      spo2: { value: 97, unit: "%", at, status: "normal" },
      temperature: { value: 36.8, unit: "°C", at, status: "normal" },
    });
    expect(await vitalsAlerts(tenant.tenantId, tenant.subjectId)).to.have.length(0);
  });

  it("raises one alert for an abnormal batch, upgrades it for a worse one, never duplicates", async () => {
    const abnormal = answerOf(await post([{ kind: "heart_rate", value: 131 }]));
    expect(abnormal.alert).to.deep.equal({
      id: vitalsAlertId(tenant.subjectId),
      severity: "urgent",
      change: "raised",
    });
    let alerts = await vitalsAlerts(tenant.tenantId, tenant.subjectId);
    expect(alerts).to.have.length(1);
    expect(alerts[0]?.[1]).to.include({ severity: "urgent", status: "open" });
    expect(alerts[0]?.[1].title).to.match(/Heart rate 131 bpm/);

    const same = answerOf(await post([{ kind: "heart_rate", value: 128 }]));
    expect(same.alert).to.include({ severity: "urgent", change: "unchanged" });

    const worse = answerOf(
      await post([
        { kind: "spo2", value: 83 },
        { kind: "heart_rate", value: 90 },
      ]),
    );
    expect(worse.alert).to.deep.equal({
      id: vitalsAlertId(tenant.subjectId),
      severity: "critical",
      change: "upgraded",
    });
    alerts = await vitalsAlerts(tenant.tenantId, tenant.subjectId);
    expect(alerts, "upgraded in place, not duplicated").to.have.length(1);
    expect(alerts[0]?.[0]).to.equal(vitalsAlertId(tenant.subjectId));
    expect(alerts[0]?.[1]).to.include({ severity: "critical" });
    expect(alerts[0]?.[1].title).to.match(/SpO2 83 %/);

    const vitals = (
      await admin.database.ref(`${subjectPath(tenant.tenantId, tenant.subjectId)}/vitals`).get()
    ).val() as Record<string, { value: number; status: string }>;
    expect(vitals.heart_rate).to.include({ value: 90, status: "normal" });
    expect(vitals.spo2).to.include({ value: 83, status: "critical" });
  });

  it("keeps the newest value when an older reading arrives late", async () => {
    const now = Date.now();
    answerOf(await post([{ kind: "heart_rate", value: 80, at: now - 1_000 }]));
    answerOf(await post([{ kind: "heart_rate", value: 60, at: now - 60_000 }]));
    const latest = (
      await admin.database
        .ref(`${subjectPath(tenant.tenantId, tenant.subjectId)}/vitals/heart_rate`)
        .get()
    ).val() as { value: number };
    expect(latest.value).to.equal(80);
  });
});
