import { expect } from "chai";
import {
  createResponder,
  lazyChatResponder,
  type ChatModule,
  type ChatResponderConfig,
  type FallbackEvent,
  type ResponderInput,
} from "../../src/domain/responder/index.js";
import { createPlaybookResponder, playbookReply } from "../../src/domain/responder/playbook.js";

const INPUT: ResponderInput = {
  text: "there's smoke coming from the kitchen",
  history: [],
  urgency: "urgent",
  mode: "normal",
};

/** A chat endpoint that answers every request with `content`, counting the requests. */
function answering(content: string) {
  const calls: string[] = [];
  const fetchStub: typeof fetch = (input) => {
    calls.push(input instanceof Request ? input.url : String(input));
    return Promise.resolve(
      new Response(JSON.stringify({ choices: [{ message: { content } }] }), { status: 200 }),
    );
  };
  return { calls, fetch: fetchStub };
}

function chatConfig(overrides: Partial<ChatResponderConfig> = {}): ChatResponderConfig {
  return {
    baseUrl: "http://chat.invalid/v1",
    model: "test-model",
    apiKey: "",
    budgetMs: 1000,
    fallback: createPlaybookResponder(),
    ...overrides,
  };
}

describe("createResponder", () => {
  it("returns the playbook when no chat endpoint is configured, the chat responder when one is", () => {
    expect(createResponder().name).to.equal("playbook");
    expect(createResponder({ chat: { baseUrl: " ", model: "m" } }).name).to.equal("playbook");
    expect(createResponder({ chat: { baseUrl: "http://chat.invalid", model: "m" } }).name).to.equal(
      "chat",
    );
  });
});

describe("lazyChatResponder", () => {
  it("loads the chat module on the first answer, not before, and only once", async () => {
    const endpoint = answering("Get everyone out now.");
    let loads = 0;
    const responder = lazyChatResponder(chatConfig({ fetch: endpoint.fetch }), () => {
      loads += 1;
      return import("../../src/domain/responder/chat.js");
    });
    expect(loads).to.equal(0);
    const [first, second] = await Promise.all([responder.respond(INPUT), responder.respond(INPUT)]);
    expect(await responder.respond(INPUT)).to.deep.equal(first);
    expect(loads).to.equal(1);
    expect(first).to.deep.equal({ text: "Get everyone out now.", sources: ["chat/test-model"] });
    expect(second).to.deep.equal(first);
    expect(endpoint.calls).to.deep.equal(Array(3).fill("http://chat.invalid/v1/chat/completions"));
  });

  it("answers from the playbook, marked unavailable, when the chat module cannot be loaded", async () => {
    const endpoint = answering("never heard");
    const events: FallbackEvent[] = [];
    const responder = lazyChatResponder(
      chatConfig({ fetch: endpoint.fetch, onFallback: (event) => events.push(event) }),
      (): Promise<ChatModule> => Promise.reject(new TypeError("module not found")),
    );
    const reply = await responder.respond(INPUT);
    expect(reply).to.deep.equal({ ...playbookReply(INPUT), fallback: "unavailable" });
    expect(events.map((e) => [e.reason, e.detail, e.model])).to.deep.equal([
      ["unavailable", "TypeError", "test-model"],
    ]);
    expect(endpoint.calls).to.deep.equal([]);
  });

  it("still answers when the fallback log hook throws", async () => {
    const responder = lazyChatResponder(
      chatConfig({
        onFallback: () => {
          throw new Error("logger down");
        },
      }),
      (): Promise<ChatModule> => Promise.reject(new Error("broken deploy")),
    );
    expect((await responder.respond(INPUT)).fallback).to.equal("unavailable");
  });
});
