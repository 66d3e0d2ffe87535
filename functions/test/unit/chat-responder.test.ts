import { expect } from "chai";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  buildChatMessages,
  createChatResponder,
  systemPrompt,
  type FallbackEvent,
} from "../../src/domain/responder/chat.js";
import { createPlaybookResponder, playbookReply } from "../../src/domain/responder/playbook.js";
import { createResponder, type ResponderInput } from "../../src/domain/responder/index.js";
import { startChatStandin, type ChatStandin } from "../support/chat-standin.js";

const API_KEY = "sk-standin-0123";
const MODEL = "lifeline-test-model";
/** Generous for a local answer; the timeout tests use their own short budget. */
const BUDGET_MS = 10_000;

const INPUT: ResponderInput = {
  text: "he's still not breathing, what do I do",
  history: [
    { role: "caller", text: "My husband collapsed" },
    { role: "assistant", text: "I'm alerting the team now." },
    { role: "agent", text: "This is Sam from the dispatch desk, I'm watching." },
    { role: "system", text: "The supervisor handed the call back." },
  ],
  urgency: "critical",
  mode: "normal",
  callerName: "Ana",
};

interface ChatBody {
  model: string;
  max_tokens: number;
  temperature: number;
  messages: { role: string; content: string }[];
}

function isChatBody(body: unknown): body is ChatBody {
  return typeof body === "object" && body !== null && "messages" in body && "model" in body;
}

describe("createChatResponder", () => {
  let standin: ChatStandin;
  let fallbacks: FallbackEvent[];

  beforeEach(async () => {
    standin = await startChatStandin({ apiKey: API_KEY });
    fallbacks = [];
  });
  afterEach(() => standin.close());

  function responder(budgetMs = BUDGET_MS, apiKey = API_KEY) {
    return createChatResponder({
      baseUrl: standin.baseUrl,
      model: MODEL,
      apiKey,
      budgetMs,
      fallback: createPlaybookResponder(),
      onFallback: (event) => fallbacks.push(event),
    });
  }

  it("returns the model's answer and sends model, messages, limits and the bearer key", async () => {
    standin.behave({ kind: "answer", content: "  Keep pushing on the chest, hard and fast.  " });
    const reply = await responder().respond(INPUT);
    expect(reply).to.deep.equal({
      text: "Keep pushing on the chest, hard and fast.",
      sources: [`chat/${MODEL}`],
    });
    expect(fallbacks).to.deep.equal([]);

    const request = await standin.nextRequest();
    expect(request.method).to.equal("POST");
    expect(request.path).to.equal("/v1/chat/completions");
    expect(request.headers.authorization).to.equal(`Bearer ${API_KEY}`);
    expect(request.headers["content-type"]).to.match(/^application\/json/);
    expect(request.status).to.equal(200);
    if (!isChatBody(request.body)) throw new Error("the stand-in did not receive a chat body");
    expect(request.body.model).to.equal(MODEL);
    expect(request.body.max_tokens).to.be.a("number").and.be.greaterThan(0);
    expect(request.body.temperature).to.be.a("number");
    expect(request.body.messages).to.deep.equal(buildChatMessages(INPUT));
    expect(request.body.messages.map((m) => m.role)).to.deep.equal([
      "system",
      "user",
      "assistant",
      "assistant",
      "system",
      "user",
    ]);
    expect(request.body.messages[3]?.content).to.equal(
      "[Human supervisor, to the caller] This is Sam from the dispatch desk, I'm watching.",
    );
    expect(request.body.messages.at(-1)?.content).to.equal(INPUT.text);
    const system = request.body.messages[0]?.content ?? "";
    expect(system).to.contain("Call urgency: critical.");
    expect(system).to.contain("Call category: medical.");
    expect(system).to.contain("The caller's name is Ana.");
    expect(system).to.contain("Start chest compressions");
    expect(system).to.not.contain("SAFETY MODE");
  });

  it("sends the safety guardrail in the system prompt in safety mode", async () => {
    standin.behave({ kind: "answer", content: "Stay on the line. Where are you exactly?" });
    await responder().respond({ ...INPUT, mode: "safety" });
    const request = await standin.nextRequest();
    if (!isChatBody(request.body)) throw new Error("the stand-in did not receive a chat body");
    const system = request.body.messages[0]?.content ?? "";
    expect(system).to.contain("SAFETY MODE");
    expect(system).to.contain("stay on the line");
    expect(system).to.contain("confirm their exact location");
    expect(system).to.contain("help is being alerted");
  });

  describe("refuses a reply that fails the checks, and the playbook answers", () => {
    const refusals: readonly [string, ResponderInput, string, string][] = [
      [
        "advice that contradicts what the caller said",
        INPUT,
        "If he's breathing, roll him onto his side.",
        "contradicts-caller",
      ],
      [
        "medication advice on a self-harm call",
        {
          text: "I have pills",
          history: [
            { role: "caller", text: "I want to end it all" },
            { role: "assistant", text: "I'm really glad you told me." },
          ],
          urgency: "critical",
          mode: "normal",
        },
        "Please don't change any medication without talking to your doctor.",
        "forbidden-advice",
      ],
      [
        "a spoken reply longer than one breath",
        { ...INPUT, mode: "normal" },
        `Keep pushing on the chest. ${"Push hard and fast in the centre. ".repeat(8)}`,
        "too-long",
      ],
      [
        "an answer in English to a caller speaking Spanish",
        {
          text: "no puede levantarse",
          history: [{ role: "caller", text: "hola necesito ayuda mi madre se cayó" }],
          urgency: "urgent",
          mode: "normal",
        },
        "Don't try to lift her. Keep her warm and still.",
        "wrong-language",
      ],
      [
        "a safety-mode reply with no safety line",
        { ...INPUT, mode: "safety" },
        "Keep pushing on the chest, hard and fast.",
        "no-safety-line",
      ],
    ];
    for (const [what, input, content, check] of refusals) {
      it(what, async () => {
        standin.behave({ kind: "answer", content });
        const reply = await responder().respond(input);
        expect(reply).to.deep.equal({ ...playbookReply(input), fallback: "refused" });
        expect(fallbacks).to.have.length(1);
        expect(fallbacks[0]?.reason).to.equal("refused");
        expect(fallbacks[0]?.detail).to.match(new RegExp(`^${check}: `));
        // The log names the rule, never the conversation or the refused words.
        expect(fallbacks[0]?.detail).to.not.contain(content.slice(0, 20));
      });
    }

    it("passes a reply that fits the conversation", async () => {
      standin.behave({ kind: "answer", content: "Keep pushing on the chest, hard and fast." });
      const reply = await responder().respond({ ...INPUT, mode: "normal" });
      expect(reply).to.deep.equal({
        text: "Keep pushing on the chest, hard and fast.",
        sources: [`chat/${MODEL}`],
      });
      expect(fallbacks).to.deep.equal([]);
    });
  });

  it("falls back to the playbook when the answer does not come within the budget", async () => {
    standin.behave({ kind: "hold" });
    const reply = await responder(200).respond(INPUT);
    expect(reply).to.deep.equal({ ...playbookReply(INPUT), fallback: "timeout" });
    expect(fallbacks.map((f) => [f.reason, f.model])).to.deep.equal([["timeout", MODEL]]);
    // The request really was sent and then abandoned, not refused.
    const request = await standin.nextRequest();
    await standin.clientAborted(request);
    expect(request.clientAborted).to.equal(true);
    expect(request.status).to.equal(0);
  });

  it("falls back to the playbook when the turn is abandoned by the caller's signal", async () => {
    standin.behave({ kind: "hold" });
    const turn = new AbortController();
    const replying = responder().respond(INPUT, turn.signal);
    const request = await standin.nextRequest();
    turn.abort();
    expect(await replying).to.deep.equal({ ...playbookReply(INPUT), fallback: "aborted" });
    await standin.clientAborted(request);
  });

  it("falls back to the playbook on a server error", async () => {
    standin.behave({ kind: "status", status: 500 });
    const reply = await responder().respond(INPUT);
    expect(reply).to.deep.equal({ ...playbookReply(INPUT), fallback: "http" });
    expect(fallbacks[0]).to.include({ reason: "http", detail: "status 500" });
    expect((await standin.nextRequest()).status).to.equal(500);
  });

  it("falls back to the playbook when the key is refused", async () => {
    const reply = await responder(BUDGET_MS, "sk-wrong").respond(INPUT);
    expect(reply.fallback).to.equal("http");
    const request = await standin.nextRequest();
    expect(request.headers.authorization).to.equal("Bearer sk-wrong");
    expect(request.status).to.equal(401);
  });

  it("falls back to the playbook on malformed JSON", async () => {
    standin.behave({ kind: "malformed" });
    const reply = await responder().respond(INPUT);
    expect(reply).to.deep.equal({ ...playbookReply(INPUT), fallback: "malformed" });
    expect((await standin.nextRequest()).status).to.equal(200);
  });

  it("falls back to the playbook when there are no choices", async () => {
    standin.behave({ kind: "empty-choices" });
    expect(await responder().respond(INPUT)).to.deep.equal({
      ...playbookReply(INPUT),
      fallback: "empty",
    });
  });

  it("falls back to the playbook when the content is blank", async () => {
    standin.behave({ kind: "empty-content" });
    expect((await responder().respond(INPUT)).fallback).to.equal("empty");
    expect(fallbacks.map((f) => f.reason)).to.deep.equal(["empty"]);
  });

  it("falls back to the playbook when nothing listens at the base URL", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const address: AddressInfo | string | null = closed.address();
    if (address === null || typeof address === "string") throw new Error("not on TCP");
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );
    const reply = await createChatResponder({
      baseUrl: `http://127.0.0.1:${address.port}/v1/`,
      model: MODEL,
      apiKey: API_KEY,
      budgetMs: BUDGET_MS,
      fallback: createPlaybookResponder(),
    }).respond(INPUT);
    expect(reply.fallback).to.equal("network");
    expect(reply.sources[0]).to.match(/^playbook\//);
  });

  it("omits the Authorization header when no key is configured", async () => {
    await responder(BUDGET_MS, "").respond(INPUT);
    const request = await standin.nextRequest();
    expect(request.headers).to.not.have.property("authorization");
    expect(request.status).to.equal(401);
  });
});

describe("createResponder with a chat endpoint", () => {
  let standin: ChatStandin;
  beforeEach(async () => {
    standin = await startChatStandin({
      apiKey: API_KEY,
      behaviour: { kind: "answer", content: "Help is on the way." },
    });
  });
  afterEach(() => standin.close());

  it("returns chat answers from the configured endpoint and model", async () => {
    const responder = createResponder({
      chat: {
        baseUrl: standin.baseUrl,
        model: MODEL,
        apiKey: API_KEY,
        budgetMs: BUDGET_MS,
        maxTokens: 80,
        temperature: 0,
      },
    });
    expect(await responder.respond(INPUT)).to.deep.equal({
      text: "Help is on the way.",
      sources: [`chat/${MODEL}`],
    });
    const request = await standin.nextRequest();
    if (!isChatBody(request.body)) throw new Error("the stand-in did not receive a chat body");
    expect([request.body.max_tokens, request.body.temperature]).to.deep.equal([80, 0]);
  });

  it("reports each fallback to onFallback", async () => {
    standin.behave({ kind: "status", status: 503 });
    const events: FallbackEvent[] = [];
    const responder = createResponder({
      chat: { baseUrl: standin.baseUrl, model: MODEL, apiKey: API_KEY },
      onFallback: (event) => events.push(event),
    });
    const reply = await responder.respond(INPUT);
    expect(reply.fallback).to.equal("http");
    expect(events.map((e) => e.detail)).to.deep.equal(["status 503"]);
  });
});

describe("systemPrompt", () => {
  it("returns the call's category inferred from the conversation when triage gave none", () => {
    const prompt = systemPrompt({
      text: "ok",
      history: [{ role: "caller", text: "I can smell gas" }],
      urgency: "critical",
      mode: "normal",
    });
    expect(prompt).to.contain("Call category: chemical.");
    expect(prompt).to.contain("Playbook guidance (chemical)");
  });
});

describe("systemPrompt grounding", () => {
  it("gives the model the conversation state its reply is checked against", () => {
    const prompt = systemPrompt({
      text: "I'm at 12 Oak Street, flat 3",
      history: [
        { role: "caller", text: "I think I'm having a heart attack" },
        { role: "assistant", text: "Help is being alerted right now." },
        { role: "caller", text: "I'm alone at home" },
      ],
      urgency: "critical",
      mode: "safety",
      medium: "voice",
    });
    expect(prompt).to.contain("The caller is the person in danger: speak to them as you.");
    expect(prompt).to.match(/Facts the caller stated \(latest wins\): .*alone: yes/);
    expect(prompt).to.contain('Location given by the caller: "12 Oak Street, flat 3".');
    expect(prompt).to.contain("at most 220 characters");
  });

  it("tells the model about self-harm, a caller who may not be able to talk, and the language", () => {
    const selfHarm = systemPrompt({
      text: "I have pills",
      history: [{ role: "caller", text: "I want to end it all" }],
      urgency: "critical",
      mode: "normal",
    });
    expect(selfHarm).to.contain("Never give medical or medication advice.");
    const silent = systemPrompt({
      text: "…",
      history: [],
      urgency: "urgent",
      mode: "normal",
      medium: "sms",
    });
    expect(silent).to.contain("ask only questions they can answer with yes or no");
    expect(silent).to.contain("sent as a text message: at most 400 characters");
    const spanish = systemPrompt({
      text: "hola, mi madre se cayó",
      history: [],
      urgency: "urgent",
      mode: "normal",
    });
    expect(spanish).to.contain("reply only in Spanish");
  });
});
