/**
 * The playbook: what the assistant tells a caller, one short spoken instruction at a time. Each
 * section is a category; each step has a stable id, which is what a reply cites as its source
 * (`playbook/fire#evacuate`). Steps are tried in order; `when` and `unless` are tested against
 * everything the caller has said, so specific advice comes first when it applies and advice the
 * caller has already made moot ("we're outside") is skipped.
 *
 * This file is data: edit the wording and the steps here; how a step is chosen lives in playbook.ts.
 */
import type { Urgency } from "@lifeline/model";
import type { Category } from "../categories.js";

export interface PlaybookStep {
  readonly id: string;
  readonly text: string;
  readonly when?: RegExp;
  readonly unless?: RegExp;
  /** Not said on calls below this urgency ("help is being alerted" is only true from urgent up). */
  readonly minUrgency?: Urgency;
}

export interface PlaybookSection {
  /** The section's name in sources; differs from the category where a hyphen reads better. */
  readonly name: string;
  readonly steps: readonly PlaybookStep[];
}

const OUTSIDE =
  /\b(?:outside|got out|(?:we're|i'm|we are|i am|everyone's|everyone is) out\b|out of the (?:house|building|flat))/;
/** Conditions where asking about symptoms wastes the caller's time: there is only one thing to do. */
const LIFE_THREATENING =
  /\b(?:not|isn't|stopped|no longer) breath|\bno pulse\b|\bheart (?:has )?stopped\b|\bcardiac arrest\b|\bchok(?:ing|ed)\b/;
const TRAPPED = /\b(?:trapped|can't get out|stuck inside|can't leave|locked in)\b/;

export const PLAYBOOK: Readonly<Record<Category, PlaybookSection>> = {
  fire: {
    name: "fire",
    steps: [
      {
        id: "clothes-on-fire",
        when: /\b(?:clothes|hair|sleeve|shirt|dress|he's|she's|i'm|they're) (?:are |is |caught )?on fire\b/,
        text: "If someone's clothes are on fire: stop, drop to the ground and roll. Smother the flames with a coat or blanket.",
      },
      {
        id: "trapped",
        when: TRAPPED,
        text: "Go into a room with a window and close the door. Put towels or clothes along the bottom of the door, open the window and signal so you can be seen.",
      },
      {
        id: "small-fire",
        when: /\b(?:pan|frying|oil|chip pan|small fire|bin fire|extinguisher)\b/,
        unless: OUTSIDE,
        text: "For a pan fire, turn off the heat and cover the pan with a lid or a damp towel. Never throw water on it. If it spreads, leave.",
      },
      {
        id: "alarm",
        when: /\b(?:alarm|detector)\b/,
        unless: /\bfire\b(?! alarm)/,
        text: "If the alarm is sounding and you can't see the cause, leave the building anyway and wait outside.",
      },
      {
        id: "evacuate",
        unless: OUTSIDE,
        text: "Get everyone out of the building now. Don't stop to collect belongings.",
      },
      {
        id: "stay-low",
        unless: OUTSIDE,
        text: "If there's smoke, stay low, close to the floor, where the air is clearer.",
      },
      {
        id: "doors",
        unless: OUTSIDE,
        text: "Feel doors with the back of your hand before opening them; if a door is hot, use another way out. Close doors behind you.",
      },
      {
        id: "outside",
        text: "Stay well away from the building and don't go back in for anything or anyone.",
      },
      {
        id: "headcount",
        text: "Count everyone who was with you. Is anyone missing or still inside?",
      },
      {
        id: "burns",
        when: /\bburn/,
        text: "Cool any burn under cool running water for twenty minutes. No ice, no creams.",
      },
    ],
  },
  medical: {
    name: "medical",
    steps: [
      {
        id: "cpr",
        when: /\b(?:not|isn't|stopped|no longer|aren't) breath|\bno pulse\b|\bheart (?:has )?stopped\b|\bcardiac arrest\b|\bdon't think \S+ (?:\S+ )?breathing/,
        text: "Start chest compressions: push hard and fast in the centre of the chest, about two pushes a second. Don't stop until someone takes over.",
      },
      {
        id: "cpr-continue",
        when: LIFE_THREATENING,
        unless: /\bchok(?:ing|ed)\b/,
        text: "Keep going: hard and fast, about two pushes a second. If someone else is there, swap every two minutes.",
      },
      {
        id: "choking",
        when: /\bchok(?:ing|ed)\b/,
        text: "If they can't speak or cough, give five firm blows between the shoulder blades, then five thrusts just above the belly button.",
      },
      {
        id: "recovery-position",
        when: /\b(?:unconscious|unconcious|unresponsive|passed out|collapsed|not responding|won't wake|knocked out|not conscious)\b/,
        text: "If they're breathing, roll them onto their side and tilt the head back so the airway stays open.",
      },
      {
        id: "breathing-check",
        when: /\b(?:unconscious|unconcious|unresponsive|passed out|collapsed|not responding|won't wake|knocked out|not conscious)\b/,
        text: "Watch their chest. Tell me straight away if their breathing stops or changes.",
      },
      {
        id: "chest-pain",
        when: /\bchest\b|\bheart attack\b/,
        text: "Sit down and rest; don't walk around. Loosen tight clothing. If you're not allergic, chew one adult aspirin.",
      },
      {
        id: "stroke",
        when: /\bstroke|\bdroop|\bslurr|\bone side\b/,
        text: "Note the time the symptoms started: it matters for treatment. Don't give them anything to eat or drink.",
      },
      {
        id: "seizure",
        when: /\b(?:seiz|siez|convuls|fit\b|fits\b)/,
        text: "Don't hold them down or put anything in their mouth. Move hard objects away, cushion their head, and time the seizure.",
      },
      {
        id: "overdose",
        when: /\b(?:overdos|too many (?:pills|tablets)|took (?:a lot|lots) of)/,
        text: "Keep the packets so we know what was taken and how much. Keep them awake and talking; if they pass out, put them on their side.",
      },
      {
        id: "anaphylaxis",
        when: /\b(?:anaphyla|allergic|throat|epi ?pen|swelling)/,
        text: "If they have an adrenaline auto-injector, use it now in the outer thigh. Keep them sitting up if breathing is hard.",
      },
      {
        id: "breathing-difficulty",
        when: /\b(?:can't breath|cannot breath|short(?:ness)? of breath|trouble breath|hard to breath|difficulty breath|asthma|gasping|struggling to breath)/,
        text: "Help them sit upright and stay calm. If they have an inhaler, use it now.",
      },
      {
        id: "diabetic",
        when: /\b(?:blood sugar|hypo|diabetic|insulin)\b/,
        text: "If they're awake and can swallow, give them something sugary: fruit juice, a regular soft drink or sweets.",
      },
      {
        id: "symptoms",
        unless: LIFE_THREATENING,
        text: "Tell me what the symptoms are and when they started.",
      },
      {
        id: "medication",
        when: /\b(?:medication|medicine|pills|tablets|prescription|dose)\b/,
        unless: /\b(?:overdos|too many)/,
        text: "Please don't change any medication without talking to your doctor or nurse. I can pass a message to the care team.",
      },
      {
        id: "stay-with",
        unless: LIFE_THREATENING,
        minUrgency: "urgent",
        text: "Stay with them and keep them comfortable. Don't give them anything to eat or drink for now.",
      },
      {
        id: "watch",
        text: "Tell me straight away if anything changes or gets worse.",
      },
    ],
  },
  injury: {
    name: "injury",
    steps: [
      {
        id: "severe-bleeding",
        when: /\b(?:bleed|blood|gushing)/,
        minUrgency: "critical",
        text: "Press hard on the wound with a clean cloth or your hand and keep pressing. Don't lift it to look; add more cloth on top if blood soaks through.",
      },
      {
        id: "trapped",
        when: /\b(?:trapped|pinned|crushed)\b/,
        text: "Don't try to move anything heavy off them on your own unless they're in danger where they are.",
      },
      {
        id: "bleeding",
        when: /\b(?:bleed|blood|bled)/,
        text: "Press firmly on the wound with a clean cloth, and raise it above the heart if you can.",
      },
      {
        id: "spine",
        when: /\b(?:hit by|run over|knocked down|fell (?:from|off)|fallen (?:from|off)|ladder|roof|scaffold|neck|back)\b/,
        text: "Don't move them unless they're in danger: a fall or a crash can injure the spine. Keep their head and neck still.",
      },
      {
        id: "head",
        when: /\bhead\b/,
        text: "Keep them still and watch for confusion, vomiting or drowsiness. Tell me if any of those start.",
      },
      {
        id: "fall",
        when: /\b(?:fell|fall|fallen|slipped|tripped|can't get up)\b/,
        text: "Don't try to get up quickly. If you're hurt or dizzy, stay where you are and keep warm; a cushion or blanket helps.",
      },
      {
        id: "fracture",
        when: /\b(?:broken|broke|fractur|dislocat)/,
        text: "Keep the injured limb still and supported as you found it. Don't try to straighten it.",
      },
      {
        id: "burns",
        when: /\b(?:burn|burnt|scald)/,
        text: "Cool the burn under cool running water for twenty minutes. No ice, no creams. Remove rings or watches near it.",
      },
      {
        id: "minor",
        when: /\b(?:cut|cuts|bruis|sprain|scrape|graze|twisted|swollen)/,
        text: "For a small cut, rinse it with clean water and cover it. For a sprain, rest it, wrap a cold pack in cloth and hold it on, and keep it raised.",
      },
      {
        id: "assess",
        text: "Where exactly is the injury, and is the injured person awake and talking?",
      },
      {
        id: "warm",
        text: "Keep them warm and still, and tell me if anything changes.",
      },
    ],
  },
  chemical: {
    name: "chemical",
    steps: [
      {
        id: "gas-leak",
        when: /\bgas\b/,
        unless: OUTSIDE,
        text: "Don't touch light switches or anything that could spark. Open doors and windows on your way if it's quick, and leave the building now.",
      },
      {
        id: "carbon-monoxide",
        when: /\b(?:carbon monoxide|co alarm|co detector)\b/,
        text: "Get everyone into fresh air now and leave the door open behind you. Headache, dizziness and sleepiness are warning signs.",
      },
      {
        id: "swallowed",
        when: /\b(?:drank|swallowed|ingested|drinking|poison)/,
        text: "Don't make them vomit. Keep the container so we know what it was. If they get drowsy, put them on their side.",
      },
      {
        id: "skin-eyes",
        when: /\b(?:skin|eyes?|splash|burns?|on (?:me|him|her))\b/,
        text: "Rinse the skin or eyes with lots of clean running water for at least twenty minutes, and take off contaminated clothing.",
      },
      {
        id: "move-away",
        text: "Move away from the spill or the smell, upwind if you can. Don't touch it or try to clean it up.",
      },
      {
        id: "stay-out",
        text: "Once you're out, stay out, and keep other people away from the area.",
      },
      {
        id: "identify",
        text: "Do you know what the substance is? A label or the container's name helps the responders.",
      },
    ],
  },
  violence: {
    name: "violence",
    steps: [
      {
        id: "hide",
        when: /\b(?:intruder|break(?:ing)? in|broke in|burglar|someone (?:is |'s )?in (?:my|the|our))/,
        text: "Stay hidden and quiet, put your phone on silent, and lock yourself in a room if you can.",
      },
      {
        id: "weapon",
        when: /\b(?:gun|knife|weapon|armed|pistol|rifle|machete|shot|stabbed)/,
        text: "Don't try to take the weapon or confront them. Keep your distance and put a locked door between you if you can.",
      },
      {
        id: "get-safe",
        text: "If you can, get somewhere safe: a room you can lock, or out of the building. Your safety comes first.",
      },
      {
        id: "quiet-answers",
        text: "If it isn't safe to talk, just answer yes or no. Are they still near you?",
      },
      {
        id: "injuries",
        text: "Are you or anyone else hurt? If someone is bleeding, press firmly on the wound.",
      },
      {
        id: "describe",
        text: "When it's safe, tell me what the person looks like and which way they went.",
      },
    ],
  },
  lost: {
    name: "lost",
    steps: [
      {
        id: "missing-person",
        when: /\b(?:missing|wander)/,
        text: "When and where did you last see them, and what were they wearing?",
      },
      {
        id: "vehicle",
        when: /\b(?:broke down|broken down|breakdown|car|van|truck|fuel|petrol)\b/,
        text: "Pull as far off the road as you can and turn on your hazard lights. If there's a barrier, wait behind it, not in the car.",
      },
      {
        id: "landmarks",
        text: "Tell me what you can see around you: road names, signs, landmarks, shops or buildings.",
      },
      {
        id: "stay-put",
        text: "If you're safe where you are, stay put. It's easier to find someone who doesn't move.",
      },
      {
        id: "battery",
        text: "Save your phone battery: turn the screen brightness down and close other apps.",
      },
      {
        id: "warm-visible",
        text: "Keep warm and dry, and make yourself easy to see: something bright, or your phone's torch if it's dark.",
      },
    ],
  },
  self_harm: {
    name: "self-harm",
    steps: [
      {
        id: "here-with-you",
        text: "I'm really glad you told me. You're not alone, and I'm staying right here with you.",
      },
      {
        id: "means",
        text: "Are you safe right now? If there's anything near you that you could hurt yourself with, can you put it in another room?",
      },
      {
        id: "someone-near",
        text: "Is there someone you trust who could come and be with you now?",
      },
      {
        id: "breathe",
        text: "Let's slow down together: breathe in slowly for four, and out for six.",
      },
      {
        id: "talk",
        text: "Can you tell me a bit about what's happening for you right now?",
      },
    ],
  },
  general: {
    name: "general",
    steps: [
      {
        id: "message",
        when: /\b(?:appointment|message|call (?:me )?back|reschedule|booking|question|visit)\b/,
        minUrgency: "normal",
        text: "I can pass a message to the team. What would you like them to know, and when is a good time to reach you?",
      },
      {
        id: "what-happened",
        text: "Can you tell me what's happening, and where you are?",
      },
      {
        id: "safe-now",
        minUrgency: "urgent",
        text: "Are you safe where you are right now?",
      },
      {
        id: "anything-else",
        text: "Is there anything else I can help you with?",
      },
    ],
  },
};

/** Said once, on the first urgent or critical turn: the triggers have just alerted the team. */
export const TEAM_ALERTED: PlaybookStep = {
  id: "team-alerted",
  text: "I'm alerting the team now.",
  minUrgency: "urgent",
};

/** When a section has nothing new to say, these alternate so no two turns read the same. */
export const CHECK_INS: readonly PlaybookStep[] = [
  { id: "check-in", text: "I'm still here with you. Tell me if anything changes." },
  { id: "check-in-2", text: "You're doing well. What's happening now?" },
  { id: "check-in-3", text: "I'm listening. Is there anything new I should know?" },
];
