/**
 * The admin CLI (`scripts/admin.ts`) against the running emulator suite: each command's effect on
 * the stores, its refusals (exit 1 when the stores refuse, exit 2 with the usage for bad input,
 * and nothing written either way), its `--json` shape, and the demo seed built with the same
 * operations. Commands run in-process through `runAdmin` on this suite's Admin SDK app; the last
 * tests run `npm run admin`'s script as a process, as an operator does.
 */
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import {
  adminSdk,
  freshId,
  signIn,
  type Admin,
} from "../../functions/test/emulator/support/emulators.js";
import { runCli, runCliJson, type Run } from "./cli.js";
import { OPERATOR_UID } from "../../scripts/admin/operations.js";
import { DEMO_TENANTS, seedDemo } from "../../scripts/seed.js";
import {
  deviceDocSchema,
  firestore,
  leadLabelsPath,
  LineRecord,
  memberPath,
  phoneIndexSchema,
  subjectPath,
  tenantDocSchema,
} from "@lifeline/model";

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

let admin: Admin;

before(() => {
  admin = adminSdk();
});

after(async () => {
  await admin.close();
});

const cli = (...args: string[]): Promise<Run> => runCli(() => admin, ...args);
const json = (...args: string[]): Promise<unknown> => runCliJson(() => admin, ...args);

function expectUsageError(run: Run, message: RegExp): void {
  expect(run.code, run.stderr).to.equal(2);
  expect(run.stderr).to.match(message);
  expect(run.stderr).to.match(/Usage: npm run admin --/);
}

function expectRefused(run: Run, message: RegExp): void {
  expect(run.code, run.stderr).to.equal(1);
  expect(run.stderr).to.match(message);
}

async function docData(path: string): Promise<unknown> {
  return (await admin.firestore.doc(path).get()).data();
}

/** A fresh number in the fictional 555-01xx range, unique to this run. */
function freshNumber(): string {
  return `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
}

async function newTenant(): Promise<string> {
  const id = freshId("tenant");
  const run = await cli("tenants", "create", id, "--name", `Tenant ${id}`);
  expect(run.code, run.stderr).to.equal(0);
  return id;
}

describe("admin tenants", () => {
  it("creates a tenant with default settings, lists it, and refuses its id a second time", async () => {
    const id = freshId("tenant");
    const created = await json(
      "tenants",
      "create",
      id,
      "--name",
      "Night Line",
      "--set",
      "escalationSeconds=30",
    );
    expect(created).to.deep.include({
      id,
      name: "Night Line",
      isDefault: false,
      settings: { escalationMinutes: 2, maxEscalationLevel: 2, escalationSeconds: 30 },
    });
    const record = tenantDocSchema.parse(await docData(firestore.tenantDoc(id)));
    expect(record.settings.escalationSeconds).to.equal(30);
    const listed = (await json("tenants", "list")) as { id: string }[];
    expect(listed.map((tenant) => tenant.id)).to.include(id);

    expectRefused(await cli("tenants", "create", id, "--name", "Other"), /already exists/);
    expect(tenantDocSchema.parse(await docData(firestore.tenantDoc(id))).name).to.equal(
      "Night Line",
    );
  });

  it("places a tenant on the instance --database names, and refuses a name no instance can have", async () => {
    const id = freshId("tenant");
    const created = await json(
      "tenants",
      "create",
      id,
      "--name",
      "Shard",
      "--database",
      "demo-lifeline-shard-2",
    );
    expect(created).to.deep.include({ id, database: "demo-lifeline-shard-2" });
    const record = tenantDocSchema.parse(await docData(firestore.tenantDoc(id)));
    expect(record.database).to.equal("demo-lifeline-shard-2");

    const other = freshId("tenant");
    expectUsageError(
      await cli("tenants", "create", other, "--name", "X", "--database", "Bad/Name"),
      /not a database instance name/,
    );
    expect(await docData(firestore.tenantDoc(other))).to.equal(undefined);
  });

  it("refuses a missing name, a bad id and bad settings with exit 2, writing nothing", async () => {
    const id = freshId("tenant");
    expectUsageError(await cli("tenants", "create", id), /--name is required/);
    expectUsageError(await cli("tenants", "create", "a/b", "--name", "X"), /tenant id "a\/b"/);
    expectUsageError(
      await cli("tenants", "create", id, "--name", "X", "--set", "maxEscalationLevel=-1"),
      /maxEscalationLevel/,
    );
    expect((await admin.firestore.doc(firestore.tenantDoc(id)).get()).exists).to.be.false;
  });
});

describe("admin settings", () => {
  it("shows and sets settings as the functions read them, and removes an optional one", async () => {
    const id = await newTenant();
    expect(await json("settings", "show", id)).to.deep.equal({
      escalationMinutes: 2,
      maxEscalationLevel: 2,
    });
    const set = await json(
      "settings",
      "set",
      id,
      "holdLapseTurns=3",
      "unwatchedWebhookUrl=https://hooks.example.test/lifeline",
      'vitalThresholds={"spo2":{"min":90,"max":100}}',
    );
    expect(set).to.deep.equal({
      changed: true,
      settings: {
        escalationMinutes: 2,
        maxEscalationLevel: 2,
        holdLapseTurns: 3,
        unwatchedWebhookUrl: "https://hooks.example.test/lifeline",
        vitalThresholds: { spo2: { min: 90, max: 100 } },
      },
    });
    const again = (await json("settings", "set", id, "holdLapseTurns=3")) as { changed: boolean };
    expect(again.changed).to.be.false;
    await json("settings", "set", id, "holdLapseTurns=");
    const stored = tenantDocSchema.parse(await docData(firestore.tenantDoc(id)));
    expect(stored.settings).to.not.have.property("holdLapseTurns");
    expect(stored.settings.unwatchedWebhookUrl).to.equal("https://hooks.example.test/lifeline");
  });

  it("copies leadLabels to the tenant's live database, replaced whole, so removed words revert to the defaults", async () => {
    const liveLabels = async (tenantId: string) =>
      (await admin.database.ref(leadLabelsPath(tenantId)).get()).val() as unknown;
    const created = freshId("tenant");
    await json(
      "tenants",
      "create",
      created,
      "--name",
      "Night Line",
      "--set",
      'leadLabels={"referred":"Sent to the GP"}',
    );
    expect(await liveLabels(created)).to.deep.equal({ referred: "Sent to the GP" });

    const id = await newTenant();
    expect(await liveLabels(id)).to.equal(null);
    const set = (await json(
      "settings",
      "set",
      id,
      'leadLabels={"callback":"Call back today","resolved":"Safe"}',
    )) as { settings: { leadLabels?: unknown } };
    expect(set.settings.leadLabels).to.deep.equal({
      callback: "Call back today",
      resolved: "Safe",
    });
    expect(await liveLabels(id)).to.deep.equal({ callback: "Call back today", resolved: "Safe" });
    await json("settings", "set", id, 'leadLabels={"callback":"Ring back"}');
    expect(await liveLabels(id)).to.deep.equal({ callback: "Ring back" });
    // A copy lost since is written again by the next set, even when the settings do not change.
    await admin.database.ref(leadLabelsPath(id)).remove();
    const again = (await json("settings", "set", id, 'leadLabels={"callback":"Ring back"}')) as {
      changed: boolean;
    };
    expect(again.changed).to.be.false;
    expect(await liveLabels(id)).to.deep.equal({ callback: "Ring back" });
    await json("settings", "set", id, "leadLabels=");
    expect(await liveLabels(id)).to.equal(null);

    expectUsageError(
      await cli("settings", "set", id, 'leadLabels={"hot":"Hot lead"}'),
      /leadLabels/,
    );
    expectUsageError(
      await cli("settings", "set", id, `leadLabels={"open":"${"x".repeat(41)}"}`),
      /leadLabels/,
    );
    expectUsageError(await cli("settings", "set", id, 'leadLabels={"open":""}'), /leadLabels/);
    expect(await liveLabels(id)).to.equal(null);
    expect(
      tenantDocSchema.parse(await docData(firestore.tenantDoc(id))).settings,
    ).to.not.have.property("leadLabels");
  });

  it("refuses unknown keys and bad values with exit 2, and an unknown tenant with exit 1", async () => {
    const id = await newTenant();
    const before = await docData(firestore.tenantDoc(id));
    expectUsageError(await cli("settings", "set", id, "escalationMinuts=3"), /bad settings/);
    expectUsageError(await cli("settings", "set", id, "holdLapseTurns=0"), /holdLapseTurns/);
    expectUsageError(await cli("settings", "set", id, "holdLapseTurns"), /not key=value/);
    expectUsageError(await cli("settings", "set", id), /key>=<value/);
    expect(await docData(firestore.tenantDoc(id))).to.deep.equal(before);
    expectRefused(await cli("settings", "show", freshId("nobody")), /no tenant "nobody-/);
  });
});

describe("admin lines", () => {
  it("adds a line to the lines directory, again without change, lists and removes it", async () => {
    const id = await newTenant();
    const number = freshNumber();
    const added = await json("lines", "add", id, number, "--label", "Main line");
    expect(added).to.deep.include({ number, tenantId: id, label: "Main line", created: true });
    const record = LineRecord.parse(await docData(firestore.lineDoc(number)));
    expect(record).to.deep.include({ tenantId: id, label: "Main line" });

    const repeated = await json("lines", "add", id, number);
    expect(repeated).to.deep.include({ number, created: false, label: "Main line" });
    expect(await json("lines", "list", id)).to.deep.equal([
      { number, tenantId: id, label: "Main line", createdAt: record.createdAt },
    ]);

    const removed = await json("lines", "remove", id, number);
    expect(removed).to.deep.equal({ number, tenantId: id });
    expect((await admin.firestore.doc(firestore.lineDoc(number)).get()).exists).to.be.false;
    expect(await json("lines", "list", id)).to.deep.equal([]);
  });

  it("refuses a number serving another tenant, and another tenant's removal, with exit 1", async () => {
    const owner = await newTenant();
    const other = await newTenant();
    const number = freshNumber();
    await json("lines", "add", owner, number);
    const before = await docData(firestore.lineDoc(number));
    expectRefused(await cli("lines", "add", other, number), /already serves tenant "tenant-/);
    expectRefused(await cli("lines", "remove", other, number), /is not a line of tenant/);
    expect(await docData(firestore.lineDoc(number))).to.deep.equal(before);
  });

  it("refuses numbers that are not E.164 with exit 2 and an unknown tenant with exit 1", async () => {
    const id = await newTenant();
    for (const bad of ["5555550100", "+1 555 555 0100", "+05555550100", "+1555"]) {
      expectUsageError(await cli("lines", "add", id, bad), /not an E\.164 number/);
    }
    expect(await json("lines", "list", id)).to.deep.equal([]);
    const number = freshNumber();
    expectRefused(await cli("lines", "add", freshId("nobody"), number), /no tenant/);
    expect((await admin.firestore.doc(firestore.lineDoc(number)).get()).exists).to.be.false;
  });
});

describe("admin subjects, phones and devices", () => {
  it("adds a subject with its phones to the phone index and the live database", async () => {
    const id = await newTenant();
    const [home, mobile] = [freshNumber(), freshNumber()];
    const subject = await json(
      "subjects",
      "add",
      id,
      "subject-ada",
      "--name",
      "Ada",
      "--phone",
      home,
      "--phone",
      mobile,
    );
    expect(subject).to.deep.include({ id: "subject-ada", name: "Ada", phones: [home, mobile] });
    for (const phone of [home, mobile]) {
      expect(phoneIndexSchema.parse(await docData(firestore.phoneDoc(phone)))).to.deep.equal({
        tenantId: id,
        subjectId: "subject-ada",
      });
    }
    const live = await admin.database.ref(subjectPath(id, "subject-ada")).get();
    expect(live.val()).to.deep.equal({ name: "Ada" });

    const extra = freshNumber();
    expect(await json("phones", "add", id, "subject-ada", extra)).to.deep.include({
      phones: [home, mobile, extra],
    });
    expect(await json("phones", "remove", id, "subject-ada", home)).to.deep.include({
      phones: [mobile, extra],
    });
    expect((await admin.firestore.doc(firestore.phoneDoc(home)).get()).exists).to.be.false;
    const listed = (await json("subjects", "list", id)) as { phones: string[] }[];
    expect(listed.map((s) => s.phones)).to.deep.equal([[mobile, extra]]);
  });

  it("refuses a phone that belongs to someone, a repeated subject and bad phones, writing nothing", async () => {
    const id = await newTenant();
    const taken = freshNumber();
    await json("subjects", "add", id, "subject-a", "--name", "A", "--phone", taken);
    const fresh = freshNumber();
    expectRefused(
      await cli(
        "subjects",
        "add",
        id,
        "subject-b",
        "--name",
        "B",
        "--phone",
        fresh,
        "--phone",
        taken,
      ),
      /already belongs to subject "subject-a"/,
    );
    expect((await admin.firestore.doc(firestore.subjectDoc(id, "subject-b")).get()).exists).to.be
      .false;
    expect((await admin.firestore.doc(firestore.phoneDoc(fresh)).get()).exists).to.be.false;
    expect((await admin.database.ref(subjectPath(id, "subject-b")).get()).exists()).to.be.false;
    expectRefused(await cli("subjects", "add", id, "subject-a", "--name", "A"), /already exists/);
    expectUsageError(
      await cli("subjects", "add", id, "subject-c", "--name", "C", "--phone", "0800 123"),
      /not an E\.164 number/,
    );
    expectUsageError(await cli("subjects", "add", id, "subject-c"), /--name is required/);
    expectRefused(await cli("phones", "add", id, "subject-zzz", fresh), /no subject "subject-zzz"/);
  });

  it("registers a device to a subject and refuses it for another subject", async () => {
    const id = await newTenant();
    await json("subjects", "add", id, "subject-a", "--name", "A");
    await json("subjects", "add", id, "subject-b", "--name", "B");
    const device = freshId("watch");
    expect(
      await json("devices", "add", id, "subject-a", device, "--label", "Watch"),
    ).to.deep.include({
      id: device,
      tenantId: id,
      subjectId: "subject-a",
      label: "Watch",
      created: true,
    });
    expect(deviceDocSchema.parse(await docData(firestore.deviceDoc(device)))).to.deep.include({
      tenantId: id,
      subjectId: "subject-a",
    });
    expect(await json("devices", "add", id, "subject-a", device)).to.deep.include({
      created: false,
    });
    expectRefused(await cli("devices", "add", id, "subject-b", device), /registered to another/);
    expectRefused(await cli("devices", "add", id, "subject-x", freshId("w")), /no subject/);
    expect(
      ((await json("devices", "list", id)) as { id: string }[]).map((d) => d.id),
    ).to.deep.equal([device]);
    const other = await newTenant();
    expectRefused(await cli("devices", "remove", other, device), /no device/);
    await json("devices", "remove", id, device);
    expect((await admin.firestore.doc(firestore.deviceDoc(device)).get()).exists).to.be.false;
  });
});

describe("admin members", () => {
  it("adds a member with the functions' member code: sign-in, claims, mirror, record, audit", async () => {
    const id = await newTenant();
    await json("subjects", "add", id, "subject-a", "--name", "A");
    const email = `${freshId("nurse")}@${id}.test`;
    const member = (await json(
      "members",
      "add",
      id,
      "--email",
      email,
      "--name",
      "Noor",
      "--role",
      "nurse",
      "--subject",
      "subject-a",
      "--password",
      "correct-horse-battery",
    )) as { uid: string; createdAt: number };
    expect(member).to.deep.include({ email, name: "Noor", role: "nurse", subjects: ["subject-a"] });
    expect(member).to.not.have.property("passwordResetLink");

    const session = await signIn(email, "correct-horse-battery");
    expect(session.uid).to.equal(member.uid);
    const user = await admin.auth.getUser(member.uid);
    expect(user.customClaims).to.deep.equal({ tenant: id, role: "nurse" });
    const mirror = await admin.database.ref(memberPath(id, member.uid)).get();
    expect(mirror.val()).to.deep.equal({
      role: "nurse",
      name: "Noor",
      subjects: { "subject-a": true },
    });
    const audit = await admin.firestore.collection(firestore.auditCollection(id)).get();
    expect(audit.docs.map((doc) => doc.data())).to.deep.equal([
      {
        action: "member_create",
        actorUid: OPERATOR_UID,
        at: member.createdAt,
        targetUid: member.uid,
        details: { role: "nurse", subjects: ["subject-a"] },
      },
    ]);
    const listed = (await json("members", "list", id)) as { uid: string }[];
    expect(listed.map((m) => m.uid)).to.deep.equal([member.uid]);
  });

  it("gives a member without a password a reset link instead", async () => {
    const id = await newTenant();
    const email = `${freshId("admin")}@${id}.test`;
    const member = await json(
      "members",
      "add",
      id,
      "--email",
      email,
      "--name",
      "Alex",
      "--role",
      "admin",
    );
    expect(member)
      .to.have.property("passwordResetLink")
      .that.matches(/mode=resetPassword/);
  });

  it("refuses a bad role, a bad assignment and missing flags with exit 2; unknown subjects, a taken email and an unknown tenant with exit 1", async () => {
    const id = await newTenant();
    const email = `${freshId("m")}@${id}.test`;
    const base = ["members", "add", id, "--email", email, "--name", "M"];
    expectUsageError(await cli(...base, "--role", "root"), /role "root" is not one of/);
    expectUsageError(await cli(...base, "--role", "subject"), /exactly one subject/);
    expectUsageError(await cli(...base), /--role is required/);
    expectUsageError(await cli(...base, "--role", "nurse", "--password", "short"), /at least 8/);
    expectRefused(await cli(...base, "--role", "nurse", "--subject", "nope"), /no subject "nope"/);
    expect((await admin.auth.getUsers([{ email }])).users).to.deep.equal([]);
    expect(await json("members", "list", id)).to.deep.equal([]);

    await json(...base, "--role", "dispatcher");
    expectRefused(await cli(...base, "--role", "nurse"), /already exists/);
    expect(((await json("members", "list", id)) as unknown[]).length).to.equal(1);
    expectRefused(
      await cli(
        "members",
        "add",
        freshId("nobody"),
        "--email",
        email,
        "--name",
        "M",
        "--role",
        "nurse",
      ),
      /no tenant/,
    );
  });
});

describe("admin members set and remove", () => {
  it("changes a role with the endpoint's code (claims, revocation), then subjects, then removes the member", async () => {
    const id = await newTenant();
    await json("subjects", "add", id, "subject-a", "--name", "A");
    const email = `${freshId("nurse")}@${id}.test`;
    const member = (await json(
      ...["members", "add", id, "--email", email, "--name", "N", "--role", "nurse"],
      ...["--subject", "subject-a", "--password", "correct-horse-battery"],
    )) as { uid: string };
    const { uid } = member;

    const demoted = await json("members", "set", id, uid, "--role", "caregiver");
    expect(demoted).to.deep.include({ role: "caregiver", changed: ["role"] });
    expect((await admin.auth.getUser(uid)).customClaims).to.deep.equal({
      tenant: id,
      role: "caregiver",
    });
    expect((await admin.database.ref(`revocations/${uid}`).get()).val()).to.be.a("number");

    const cleared = await json("members", "set", id, uid, "--no-subjects");
    expect(cleared).to.deep.include({ subjects: [], changed: ["subjects"] });
    expect((await admin.database.ref(memberPath(id, uid)).get()).val()).to.deep.equal({
      role: "caregiver",
      name: "N",
    });

    expectUsageError(await cli("members", "set", id, uid), /change at least one/);
    expectUsageError(await cli("members", "set", id, uid, "--role", "root"), /role/);
    expectRefused(await cli("members", "set", id, uid, "--subject", "nope"), /no subject "nope"/);
    expectRefused(
      await cli("members", "set", id, freshId("nobody"), "--role", "nurse"),
      /No such member/,
    );

    expect(await json("members", "remove", id, uid)).to.deep.include({ uid, tenantId: id });
    expect((await admin.firestore.doc(firestore.memberDoc(id, uid)).get()).exists).to.be.false;
    expect((await admin.database.ref(memberPath(id, uid)).get()).exists()).to.be.false;
    const user = await admin.auth.getUser(uid);
    expect(user.disabled).to.be.true;
    expect(user.customClaims ?? {}).to.deep.equal({});
    const audit = await admin.firestore.collection(firestore.auditCollection(id)).get();
    expect(
      audit.docs.map((doc) => [String(doc.get("action")), String(doc.get("actorUid"))]).sort(),
    ).to.deep.equal([
      ["member_create", OPERATOR_UID],
      ["member_remove", OPERATOR_UID],
      ["member_update", OPERATOR_UID],
      ["member_update", OPERATOR_UID],
    ]);
    expectRefused(await cli("members", "remove", id, uid), /No such member/);
  });
});

describe("admin print", () => {
  it("prints a tenant's whole configuration, as text and as JSON", async () => {
    const id = await newTenant();
    const line = freshNumber();
    const phone = freshNumber();
    await json("lines", "add", id, line, "--label", "Main");
    await json("subjects", "add", id, "subject-a", "--name", "Ada", "--phone", phone);
    await json("devices", "add", id, "subject-a", freshId("oximeter"));
    await json(
      ...["members", "add", id, "--email", `${freshId("d")}@${id}.test`, "--name", "Dana"],
      "--role",
      "dispatcher",
    );
    const config = (await json("print", id)) as Record<string, unknown>;
    expect(Object.keys(config)).to.deep.equal(["tenant", "lines", "subjects", "members"]);
    expect(config.tenant).to.deep.include({ id, isDefault: false });
    expect(config.lines).to.have.length(1);
    const [subject] = config.subjects as { phones: string[]; devices: unknown[] }[];
    expect(subject?.phones).to.deep.equal([phone]);
    expect(subject?.devices).to.have.length(1);
    expect(config.members).to.have.length(1);

    const text = await cli("print", id);
    expect(text.code).to.equal(0);
    expect(text.stdout).to.include(`tenant ${id}`).and.include(line).and.include("subject-a");
  });
});

describe("admin usage", () => {
  it("answers --help with the usage and exit 0, on the CLI and on every command", async () => {
    const top = await cli("--help");
    expect(top.code).to.equal(0);
    expect(top.stdout).to.match(/^Usage: npm run admin -- <command>/);
    for (const command of ["tenants create", "lines add", "members add", "print"]) {
      const run = await cli(...command.split(" "), "--help");
      expect(run.code).to.equal(0);
      expect(run.stdout).to.match(new RegExp(`^Usage: npm run admin -- ${command}`));
    }
  });

  it("answers missing arguments, unknown commands and flags with exit 2 and the usage", async () => {
    expectUsageError(await cli(), /no command given/);
    expectUsageError(await cli("tenants", "destroy", "x"), /unknown command "tenants destroy"/);
    expectUsageError(await cli("lines", "add", "t1"), /missing <number>/);
    expectUsageError(await cli("print"), /missing <tenant>/);
    expectUsageError(await cli("print", "t1", "t2"), /unexpected "t2"/);
    expectUsageError(await cli("lines", "list", "t1", "--colour"), /Unknown option '--colour'/);
    expectUsageError(await cli("print", "t1", "--project", "demo-lifeline"), /demo- projects/);
  });

  it("reports an error as JSON on stdout with --json", async () => {
    const run = await cli("lines", "list", freshId("nobody"), "--json");
    expect(run.code).to.equal(1);
    const body = JSON.parse(run.stdout) as { error?: { code?: string; message?: string } };
    expect(body.error?.code).to.equal("refused");
    expect(body.error?.message).to.match(/no tenant/);
  });
});

describe("seedDemo through the admin operations", () => {
  it("gives every demo tenant its line, subjects, devices and members", async () => {
    await seedDemo(admin);
    for (const tenant of DEMO_TENANTS) {
      const config = (await json("print", tenant.id)) as {
        tenant: { isDefault: boolean };
        lines: { number: string }[];
        subjects: { id: string; phones: string[]; devices: { id: string }[] }[];
        members: { uid: string; role: string }[];
      };
      expect(config.tenant.isDefault).to.equal(tenant.id === "demo");
      expect(config.lines.map((l) => l.number)).to.deep.equal(tenant.lines.map((l) => l.number));
      expect(
        config.subjects.map((s) => [s.id, s.phones, s.devices.map((d) => d.id)]),
      ).to.deep.equal(
        tenant.subjects.map((s) => [s.id, s.phones, (s.devices ?? []).map((d) => d.id)]),
      );
      expect(config.members.map((m) => [m.uid, m.role]).sort()).to.deep.equal(
        tenant.members.map((m) => [m.uid, m.role]).sort(),
      );
      const labels: unknown = (await admin.database.ref(leadLabelsPath(tenant.id)).get()).val();
      expect(labels).to.deep.equal(tenant.settings.leadLabels ?? null);
    }
    expect(DEMO_TENANTS.find((t) => t.id === "demo")?.settings.leadLabels).to.deep.equal({
      callback: "Call back today",
    });
  });
});

describe("npm run admin (the script as a process)", () => {
  function script(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ["--import", "tsx", join(REPO_ROOT, "scripts/admin.ts"), ...args],
        { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000, env },
        (error, stdout, stderr) => {
          if (error !== null && typeof error.code !== "number") {
            reject(new Error("scripts/admin.ts did not run", { cause: error }));
            return;
          }
          resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
        },
      );
    });
  }

  it("reaches the exported emulators, and exits 1 on a refusal and 2 on bad input", async () => {
    const id = await newTenant();
    const number = freshNumber();
    const [added, refused, bad] = await Promise.all([
      script(["lines", "add", id, number, "--json"]),
      script(["lines", "list", freshId("nobody")]),
      script(["lines", "add", id]),
    ]);
    expect(added.code, added.stderr).to.equal(0);
    expect(JSON.parse(added.stdout)).to.deep.include({ number, tenantId: id, created: true });
    expect(LineRecord.parse(await docData(firestore.lineDoc(number))).tenantId).to.equal(id);
    expect(refused.code, refused.stderr).to.equal(1);
    expect(refused.stderr).to.match(/no tenant/);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/missing <number>/);
  });

  it("finds the emulators at firebase.json's ports when no host is exported, as next to npm start", async () => {
    const id = await newTenant();
    const number = freshNumber();
    await json("lines", "add", id, number);
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.endsWith("_EMULATOR_HOST")),
    );
    const listed = await script(["lines", "list", id, "--json"], env);
    expect(listed.code, listed.stderr).to.equal(0);
    expect(JSON.parse(listed.stdout)).to.deep.equal([
      {
        number,
        tenantId: id,
        createdAt: LineRecord.parse(await docData(firestore.lineDoc(number))).createdAt,
      },
    ]);
  });
});
