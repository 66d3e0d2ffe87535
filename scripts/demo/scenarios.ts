/**
 * What the simulated gateway plays: scripted calls and texts against the demo tenant's subjects
 * (scripts/seed.ts), a device sending vitals, and a missed call, each written so the real triage
 * takes it where the script says (tested in test/e2e/scenarios.test.ts), paced like people.
 */
import { GatewayCall, type GatewayClient, type Medium, type TurnAnswer } from "./gateway-client.js";

export interface CallScript {
  /** Who is calling, as the demo log names them. */
  readonly caller: string;
  readonly from: string;
  readonly medium: Medium;
  /** The caller's turns, in order. */
  readonly turns: readonly string[];
  /** Where triage must have taken the call by the last scripted turn. */
  readonly expect: "normal" | "urgent" | "critical";
  /**
   * Said while the caller stays on the line after the script (critical calls): long enough for a
   * supervisor to acknowledge, take over, write to the caller and hand back.
   */
  readonly hold?: readonly string[];
}

// The demo tenant's numbers (scripts/seed.ts); +1555555019x numbers are in no directory, so they
// reach the default tenant as unknown callers.
export const ADA = "+15555550101";
export const BEN = "+15555550102";
export const CHEN = "+15555550103";
export const CHEN_WORK = "+15555550113";
export const UNKNOWN_NEIGHBOUR = "+15555550190";
export const UNKNOWN_MISSED = "+15555550191";
export const UNKNOWN_SPANISH = "+15555550192";

export const CALLS = {
  adaChestPain: {
    caller: "Ada Okafor",
    from: ADA,
    medium: "voice",
    expect: "critical",
    turns: [
      "Hello, it's Ada. I'm at home and I'm not feeling quite right this morning.",
      "I feel a bit dizzy, and my chest feels tight.",
      "It's getting worse, I can hardly breathe and I'm sweating a lot.",
    ],
    hold: [
      "I'm sitting down on the kitchen floor now.",
      "The front door is unlocked. I'm still here.",
      "Yes, I'm still on the line.",
      "I can hear you. Please stay with me.",
      "I'm still here.",
      "Okay. I'm trying to breathe slowly.",
    ],
  },
  benNurseVisit: {
    caller: "Ben Lindqvist",
    from: BEN,
    medium: "voice",
    expect: "normal",
    turns: [
      "Hi, it's Ben. I just wanted to check what time the nurse is coming tomorrow.",
      "Okay. And could she bring my new prescription with her?",
      "Lovely, thank you. That's all for today.",
    ],
  },
  chenAppointmentText: {
    caller: "Chen Wei",
    from: CHEN,
    medium: "sms",
    expect: "normal",
    turns: ["hi can u tell me my appointment time for thursday", "ok thx, see u then"],
  },
  neighbourFireText: {
    caller: "unknown texter",
    from: UNKNOWN_NEIGHBOUR,
    medium: "sms",
    expect: "critical",
    turns: [
      "hi theres smoke coming out of the flat next door",
      "now i can see flames, the fire is spreading to our stairwell",
      "we r trapped on the 3rd floor, pls send help now",
    ],
    hold: [
      "we are in the back bedroom with the door shut",
      "towels under the door like u said",
      "still here. i can hear sirens",
    ],
  },
  spanishMotherFall: {
    caller: "unknown caller (Spanish)",
    from: UNKNOWN_SPANISH,
    medium: "voice",
    expect: "critical",
    turns: [
      "hola, necesito ayuda, mi madre se cayó en la cocina",
      "no puede levantarse",
      "ahora no responde y creo que no respira",
    ],
    hold: [
      "sí, estoy haciendo las compresiones",
      "estamos en la calle Mayor 10, piso 2",
      "sigo aquí con ella",
    ],
  },
  chenLadderFall: {
    caller: "Chen Wei (work phone)",
    from: CHEN_WORK,
    medium: "voice",
    expect: "critical",
    turns: [
      "I'm out at the north site. I slipped coming down a ladder.",
      "I think my leg is broken, I can't put any weight on it.",
      "There's a lot of blood, it won't stop bleeding.",
    ],
    hold: [
      "Okay, I'm pressing on it with my jacket.",
      "I'm by the blue container at gate four.",
      "Still here. It's slowing down a bit.",
    ],
  },
} as const satisfies Record<string, CallScript>;

/**
 * Ben's watch, registered to subject-ben of tenant demo by the seed: the gateway sends only the
 * device id, and the registry says whose readings they are.
 */
export const DEVICE = { deviceId: "watch-ben" } as const;

export interface DemoReading {
  readonly kind: "heart_rate" | "spo2" | "temperature";
  readonly value: number;
  readonly unit: string;
}

/** A normal batch, with a little natural variation so the dashboard visibly updates. */
export function normalVitals(n: number): DemoReading[] {
  return [
    { kind: "heart_rate", value: 68 + (n % 7), unit: "bpm" },
    { kind: "spo2", value: 96 + (n % 3), unit: "%" },
    { kind: "temperature", value: Math.round((36.6 + (n % 4) / 10) * 10) / 10, unit: "°C" },
  ];
}

/** The one abnormal batch of each cycle: oxygen saturation below the tenant's threshold of 92 %. */
export function abnormalVitals(): DemoReading[] {
  return [
    { kind: "heart_rate", value: 112, unit: "bpm" },
    { kind: "spo2", value: 89, unit: "%" },
    { kind: "temperature", value: 37.1, unit: "°C" },
  ];
}

// ---------------------------------------------------------------- playing a call

/** A human may keep a caller on the line for a while, but a demo call does end eventually. */
const MAX_HOLD_TURNS = 40;

export interface PlayOptions {
  /** Pause between a reply and the caller's next turn. */
  readonly pauseMs: number;
  /** Resolves early when the demo stops; `isStopped` says whether it has. */
  readonly wait: (ms: number) => Promise<void>;
  readonly isStopped: () => boolean;
  readonly log: (line: string) => void;
}

function describeAnswer(answer: TurnAnswer): string[] {
  const lines: string[] = [];
  for (const text of answer.say) lines.push(`    supervisor → caller: ${text}`);
  if (answer.reply !== null) lines.push(`    assistant: ${answer.reply}`);
  else lines.push(`    (a human owns the call: no AI reply)`);
  return lines;
}

/**
 * Plays one call to its end: the scripted turns, then — for a call that stays on the line — the
 * hold turns, continued for as long as a human owns the call, then the hang-up.
 */
export async function playCall(
  client: GatewayClient,
  script: CallScript,
  options: PlayOptions,
): Promise<void> {
  const call = new GatewayCall(client, script.from, script.medium);
  const tag = `${script.caller} (${script.medium === "sms" ? "SMS" : "voice"})`;
  const turn = async (text: string): Promise<TurnAnswer> => {
    const answer = await call.turn(text);
    options.log(`${tag} [${answer.urgency}] caller: ${text}`);
    for (const line of describeAnswer(answer)) options.log(line);
    return answer;
  };

  let answer: TurnAnswer | undefined;
  for (const text of script.turns) {
    if (options.isStopped()) return;
    answer = await turn(text);
    await options.wait(options.pauseMs);
  }
  const hold = script.hold ?? [];
  for (let i = 0; hold.length > 0 && i < MAX_HOLD_TURNS && !options.isStopped(); i++) {
    const humanOwns = answer?.owner.kind === "human";
    if (i >= hold.length && !humanOwns) break;
    // A caller a human is talking to stays on the line, saying the last hold line again.
    answer = await turn(hold[Math.min(i, hold.length - 1)] ?? "I'm still here.");
    await options.wait(options.pauseMs * 2);
  }
  if (options.isStopped()) return;
  await call.end();
  options.log(`${tag}: hung up`);
}
