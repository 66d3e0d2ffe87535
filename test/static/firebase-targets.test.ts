/**
 * Every Realtime Database instance gets the same rules: firebase.json deploys one rules file to
 * each database target, `.firebaserc` maps each target to exactly one instance of the project
 * named `<project>-…` (the pattern the triggers listen on; `main` is the default instance), and
 * the rules suites (test/rules) load every target's rules into a namespace outside that pattern.
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { z } from "zod";
import { rulesTargets } from "../rules/env.js";

const read = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../${name}`, import.meta.url), "utf8"));

const firebaseJson = z
  .looseObject({ database: z.array(z.object({ target: z.string(), rules: z.string() })) })
  .parse(read("firebase.json"));
const firebaserc = z
  .object({
    projects: z.object({ default: z.string() }),
    targets: z.record(
      z.string(),
      z.looseObject({ database: z.record(z.string(), z.array(z.string())) }),
    ),
  })
  .parse(read(".firebaserc"));

const project = firebaserc.projects.default;
const targets = firebaseJson.database.map((entry) => entry.target);

describe("firebase.json database targets", function () {
  it("deploys database.rules.json, and only it, to every target, each named once", function () {
    expect(targets.length).to.be.greaterThan(1);
    expect(new Set(targets).size).to.equal(targets.length);
    for (const entry of firebaseJson.database) {
      expect(entry.rules, entry.target).to.equal("database.rules.json");
    }
  });

  it("maps every target, and nothing else, to one instance of the project in .firebaserc", function () {
    const mapped = firebaserc.targets[project]?.database ?? {};
    expect(Object.keys(mapped).sort()).to.deep.equal([...targets].sort());
    const instances = Object.values(mapped).map((names) => {
      expect(names).to.have.length(1);
      return names[0] ?? "";
    });
    expect(new Set(instances).size).to.equal(instances.length);
    for (const instance of instances)
      expect(instance).to.match(new RegExp(`^${project}-[a-z0-9-]+$`));
    expect(mapped.main).to.deep.equal([`${project}-default-rtdb`]);
  });

  it("has the rules suites run every target, each in a namespace the triggers do not listen on", function () {
    const suites = rulesTargets();
    expect(suites.map((suite) => [suite.target, suite.rules])).to.deep.equal(
      firebaseJson.database.map((entry) => [entry.target, entry.rules]),
    );
    expect(new Set(suites.map((suite) => suite.namespace)).size).to.equal(suites.length);
    for (const { namespace } of suites) expect(namespace.startsWith(`${project}-`)).to.equal(false);
  });
});
