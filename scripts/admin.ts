/**
 * The admin CLI: onboards tenants, lines, subjects, devices and members (`npm run admin -- --help`).
 * Against the emulator suite unless `--project` names a real project. Exit codes: 0 done, 1 the
 * operation was refused or failed (unknown tenant, a number serving another tenant, a taken
 * email), 2 bad usage or input (missing arguments, unknown flags, a malformed number or role).
 *
 * Each command parses its own arguments (node:util parseArgs through `lib/cli-args.mjs`) and calls
 * one function of `admin/operations.ts`, the same functions the demo seed uses.
 */
import { pathToFileURL } from "node:url";
import { parseCommand, UsageError, type ParsedCommandLine } from "./lib/cli-args.mjs";
import { connect, type ConnectOptions, type Connection } from "./admin/connect.js";
import {
  addDevice,
  addLine,
  addMember,
  addPhone,
  addSubject,
  BadInput,
  createTenant,
  describeTenant,
  listDevices,
  listLines,
  listMembers,
  listSubjects,
  listTenants,
  Refused,
  removeDevice,
  removeLine,
  removeMember,
  removePhone,
  setDefaultTenant,
  setSettings,
  showSettings,
  updateMember,
  type AdminTargets,
  type TenantConfiguration,
} from "./admin/operations.js";
import { abortMove, DEFAULT_SETTLE_SECONDS, moveTenant, type MoveReport } from "./admin/move.js";

type Options = NonNullable<Parameters<typeof parseCommand>[0]["options"]>;

const GLOBAL_OPTIONS: Options = {
  project: { type: "string" },
  "database-url": { type: "string" },
  json: { type: "boolean" },
};

const GLOBAL_HELP = `Options for every command:
  --project <id>        a real Firebase project, with Application Default Credentials
                        (gcloud auth application-default login); default: the emulator suite
  --database-url <url>  with --project: its Realtime Database URL, when not
                        https://<id>-default-rtdb.firebaseio.com
  --json                print the result as JSON (for scripts)
  --help, -h            this help`;

/** What a command printed: its result for `--json` and the lines for a person. */
interface Outcome {
  readonly result: unknown;
  readonly text: string;
}

interface Command {
  /** `tenants create`, `print`. */
  readonly name: string;
  /** The positional arguments, as shown in the usage. */
  readonly args: readonly string[];
  /** The rest of the synopsis line (options). */
  readonly synopsis: string;
  readonly summary: string;
  readonly details?: string;
  readonly options?: Options;
  run(
    targets: AdminTargets,
    values: ParsedCommandLine["values"],
    args: string[],
    io: Io,
  ): Promise<Outcome>;
}

function stringOption(values: ParsedCommandLine["values"], name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

function stringList(values: ParsedCommandLine["values"], name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function requiredOption(values: ParsedCommandLine["values"], name: string): string {
  const value = stringOption(values, name);
  if (value === undefined) throw new BadInput(`--${name} is required`);
  return value;
}

/** `key=value` pairs: the value as JSON when it is JSON, else as text; `key=` removes the key. */
export function parseAssignments(pairs: readonly string[]): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new BadInput(`"${pair}" is not key=value`);
    const key = pair.slice(0, equals);
    const raw = pair.slice(equals + 1);
    let value: unknown = raw;
    if (raw === "") value = undefined;
    else {
      try {
        value = JSON.parse(raw);
      } catch {
        // Not JSON: a string setting such as a URL.
      }
    }
    changes[key] = value;
  }
  return changes;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
        .join("  "),
    )
    .join("\n");
}

function settingsText(settings: object): string {
  return Object.entries(settings)
    .map(([key, value]) => `  ${key} = ${JSON.stringify(value)}`)
    .join("\n");
}

function configurationText(config: TenantConfiguration): string {
  const { tenant } = config;
  const lines = [
    `tenant ${tenant.id}: ${tenant.name}${tenant.isDefault ? " (default for unknown callers)" : ""}`,
    "settings:",
    settingsText(tenant.settings),
    `lines (${config.lines.length}):`,
    ...config.lines.map(
      (line) => `  ${line.number}${line.label === undefined ? "" : `  ${line.label}`}`,
    ),
    `subjects (${config.subjects.length}):`,
  ];
  for (const subject of config.subjects) {
    lines.push(`  ${subject.id}  ${subject.name}  phones: ${subject.phones.join(", ") || "none"}`);
    for (const device of subject.devices) {
      lines.push(`    device ${device.id}${device.label === undefined ? "" : `  ${device.label}`}`);
    }
  }
  lines.push(`members (${config.members.length}):`);
  for (const member of config.members) {
    const subjects = member.subjects.length > 0 ? `  subjects: ${member.subjects.join(", ")}` : "";
    lines.push(
      `  ${member.role.padEnd(10)}  ${member.email}  ${member.name}  uid ${member.uid}${subjects}`,
    );
  }
  return lines.join("\n");
}

function moveText(report: MoveReport): string {
  const counts = Object.entries(report.copied.tenant)
    .map(([node, count]) => `${node} ${count}`)
    .join(", ");
  const timings = Object.entries(report.timings)
    .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
    .join(", ");
  return [
    `moved ${report.tenantId} from ${report.from} to ${report.to}` +
      (report.resumed === false ? "" : ` (continued: ${report.resumed})`),
    `copied: ${counts || "nothing under the tenant"}; inbox items ${report.copied.inboxItems}; revocations ${report.copied.revocations}`,
    `members: claims set ${report.members.claimsSet}` +
      (report.members.withoutAuthUser > 0
        ? `, ${report.members.withoutAuthUser} without an Auth user`
        : ""),
    `late writes carried over: ${report.lateWrites.carried}` +
      (report.lateWrites.conflicts > 0
        ? `; ${report.lateWrites.conflicts} kept the new instance's value`
        : ""),
    report.keptOld
      ? `old copy kept on ${report.from} (marked)`
      : `old copy removed from ${report.from} (markers kept)`,
    `timings: ${timings}`,
  ].join("\n");
}

const COMMANDS: readonly Command[] = [
  {
    name: "tenants create",
    args: ["<tenant>"],
    synopsis: "--name <name> [--set <key>=<value>]... [--default] [--database <instance>]",
    summary: "create a tenant",
    details: `Settings start from escalationMinutes=2, maxEscalationLevel=2; --set changes any of them
(see "settings set"). --default also routes callers no tenant knows to this tenant.
--database places the tenant on that Realtime Database instance (<project>-..., one of
firebase.json's database targets); without it, on the default instance.`,
    options: {
      name: { type: "string" },
      set: { type: "string", multiple: true },
      default: { type: "boolean" },
      database: { type: "string" },
    },
    async run(targets, values, [tenantId = ""]) {
      const database = stringOption(values, "database");
      const tenant = await createTenant(targets, {
        id: tenantId,
        name: requiredOption(values, "name"),
        settings: parseAssignments(stringList(values, "set")),
        ...(database === undefined ? {} : { database }),
      });
      const routed =
        values.default === true ? await setDefaultTenant(targets, tenantId) : undefined;
      const result = routed === undefined ? tenant : { ...tenant, isDefault: true };
      return {
        result,
        text: `created tenant ${tenant.id} (${tenant.name})${routed === undefined ? "" : ", the default tenant"}`,
      };
    },
  },
  {
    name: "tenants move",
    args: ["<tenant>"],
    synopsis: "--to <instance> [--settle-seconds <n>] [--keep-old] | --abort",
    summary: "move a tenant to another Realtime Database instance",
    details: `Marks the tenant as moving (clients and functions write nothing for it; callers are still
answered and their turns written after the move), waits --settle-seconds (default
${DEFAULT_SETTLE_SECONDS}: SETTINGS_CACHE_SECONDS and a margin; give more if the functions' cache is
longer), copies the tenant and its members' inboxes and revocations, switches the tenant record,
sets the members' db claim (open dashboards reconnect), carries over what triggers wrote on the old
instance meanwhile and removes the old copy (--keep-old leaves it, still marked). Refused, with
nothing written, for an unknown tenant, the instance it is on, an instance that already holds the
tenant's data, or while another move of it is marked. A failed move is resumed by running the same
command again; --abort undoes a move that has not switched yet. See DEPLOY.md "Moving a tenant".`,
    options: {
      to: { type: "string" },
      "settle-seconds": { type: "string" },
      "keep-old": { type: "boolean" },
      abort: { type: "boolean" },
    },
    async run(targets, values, [tenantId = ""], io) {
      if (values.abort === true) {
        if (values.to !== undefined || values["keep-old"] === true) {
          throw new BadInput("--abort takes no other option");
        }
        const result = await abortMove(targets, tenantId);
        return {
          result,
          text: `move of ${tenantId} to ${result.to} undone: it stays on ${result.from}`,
        };
      }
      const settle = stringOption(values, "settle-seconds");
      const settleSeconds = settle === undefined ? undefined : Number(settle);
      if (settle !== undefined && (settle.trim() === "" || Number.isNaN(settleSeconds))) {
        throw new BadInput(`--settle-seconds "${settle}" is not a number`);
      }
      const report = await moveTenant(targets, tenantId, requiredOption(values, "to"), {
        ...(settleSeconds === undefined ? {} : { settleSeconds }),
        keepOld: values["keep-old"] === true,
        progress: (line) => {
          io.stderr(`${line}\n`);
        },
      });
      return { result: report, text: moveText(report) };
    },
  },
  {
    name: "tenants list",
    args: [],
    synopsis: "",
    summary: "list the tenants",
    async run(targets) {
      const tenants = await listTenants(targets);
      return {
        result: tenants,
        text:
          tenants.length === 0
            ? "no tenants"
            : table(tenants.map((t) => [t.id, t.name, t.isDefault ? "default" : ""])),
      };
    },
  },
  {
    name: "tenants default",
    args: ["<tenant>"],
    synopsis: "",
    summary: "route callers no tenant knows to this tenant",
    async run(targets, _values, [tenantId = ""]) {
      const result = await setDefaultTenant(targets, tenantId);
      return {
        result,
        text: `${tenantId} ${result.changed ? "is now" : "was already"} the default tenant`,
      };
    },
  },
  {
    name: "settings show",
    args: ["<tenant>"],
    synopsis: "",
    summary: "show a tenant's settings",
    async run(targets, _values, [tenantId = ""]) {
      const settings = await showSettings(targets, tenantId);
      return { result: settings, text: settingsText(settings) };
    },
  },
  {
    name: "settings set",
    args: ["<tenant>", "<key>=<value>..."],
    synopsis: "",
    summary: "change a tenant's settings",
    details: `Values are JSON when they parse as JSON, else text; <key>= removes an optional setting.
Keys: escalationMinutes, escalationSeconds, maxEscalationLevel, vitalThresholds (e.g.
vitalThresholds='{"spo2":{"min":92,"max":100}}'), retentionHours, staleCallMinutes,
holdGraceSeconds, holdLapseTurns, unwatchedWebhookUrl, leadLabels (the tenant's words for lead
statuses open, callback, resolved, referred, 1-40 characters each, e.g.
leadLabels='{"callback":"Call back today"}'; the whole object is replaced, and a status left out
shows its default word). The whole result is checked as the functions read it; unknown keys are
refused.`,
    async run(targets, _values, [tenantId = "", ...pairs]) {
      if (pairs.length === 0) throw new BadInput("give at least one <key>=<value>");
      const { settings, changed } = await setSettings(targets, tenantId, parseAssignments(pairs));
      return {
        result: { settings, changed },
        text: `${changed ? "settings changed" : "settings unchanged"}:\n${settingsText(settings)}`,
      };
    },
  },
  {
    name: "lines add",
    args: ["<tenant>", "<number>"],
    synopsis: "[--label <text>]",
    summary: "answer a number (E.164) for the tenant",
    details: "A number serving another tenant is refused; adding a line again changes nothing.",
    options: { label: { type: "string" } },
    async run(targets, values, [tenantId = "", number = ""]) {
      const { line, created } = await addLine(targets, tenantId, number, {
        label: stringOption(values, "label"),
      });
      return {
        result: { ...line, created },
        text: `${line.number} ${created ? "is now" : "was already"} a line of ${tenantId}`,
      };
    },
  },
  {
    name: "lines remove",
    args: ["<tenant>", "<number>"],
    synopsis: "",
    summary: "stop answering a number for the tenant",
    async run(targets, _values, [tenantId = "", number = ""]) {
      const result = await removeLine(targets, tenantId, number);
      return { result, text: `${number} is no longer a line of ${tenantId}` };
    },
  },
  {
    name: "lines list",
    args: ["<tenant>"],
    synopsis: "",
    summary: "list a tenant's lines",
    async run(targets, _values, [tenantId = ""]) {
      const lines = await listLines(targets, tenantId);
      return {
        result: lines,
        text: lines.length === 0 ? "no lines" : table(lines.map((l) => [l.number, l.label ?? ""])),
      };
    },
  },
  {
    name: "subjects add",
    args: ["<tenant>", "<subject-id>"],
    synopsis: "--name <name> [--phone <number>]...",
    summary: "add a subject (patient, worker) and its phones",
    details: "A number that already belongs to a subject is refused.",
    options: { name: { type: "string" }, phone: { type: "string", multiple: true } },
    async run(targets, values, [tenantId = "", subjectId = ""]) {
      const subject = await addSubject(targets, tenantId, {
        id: subjectId,
        name: requiredOption(values, "name"),
        phones: stringList(values, "phone"),
      });
      return {
        result: subject,
        text: `added subject ${subject.id} (${subject.name}) to ${tenantId}, phones: ${subject.phones.join(", ") || "none"}`,
      };
    },
  },
  {
    name: "subjects list",
    args: ["<tenant>"],
    synopsis: "",
    summary: "list a tenant's subjects and their phones",
    async run(targets, _values, [tenantId = ""]) {
      const subjects = await listSubjects(targets, tenantId);
      return {
        result: subjects,
        text:
          subjects.length === 0
            ? "no subjects"
            : table(subjects.map((s) => [s.id, s.name, s.phones.join(", ")])),
      };
    },
  },
  {
    name: "phones add",
    args: ["<tenant>", "<subject-id>", "<number>"],
    synopsis: "",
    summary: "add a number a subject calls from",
    async run(targets, _values, [tenantId = "", subjectId = "", number = ""]) {
      const subject = await addPhone(targets, tenantId, subjectId, number);
      return { result: subject, text: `${subject.id} phones: ${subject.phones.join(", ")}` };
    },
  },
  {
    name: "phones remove",
    args: ["<tenant>", "<subject-id>", "<number>"],
    synopsis: "",
    summary: "remove a number a subject calls from",
    async run(targets, _values, [tenantId = "", subjectId = "", number = ""]) {
      const subject = await removePhone(targets, tenantId, subjectId, number);
      return {
        result: subject,
        text: `${subject.id} phones: ${subject.phones.join(", ") || "none"}`,
      };
    },
  },
  {
    name: "devices add",
    args: ["<tenant>", "<subject-id>", "<device-id>"],
    synopsis: "[--label <text>]",
    summary: "register a subject's device (watch, oximeter)",
    options: { label: { type: "string" } },
    async run(targets, values, [tenantId = "", subjectId = "", deviceId = ""]) {
      const { device, created } = await addDevice(targets, tenantId, {
        id: deviceId,
        subjectId,
        label: stringOption(values, "label"),
      });
      return {
        result: { ...device, created },
        text: `device ${device.id} ${created ? "registered" : "was already registered"} to ${subjectId}`,
      };
    },
  },
  {
    name: "devices remove",
    args: ["<tenant>", "<device-id>"],
    synopsis: "",
    summary: "unregister a device",
    async run(targets, _values, [tenantId = "", deviceId = ""]) {
      const result = await removeDevice(targets, tenantId, deviceId);
      return { result, text: `device ${deviceId} removed from ${tenantId}` };
    },
  },
  {
    name: "devices list",
    args: ["<tenant>"],
    synopsis: "",
    summary: "list a tenant's devices",
    async run(targets, _values, [tenantId = ""]) {
      const devices = await listDevices(targets, tenantId);
      return {
        result: devices,
        text:
          devices.length === 0
            ? "no devices"
            : table(devices.map((d) => [d.id, d.subjectId, d.label ?? ""])),
      };
    },
  },
  {
    name: "members add",
    args: ["<tenant>"],
    synopsis:
      "--email <email> --name <name> --role <role> [--subject <subject-id>]... [--password <password>]",
    summary: "add a member (Auth user, claims, mirror, audit)",
    details: `Roles: admin, dispatcher, doctor, nurse, caregiver, subject. Doctors, nurses and
caregivers see the calls of their --subject ids; a subject member has exactly one, its own.
Without --password the member gets none and the command prints a password-reset link for the
member to set one (the safer way: a password on a command line stays in shell history).`,
    options: {
      email: { type: "string" },
      name: { type: "string" },
      role: { type: "string" },
      subject: { type: "string", multiple: true },
      password: { type: "string" },
    },
    async run(targets, values, [tenantId = ""]) {
      const { member, passwordResetLink } = await addMember(targets, tenantId, {
        email: requiredOption(values, "email"),
        name: requiredOption(values, "name"),
        role: requiredOption(values, "role"),
        subjects: stringList(values, "subject"),
        password: stringOption(values, "password"),
      });
      return {
        result: passwordResetLink === undefined ? member : { ...member, passwordResetLink },
        text:
          `added ${member.role} ${member.email} to ${tenantId} (uid ${member.uid})` +
          (passwordResetLink === undefined
            ? ""
            : `\nsend the member this link to set a password:\n  ${passwordResetLink}`),
      };
    },
  },
  {
    name: "members set",
    args: ["<tenant>", "<uid>"],
    synopsis: "[--role <role>] [--name <name>] [--subject <subject-id>]... [--no-subjects]",
    summary: "change a member's role, name or subjects",
    details: `--subject replaces the member's whole list; --no-subjects empties it. A role change
sets the new claims and revokes the member's sessions at once (it signs in again).`,
    options: {
      role: { type: "string" },
      name: { type: "string" },
      subject: { type: "string", multiple: true },
      "no-subjects": { type: "boolean" },
    },
    async run(targets, values, [tenantId = "", uid = ""]) {
      const subjects = stringList(values, "subject");
      if (values["no-subjects"] === true && subjects.length > 0) {
        throw new BadInput("--subject and --no-subjects exclude each other");
      }
      const { member, changed } = await updateMember(targets, tenantId, uid, {
        role: stringOption(values, "role"),
        name: stringOption(values, "name"),
        ...(values["no-subjects"] === true ? { subjects: [] } : {}),
        ...(subjects.length > 0 ? { subjects } : {}),
      });
      return {
        result: { ...member, changed },
        text:
          changed.length === 0
            ? `${member.email}: nothing changed`
            : `${member.email}: changed ${changed.join(", ")}`,
      };
    },
  },
  {
    name: "members remove",
    args: ["<tenant>", "<uid>"],
    synopsis: "",
    summary: "remove a member (claims cleared, user disabled, sessions revoked)",
    async run(targets, _values, [tenantId = "", uid = ""]) {
      const result = await removeMember(targets, tenantId, uid);
      return { result, text: `removed member ${uid} from ${tenantId}` };
    },
  },
  {
    name: "members list",
    args: ["<tenant>"],
    synopsis: "",
    summary: "list a tenant's members",
    async run(targets, _values, [tenantId = ""]) {
      const members = await listMembers(targets, tenantId);
      return {
        result: members,
        text:
          members.length === 0
            ? "no members"
            : table(members.map((m) => [m.role, m.email, m.name, m.subjects.join(", ")])),
      };
    },
  },
  {
    name: "print",
    args: ["<tenant>"],
    synopsis: "",
    summary: "print a tenant's whole configuration",
    async run(targets, _values, [tenantId = ""]) {
      const config = await describeTenant(targets, tenantId);
      return { result: config, text: configurationText(config) };
    },
  },
];

function synopsis(command: Command): string {
  return ["npm run admin --", command.name, ...command.args, command.synopsis]
    .filter((part) => part !== "")
    .join(" ");
}

function commandUsage(command: Command): string {
  return [
    `Usage: ${synopsis(command)}`,
    "",
    `${command.summary[0]?.toUpperCase() ?? ""}${command.summary.slice(1)}.`,
    ...(command.details === undefined ? [] : ["", command.details]),
    "",
    GLOBAL_HELP,
    "",
  ].join("\n");
}

export const USAGE = `Usage: npm run admin -- <command> [arguments] [options]

Onboards tenants, their lines, subjects, devices and members. Against the emulator suite (the
hosts emulators:exec exports, else firebase.json's ports, as \`npm start\` serves them) unless
--project names a real project.

Commands:
${table(COMMANDS.map((c) => [`  ${c.name} ${c.args.join(" ")}`, c.summary]))}

\`npm run admin -- <command> --help\` shows a command's options.

${GLOBAL_HELP}

Exit status: 0 done; 1 refused by what the project holds (unknown tenant, a number serving
another tenant, a taken email) or failed; 2 bad usage or input (missing arguments, unknown flags,
a malformed number or role).
`;

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** How a run reaches the stores; tests pass their own. */
export type Connector = (options: ConnectOptions) => Connection;

function findCommand(args: readonly string[]): { command: Command; rest: string[] } | undefined {
  for (const command of COMMANDS) {
    const words = command.name.split(" ");
    if (words.every((word, index) => args[index] === word)) {
      return { command, rest: args.slice(words.length) };
    }
  }
  return undefined;
}

/** Runs one command line and answers its exit code; never exits the process. */
export async function runAdmin(
  args: readonly string[],
  io: Io,
  connector: Connector = connect,
): Promise<number> {
  const json = args.includes("--json");
  const fail = (code: number, message: string, usage?: string): number => {
    io.stderr(`admin: ${message}\n${usage === undefined ? "" : `\n${usage}`}`);
    if (json)
      io.stdout(
        `${JSON.stringify({ error: { code: code === 2 ? "usage" : "refused", message } })}\n`,
      );
    return code;
  };
  const found = findCommand(args);
  if (found === undefined) {
    const word = args.find((arg) => !arg.startsWith("-"));
    if (word === undefined) {
      try {
        const parsed = parseCommand({ usage: USAGE, options: GLOBAL_OPTIONS, args });
        if (parsed.help) {
          io.stdout(USAGE);
          return 0;
        }
        return fail(2, "no command given", USAGE);
      } catch (error) {
        if (error instanceof UsageError) return fail(2, error.message, error.usage);
        throw error;
      }
    }
    const group = COMMANDS.filter((c) => c.name.startsWith(`${word} `));
    if (group.length > 0 && (args.includes("--help") || args.includes("-h"))) {
      io.stdout(USAGE);
      return 0;
    }
    return fail(
      2,
      `unknown command "${args
        .filter((a) => !a.startsWith("-"))
        .slice(0, 2)
        .join(" ")}"`,
      USAGE,
    );
  }
  const { command, rest } = found;
  const usage = commandUsage(command);
  let parsed: ReturnType<typeof parseCommand>;
  try {
    parsed = parseCommand({
      usage,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      args: rest,
    });
  } catch (error) {
    if (error instanceof UsageError) return fail(2, error.message, usage);
    throw error;
  }
  if (parsed.help) {
    io.stdout(usage);
    return 0;
  }
  const required = command.args.filter((arg) => !arg.endsWith("...")).length;
  const variadic = command.args.some((arg) => arg.endsWith("..."));
  if (parsed.positionals.length < required) {
    const missing = command.args.slice(parsed.positionals.length).join(" ");
    return fail(2, `missing ${missing}`, usage);
  }
  if (!variadic && parsed.positionals.length > command.args.length) {
    return fail(
      2,
      `unexpected "${parsed.positionals.slice(command.args.length).join(" ")}"`,
      usage,
    );
  }
  const project = stringOption(parsed.values, "project");
  const databaseUrl = stringOption(parsed.values, "database-url");
  if (project?.startsWith("demo-") === true) {
    return fail(
      2,
      `--project ${project}: demo- projects exist only in the emulator suite; leave --project out`,
      usage,
    );
  }
  if (databaseUrl !== undefined && project === undefined) {
    return fail(2, "--database-url goes with --project", usage);
  }
  let connection: Connection | undefined;
  try {
    connection = connector({ project, databaseUrl });
    const outcome = await command.run(connection.targets, parsed.values, parsed.positionals, io);
    io.stdout(json ? `${JSON.stringify(outcome.result, null, 2)}\n` : `${outcome.text}\n`);
    return 0;
  } catch (error) {
    if (error instanceof BadInput) return fail(2, error.message, usage);
    if (error instanceof Refused) return fail(1, error.message);
    const where = connection === undefined ? "" : ` (${connection.where})`;
    return fail(1, `${error instanceof Error ? error.message : String(error)}${where}`);
  } finally {
    await connection?.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const io: Io = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
  runAdmin(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `admin: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
