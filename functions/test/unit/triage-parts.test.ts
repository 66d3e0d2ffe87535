import { expect } from "chai";
import { CATEGORIES } from "../../src/domain/categories.js";
import { readdirSync, readFileSync } from "node:fs";
import { findMatches, requiredLiteral, termExpressions } from "../../src/domain/triage/matching.js";
import { type SignalStatus, statusOf } from "../../src/domain/triage/negation.js";
import { normalizeUtterance } from "../../src/domain/triage/normalize.js";
import { TERMS } from "../../src/domain/triage/terms.js";

/** Each found term with how it reads in its clause, as `id:phrase:status`. */
function readings(utterance: string): string[] {
  const text = normalizeUtterance(utterance);
  const matches = findMatches(text);
  return matches.map((match) => {
    const status: SignalStatus = statusOf(text, match, matches);
    return `${match.rule.id}:${text.slice(match.start, match.end)}:${status}`;
  });
}

/** Every quoted string of the triage tests: the utterances they hold triage to. */
function testUtterances(): string[] {
  const dir = new URL(".", import.meta.url);
  const found = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => name.startsWith("triage"))) {
    const source = readFileSync(new URL(file, dir), "utf8");
    for (const match of source.matchAll(/"((?:[^"\\\n]|\\.){12,})"/g)) found.add(match[1] ?? "");
  }
  return [...found];
}

describe("requiredLiteral", () => {
  it("finds the plain stretch every match contains, leaving out groups, classes and optional characters", () => {
    expect(requiredLiteral("suicidal")).to.equal("suicidal");
    expect(requiredLiteral("self[- ]?harm(?:ing)?")).to.equal("self");
    expect(requiredLiteral("(?:want(?:s|ed)? to|wanna) jump(?:ing)?")).to.equal(" jump");
    expect(requiredLiteral("smokes?")).to.equal("smoke");
    expect(requiredLiteral("bre+athing")).to.equal("athing");
    expect(requiredLiteral("a{2}bcd\\sef")).to.equal("bcd");
    expect(requiredLiteral("(?:a|b)(?:c|d)")).to.equal("");
    expect(requiredLiteral("ab")).to.equal("", "too short to be worth a filter");
  });

  it("is in every match of its expression, over every utterance the triage tests use", () => {
    const utterances = testUtterances().map((text) => normalizeUtterance(text));
    expect(utterances.length).to.be.above(200);
    let checked = 0;
    for (const { literal, regex } of termExpressions()) {
      for (const text of utterances) {
        for (const match of text.matchAll(regex)) {
          expect(match[0], regex.source).to.include(literal);
          checked++;
        }
      }
    }
    expect(checked).to.be.above(100);
  });
});

describe("TERMS", () => {
  it("names every entry once, under its own category, in a category the playbook knows", () => {
    const ids = TERMS.map((rule) => rule.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const rule of TERMS) {
      expect(CATEGORIES).to.include(rule.category);
      expect(rule.id.startsWith(`${rule.category}/`), rule.id).to.equal(true);
    }
  });

  it("only lists typo-tolerant words long enough to be read with a typo, each found by its own entry", () => {
    for (const rule of TERMS) {
      for (const word of rule.fuzzy ?? []) {
        expect(word.length, `${rule.id}: ${word}`).to.be.at.least(7);
        expect(
          findMatches(word).map((match) => match.rule.id),
          `${rule.id}: ${word}`,
        ).to.deep.equal([rule.id]);
      }
    }
  });
});

describe("findMatches", () => {
  it("keeps the longest of overlapping terms", () => {
    expect(findMatches("the smoke detector is beeping").map((m) => m.rule.id)).to.deep.equal([
      "fire/alarm",
    ]);
    expect(findMatches("he's not breathing").map((m) => m.rule.id)).to.deep.equal([
      "medical/not-breathing",
    ]);
  });

  it("reads a word one typo away from a typo-tolerant term as that term", () => {
    const [match, ...rest] = findMatches("she is unconscoius");
    expect(rest).to.deep.equal([]);
    expect(match?.rule.id).to.equal("medical/unconscious");
    expect(match?.readAs).to.equal("unconscious");
  });

  it("finds nothing in words that only contain a term", () => {
    expect(findMatches("the fireworks were lovely")).to.deep.equal([]);
    expect(findMatches("firefly season")).to.deep.equal([]);
  });

  it("returns matches in the order they appear", () => {
    const text = "there is smoke and he collapsed";
    expect(findMatches(text).map((m) => text.slice(m.start, m.end))).to.deep.equal([
      "smoke",
      "collapsed",
    ]);
  });
});

describe("statusOf", () => {
  it("scopes a denial to its clause", () => {
    expect(readings("nobody is hurt but the car is on fire")).to.deep.equal([
      "injury/fracture:hurt:negated",
      "fire/fire:on fire:counted",
    ]);
    expect(readings("nobody is hurt but fire everywhere")).to.deep.equal([
      "injury/fracture:hurt:negated",
      "fire/fire:fire:counted",
    ]);
  });

  it("reads a term after a question about a situation as hypothetical", () => {
    expect(readings("what do I do in case of fire?")).to.deep.equal([
      "fire/fire:fire:hypothetical",
    ]);
  });

  it("reads a cleared situation as denied, and bleeding out as what it is", () => {
    expect(readings("the bleeding has stopped")).to.deep.equal([
      "injury/bleeding:bleeding:negated",
    ]);
    expect(readings("he is bleeding out")).to.not.include("injury/bleeding:bleeding:negated");
  });

  it("does not read doubt or intensity as denial", () => {
    expect(readings("not sure there's smoke")).to.deep.equal(["fire/smoke:smoke:counted"]);
    expect(readings("I've never had chest pain like this")[0]).to.match(/:counted$/);
  });

  it("lets `no` deny only what directly follows it", () => {
    expect(readings("no more smoke")).to.deep.equal(["fire/smoke:smoke:negated"]);
    expect(readings("no, he's bleeding")).to.deep.equal(["injury/bleeding:bleeding:counted"]);
  });
});
