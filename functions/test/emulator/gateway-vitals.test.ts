/**
 * Device readings through the Functions emulator: attribution through the device registry (never
 * a tenant from the body), latest vitals on the subject with the device that measured them, and
 * one `vitals` alert per subject that a worse batch upgrades instead of duplicating.
 */
import { expect } from "chai";
import { alertsPath, subjectDevicePath, subjectPath, tenantPath } from "@lifeline/model";
import { vitalsAlertId } from "../../src/domain/vitals.js";
import { registerDevice } from "./support/devices.js";
import { adminSdk, errorStatus, freshId, type Admin, type Reply } from "./support/emulators.js";
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
  let deviceId: string;

  beforeEach(async () => {
    tenant = await seedGatewayTenant(admin);
    deviceId = await registerDevice(admin, tenant.tenantId, tenant.subjectId);
  });

  function post(readings: unknown[]) {
    return gatewayPost("deviceReadings", { deviceId, readings });
  }

  async function tree(tenantId: string): Promise<unknown> {
    return (await admin.database.ref(tenantPath(tenantId)).get()).val() as unknown;
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
      heart_rate: { value: 72, unit: "bpm", at, status: "normal", deviceId },
      spo2: { value: 97, unit: "%", at, status: "normal", deviceId },
      temperature: { value: 36.8, unit: "°C", at, status: "normal", deviceId },
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

  it("keeps the device on each vital and records when the device was last seen", async () => {
    const before = Date.now();
    answerOf(await post([{ kind: "spo2", value: 96, at: before - 5_000 }]));
    const subject = (
      await admin.database.ref(subjectPath(tenant.tenantId, tenant.subjectId)).get()
    ).val() as { vitals: Record<string, { deviceId?: string }>; devices: unknown };
    expect(subject.vitals.spo2?.deviceId).to.equal(deviceId);
    const seen = (
      await admin.database.ref(subjectDevicePath(tenant.tenantId, tenant.subjectId, deviceId)).get()
    ).val() as { lastSeen: number };
    expect(seen.lastSeen).to.be.within(before, Date.now());

    // A late, older batch changes no vital but still counts as the device being seen.
    const second = await registerDevice(admin, tenant.tenantId, tenant.subjectId, "Spare watch");
    const lateAt = Date.now();
    answerOf(
      await gatewayPost("deviceReadings", {
        deviceId: second,
        readings: [{ kind: "spo2", value: 95, at: before - 60_000 }],
      }),
    );
    const after = (
      await admin.database.ref(subjectPath(tenant.tenantId, tenant.subjectId)).get()
    ).val() as {
      vitals: Record<string, { value: number; deviceId?: string }>;
      devices: Record<string, { lastSeen: number }>;
    };
    expect(after.vitals.spo2).to.include({ value: 96, deviceId });
    expect(Object.keys(after.devices).sort()).to.deep.equal([deviceId, second].sort());
    expect(after.devices[second]?.lastSeen).to.be.at.least(lateAt);
  });

  it("attributes readings to the device's registered tenant and subject only", async () => {
    // A second tenant with a subject of the very same id: only the registry tells them apart.
    const other = await seedGatewayTenant(admin);
    await admin.database
      .ref(subjectPath(other.tenantId, tenant.subjectId))
      .set({ name: "Same id, other tenant" });
    const otherDevice = await registerDevice(admin, other.tenantId, tenant.subjectId);
    const otherBefore = await tree(other.tenantId);

    const answer = answerOf(await post([{ kind: "heart_rate", value: 140 }]));
    expect(answer.subjectId).to.equal(tenant.subjectId);
    expect(answer.alert).to.include({ id: vitalsAlertId(tenant.subjectId), change: "raised" });
    expect(await tree(other.tenantId), "the other tenant is untouched").to.deep.equal(otherBefore);
    expect(await vitalsAlerts(tenant.tenantId, tenant.subjectId)).to.have.length(1);

    // The same gateway token reaches the other tenant only through that tenant's own device.
    const mineBefore = await tree(tenant.tenantId);
    answerOf(
      await gatewayPost("deviceReadings", {
        deviceId: otherDevice,
        readings: [{ kind: "heart_rate", value: 71 }],
      }),
    );
    expect(await tree(tenant.tenantId)).to.deep.equal(mineBefore);
    const otherVitals = (
      await admin.database.ref(`${subjectPath(other.tenantId, tenant.subjectId)}/vitals`).get()
    ).val() as Record<string, { value: number; deviceId: string }>;
    expect(otherVitals.heart_rate).to.include({ value: 71, deviceId: otherDevice });
  });

  it("answers 404 for a device nobody registered and writes nothing", async () => {
    const before = await tree(tenant.tenantId);
    const reply = await gatewayPost("deviceReadings", {
      deviceId: freshId("unregistered"),
      readings: [{ kind: "spo2", value: 80 }],
    });
    expect(reply.status, JSON.stringify(reply.body)).to.equal(404);
    expect(errorStatus(reply)).to.equal("NOT_FOUND");
    expect(await tree(tenant.tenantId)).to.deep.equal(before);
  });

  it("answers 404 when the device's subject no longer exists, writing nothing", async () => {
    const orphan = await registerDevice(admin, tenant.tenantId, freshId("gone"));
    const before = await tree(tenant.tenantId);
    const reply = await gatewayPost("deviceReadings", {
      deviceId: orphan,
      readings: [{ kind: "spo2", value: 80 }],
    });
    expect(reply.status, JSON.stringify(reply.body)).to.equal(404);
    expect(errorStatus(reply)).to.equal("NOT_FOUND");
    expect(await tree(tenant.tenantId)).to.deep.equal(before);
  });

  it("refuses a body that names a tenant or a subject with 400, writing nothing", async () => {
    const other = await seedGatewayTenant(admin);
    const before = [await tree(tenant.tenantId), await tree(other.tenantId)];
    const readings = [{ kind: "spo2", value: 80 }];
    for (const extra of [
      { tenantId: other.tenantId },
      { subjectId: other.subjectId },
      { tenantId: other.tenantId, subjectId: other.subjectId },
    ]) {
      const reply = await gatewayPost("deviceReadings", { deviceId, readings, ...extra });
      const label = Object.keys(extra).join("+");
      expect(reply.status, `${label} ${JSON.stringify(reply.body)}`).to.equal(400);
      expect(errorStatus(reply), label).to.equal("INVALID_ARGUMENT");
    }
    // The old shape, with no device at all, is refused the same way.
    const legacy = await gatewayPost("deviceReadings", {
      tenantId: other.tenantId,
      subjectId: other.subjectId,
      readings,
    });
    expect(legacy.status).to.equal(400);
    expect([await tree(tenant.tenantId), await tree(other.tenantId)]).to.deep.equal(before);
  });
});
