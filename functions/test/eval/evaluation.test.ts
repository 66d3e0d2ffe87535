/**
 * The evaluation set: every conversation in conversations/*.json played through the speech turn's
 * decision and the playbook responder, every reply held to its turn's checks. Prints a pass table
 * per category (the file a conversation is in) and one line per failing turn; `EVAL_VERBOSE=1`
 * prints every reply. One test per category, so a failure points at the category.
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { accumulate, checkTurn, type Failure, speaksEnglish } from "./checks.js";
import { checkReply, responderState } from "../../src/domain/responder/index.js";
import { play } from "./play.js";
import { type Conversation, conversationFileSchema, type Facts } from "./schema.js";

const DIR = fileURLToPath(new URL("./conversations/", import.meta.url));
const VERBOSE = process.env.EVAL_VERBOSE === "1";
/** The table's order; any other file is reported after these. */
const GROUPS = [
  "fire",
  "medical",
  "injury",
  "chemical",
  "violence",
  "lost",
  "self-harm",
  "general",
  "cant-talk",
  "languages",
  "sms",
];

interface Loaded {
  readonly group: string;
  readonly conversations: readonly Conversation[];
  readonly error?: string;
}

function load(file: string): Loaded {
  const group = file.replace(/\.json$/, "");
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(DIR, file), "utf8"));
  } catch (error) {
    return { group, conversations: [], error: `${file}: ${String(error)}` };
  }
  const parsed = conversationFileSchema.safeParse(raw);
  return parsed.success
    ? { group, conversations: parsed.data }
    : { group, conversations: [], error: `${file}: ${parsed.error.message}` };
}

interface TurnResult {
  readonly failures: readonly Failure[];
  readonly reply: string;
  readonly caller: string;
  readonly urgency: string;
  readonly mode: string;
}

interface ConversationResult {
  readonly id: string;
  readonly turns: readonly TurnResult[];
}

function evaluate(conversation: Conversation): ConversationResult {
  const played = play(conversation);
  let stated: Facts = {};
  let languageActive = false;
  const turns = conversation.turns.map((turn, index) => {
    const outcome = played[index];
    if (outcome === undefined) throw new Error(`${conversation.id}: turn ${index + 1} not played`);
    stated = accumulate(stated, turn.expect.stated);
    languageActive ||= conversation.language !== "en" && !speaksEnglish(turn.caller);
    const failures = checkTurn(
      turn.expect,
      { medium: conversation.medium, language: conversation.language, languageActive, stated },
      outcome,
    );
    return {
      failures,
      reply: outcome.reply,
      caller: turn.caller,
      urgency: outcome.urgency,
      mode: outcome.mode,
    };
  });
  return { id: conversation.id, turns };
}

const files = readdirSync(DIR)
  .filter((file) => file.endsWith(".json"))
  .sort((a, b) => {
    const rank = (file: string) => {
      const index = GROUPS.indexOf(file.replace(/\.json$/, ""));
      return index === -1 ? GROUPS.length : index;
    };
    return rank(a) - rank(b) || a.localeCompare(b);
  });
const loaded = files.map(load);
const results = new Map<string, ConversationResult[]>();

function passed(result: ConversationResult): boolean {
  return result.turns.every((turn) => turn.failures.length === 0);
}

function report(): string {
  const rows: string[][] = [["category", "conversations", "turns"]];
  let conversations = [0, 0];
  let turns = [0, 0];
  for (const { group } of loaded) {
    const list = results.get(group) ?? [];
    const c = [list.filter(passed).length, list.length];
    const all = list.flatMap((result) => result.turns);
    const t = [all.filter((turn) => turn.failures.length === 0).length, all.length];
    rows.push([group, `${c[0]}/${c[1]}`, `${t[0]}/${t[1]}`]);
    conversations = [(conversations[0] ?? 0) + (c[0] ?? 0), (conversations[1] ?? 0) + (c[1] ?? 0)];
    turns = [(turns[0] ?? 0) + (t[0] ?? 0), (turns[1] ?? 0) + (t[1] ?? 0)];
  }
  rows.push(["total", `${conversations[0]}/${conversations[1]}`, `${turns[0]}/${turns[1]}`]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  const table = rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  "),
  );
  const lines: string[] = [];
  for (const { group } of loaded) {
    for (const result of results.get(group) ?? []) {
      result.turns.forEach((turn, index) => {
        const where = `${result.id} #${index + 1}`;
        if (turn.failures.length > 0) {
          const failed = turn.failures.map((f) => `${f.check}: ${f.detail}`).join("; ");
          lines.push(`${where} ${failed} | reply: ${turn.reply}`);
        }
        if (VERBOSE) {
          lines.push(
            `${where} [${turn.urgency}/${turn.mode}] caller: ${turn.caller} | reply: ${turn.reply}`,
          );
        }
      });
    }
  }
  return [...table, "", ...lines].join("\n");
}

describe("evaluation set", () => {
  before(() => {
    for (const { group, conversations } of loaded) {
      results.set(group, conversations.map(evaluate));
    }
    console.log(`\n${report()}\n`);
  });

  it("has at least 80 conversations, each id once, and the issue's seven examples", () => {
    const all = loaded.flatMap((file) => file.conversations);
    expect(all.length).to.be.at.least(80);
    const ids = all.map((conversation) => conversation.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).to.deep.equal([]);
    const examples = all.flatMap((conversation) => conversation.example ?? []).sort();
    expect(examples).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
  });

  for (const file of loaded) {
    it(`${file.group}: every conversation passes`, () => {
      expect(file.error, file.error).to.equal(undefined);
      const failing = (results.get(file.group) ?? [])
        .filter((result) => !passed(result))
        .map((result) => result.id);
      expect(failing, `failing conversations in ${file.group}`).to.deep.equal([]);
    });
  }

  it("every playbook reply passes the checks the chat responder's replies are held to", () => {
    const refused: string[] = [];
    for (const conversation of loaded.flatMap((file) => file.conversations)) {
      for (const [index, turn] of play(conversation).entries()) {
        const outcome = checkReply(turn.reply, {
          state: responderState(turn.input),
          mode: turn.input.mode,
        });
        if (!outcome.ok) {
          refused.push(`${conversation.id} #${index + 1} ${outcome.check}: ${turn.reply}`);
        }
      }
    }
    expect(refused).to.deep.equal([]);
  });
});
