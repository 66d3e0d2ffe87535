/**
 * The dashboard's security headers as firebase.json serves them in production, and the local
 * copy the emulators run with (scripts/lib/local-config.mjs): production allows only production
 * origins, the local copy adds exactly the emulators' loopback origins and changes nothing else.
 * The browser tests (test/e2e) prove the page runs under the local policy with no violation.
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { z } from "zod";
import { localConfig } from "../../scripts/lib/local-config.mjs";

const headerSchema = z.object({ key: z.string(), value: z.string() });
const hostingSchema = z.looseObject({
  predeploy: z.array(z.string()),
  headers: z.array(z.object({ source: z.string(), headers: z.array(headerSchema) })),
});
const configSchema = z.looseObject({ hosting: hostingSchema });

const raw: unknown = JSON.parse(
  readFileSync(new URL("../../firebase.json", import.meta.url), "utf8"),
);
const production = configSchema.parse(raw);
const local = configSchema.parse(localConfig(z.looseObject({}).parse(raw)));

function headersOf(config: z.infer<typeof configSchema>): Map<string, string> {
  const everywhere = config.hosting.headers.find((rule) => rule.source === "**");
  return new Map((everywhere?.headers ?? []).map(({ key, value }) => [key.toLowerCase(), value]));
}

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter((parts) => parts[0] !== "")
      .map(([name = "", ...sources]) => [name, sources]),
  );
}

const LOOPBACK = /127\.0\.0\.1|localhost|\[::1\]/;

describe("firebase.json hosting headers", () => {
  const headers = headersOf(production);
  const policy = directives(headers.get("content-security-policy") ?? "");

  it("sends nosniff, a referrer policy and a permissions policy on every path", () => {
    expect(headers.get("x-content-type-options")).to.equal("nosniff");
    expect(headers.get("referrer-policy")).to.equal("no-referrer");
    for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) {
      expect(headers.get("permissions-policy")).to.contain(`${feature}=()`);
    }
  });

  it("denies by default, framing by anyone, plugins and base changes", () => {
    expect(policy.get("default-src")).to.deep.equal(["'none'"]);
    expect(policy.get("frame-ancestors")).to.deep.equal(["'none'"]);
    expect(policy.get("object-src")).to.deep.equal(["'none'"]);
    expect(policy.get("base-uri")).to.deep.equal(["'none'"]);
  });

  it("allows scripts and styles from the page's own origin only, never inline or eval", () => {
    for (const name of ["script-src", "style-src"]) {
      const sources = policy.get(name) ?? [];
      expect(sources, name).to.include("'self'");
      expect(sources.join(" "), name).not.to.match(/unsafe-inline|unsafe-eval|\*(?!\.)/);
    }
  });

  it("lets the page reach exactly Auth, the Realtime Database, Functions and FCM's registration in production", () => {
    expect(policy.get("connect-src")).to.have.members([
      "'self'",
      "https://identitytoolkit.googleapis.com",
      "https://securetoken.googleapis.com",
      "https://*.firebaseio.com",
      "wss://*.firebaseio.com",
      "https://*.firebasedatabase.app",
      "wss://*.firebasedatabase.app",
      "https://*.cloudfunctions.net",
      "https://fcmregistrations.googleapis.com",
      "https://firebaseinstallations.googleapis.com",
    ]);
    expect(policy.get("worker-src")).to.deep.equal(["'self'"]);
    expect(headers.get("content-security-policy")).not.to.match(LOOPBACK);
  });

  it("builds the dashboard before a hosting deploy", () => {
    expect(production.hosting.predeploy.join(" ")).to.match(/dashboard.* run build/);
  });
});

describe("the local config the emulators run with", () => {
  const prod = headersOf(production);
  const widened = headersOf(local);
  const before = directives(prod.get("content-security-policy") ?? "");
  const after = directives(widened.get("content-security-policy") ?? "");

  it("adds the emulators' loopback origins and nothing else to the policy", () => {
    for (const [name, sources] of after) {
      const added = sources.filter((source) => !(before.get(name) ?? []).includes(source));
      for (const source of added) expect(source, name).to.match(LOOPBACK);
    }
    expect(after.get("connect-src")).to.include.members([
      "http://127.0.0.1:9099",
      "http://127.0.0.1:9000",
      "ws://127.0.0.1:9000",
      "http://127.0.0.1:5001",
    ]);
    expect(after.get("script-src")).to.include("http://127.0.0.1:9000");
    expect([...after.keys()]).to.deep.equal([...before.keys()]);
  });

  it("keeps every other header and the rest of the config as they are", () => {
    for (const [key, value] of prod) {
      if (key !== "content-security-policy") expect(widened.get(key), key).to.equal(value);
    }
    const withoutHosting = (config: object) =>
      Object.fromEntries(Object.entries(config).filter(([key]) => key !== "hosting"));
    expect(withoutHosting(local)).to.deep.equal(withoutHosting(production));
  });
});
