/**
 * The English playbook: what the assistant tells a caller, one short spoken instruction at a time.
 * Each section is a category; each step has a stable id, which is what a reply cites as its source
 * (`playbook/fire#evacuate`) and how it is recognised as said. A step is chosen from the
 * conversation state (see book.ts for the conditions): advice about what the caller just said
 * comes first, nothing contradicts a fact they stated, no question is asked twice, and a caller
 * who is the patient is spoken to as "you".
 *
 * This file is data: edit the wording and the steps here; how a step is chosen lives in playbook.ts.
 * Lines are kept under ~150 characters so a spoken reply stays one breath.
 */
import type { Category } from "../categories.js";
import type { CommonLines, Playbook, PlaybookSection } from "./book.js";

const OUTSIDE =
  /\b(?:outside|got out|(?:we're|i'm|we are|i am|everyone's|everyone is) out\b|out of the (?:house|building|flat))/;
/** Conditions where asking about symptoms wastes the caller's time: there is only one thing to do. */
const LIFE_THREATENING =
  /\b(?:not|isn't|stopped|no longer) breath|\bno pulse\b|\bheart (?:has )?stopped\b|\bcardiac arrest\b|\bchok(?:ing|ed)\b/;
const TRAPPED = /\b(?:trapped|can't get out|stuck inside|can't leave|locked in)\b/;
const FOLLOWED = /\b(?:follow|stalk|chasing|chased|behind me)/;

const SECTIONS: Readonly<Record<Category, PlaybookSection>> = {
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
        skipIf: { outside: true },
        text: "Go into a room with a window and close the door. Put towels along the bottom of the door, open the window and signal so you can be seen.",
      },
      {
        id: "small-fire",
        when: /\b(?:pan|frying|oil|chip pan|small fire|bin fire|extinguisher)\b/,
        unless: OUTSIDE,
        skipIf: { outside: true },
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
        skipIf: { outside: true, trapped: true },
        text: "Get everyone out of the building now. Don't stop to collect belongings.",
      },
      {
        id: "stay-low",
        unless: OUTSIDE,
        skipIf: { outside: true },
        text: "If there's smoke, stay low, close to the floor, where the air is clearer.",
      },
      {
        id: "doors",
        unless: OUTSIDE,
        skipIf: { outside: true, trapped: true },
        text: "Feel doors with the back of your hand before opening them; if a door is hot, use another way out. Close doors behind you.",
      },
      {
        id: "outside",
        skipIf: { trapped: true },
        text: "Stay well away from the building and don't go back in for anything or anyone.",
      },
      {
        id: "headcount",
        skipIf: { trapped: true },
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
        requires: { breathing: false },
        patient: "other",
        text: "Start chest compressions: push hard and fast in the centre of the chest, about two pushes a second. Don't stop until someone takes over.",
      },
      {
        id: "cpr-continue",
        requires: { breathing: false },
        after: "cpr",
        patient: "other",
        text: "Keep going: hard and fast, about two pushes a second. If someone else is there, swap every two minutes.",
      },
      {
        id: "choking",
        when: /\bchok(?:ing|ed)\b/,
        text: {
          caller:
            "If you can cough, keep coughing hard. If you can't, get someone to hit firmly between your shoulder blades.",
          other:
            "If they can't speak or cough, give five firm blows between the shoulder blades, then five thrusts just above the belly button.",
        },
      },
      {
        id: "recovery-position",
        requires: { conscious: false, breathing: true },
        patient: "other",
        text: "They're breathing, so roll them onto their side and tilt the head back so the airway stays open.",
      },
      {
        id: "breathing-question",
        requires: { conscious: false },
        asks: { fact: "breathing", yes: true },
        patient: "other",
        text: "Are they breathing? Look at their chest for ten seconds and tell me.",
      },
      {
        id: "breathing-check",
        requires: { conscious: false, breathing: true },
        after: "recovery-position",
        patient: "other",
        text: "Watch their chest. Tell me straight away if their breathing stops or changes.",
      },
      {
        id: "chest-pain",
        when: /\bchest\b|\bheart attack\b/,
        text: {
          caller:
            "Sit down and rest; don't walk around. Loosen tight clothing. If you're not allergic, chew one adult aspirin.",
          other:
            "Help them sit down and rest. Loosen tight clothing. If they're not allergic, they can chew one adult aspirin.",
        },
      },
      {
        id: "unlock-door",
        requires: { alone: true },
        patient: "caller",
        minUrgency: "urgent",
        text: "If you can, unlock your front door now so help can get in, then sit down near it.",
      },
      {
        id: "stay-still",
        minUrgency: "urgent",
        patient: "caller",
        text: "Stay still and rest where you are. Don't eat or drink anything for now.",
      },
      {
        id: "stroke",
        when: /\bstroke|\bdroop|\bslurr|\bone side\b/,
        text: {
          caller:
            "Note the time this started: it matters for treatment. Don't eat or drink anything.",
          other:
            "Note the time the symptoms started: it matters for treatment. Don't give them anything to eat or drink.",
        },
      },
      {
        id: "seizure",
        when: /\b(?:seiz|siez|convuls|fit\b|fits\b)/,
        patient: "other",
        text: "Don't hold them down or put anything in their mouth. Move hard objects away, cushion their head, and time the seizure.",
      },
      {
        id: "overdose",
        when: /\b(?:overdos|too many (?:pills|tablets)|took (?:a lot|lots) of)/,
        patient: "other",
        text: "Keep the packets so we know what was taken and how much. Keep them awake and talking; if they pass out, put them on their side.",
      },
      {
        id: "anaphylaxis",
        when: /\b(?:anaphyla|allergic|throat|epi ?pen|swelling)/,
        text: {
          caller:
            "If you have an adrenaline auto-injector, use it now in your outer thigh. Sit up if breathing is hard.",
          other:
            "If they have an adrenaline auto-injector, use it now in the outer thigh. Keep them sitting up if breathing is hard.",
        },
      },
      {
        id: "breathing-difficulty",
        when: /\b(?:can't breath|cannot breath|short(?:ness)? of breath|trouble breath|hard to breath|difficulty breath|asthma|gasping|struggling to breath)/,
        text: {
          caller: "Sit upright and breathe slowly. If you have an inhaler, use it now.",
          other:
            "Help them sit upright and stay calm. If they have an inhaler, they should use it now.",
        },
      },
      {
        id: "diabetic",
        when: /\b(?:blood sugar|hypo|diabetic|insulin)\b/,
        text: {
          caller:
            "If you can swallow, have something sugary now: fruit juice, a regular soft drink or sweets.",
          other:
            "If they're awake and can swallow, give them something sugary: fruit juice, a regular soft drink or sweets.",
        },
      },
      {
        id: "symptoms",
        unless: LIFE_THREATENING,
        skipIf: { breathing: false, conscious: false },
        text: {
          caller: "Tell me how you feel now and when it started.",
          other: "Tell me what the symptoms are and when they started.",
        },
      },
      {
        id: "medication",
        when: /\b(?:medication|medicine|prescription|dose)\b/,
        unless: /\b(?:overdos|too many)/,
        skipIf: { meansAtHand: true, tookSomething: true },
        text: "Please don't change any medication without talking to your doctor or nurse. I can pass a message to the care team.",
      },
      {
        id: "stay-with",
        unless: LIFE_THREATENING,
        skipIf: { breathing: false },
        minUrgency: "urgent",
        patient: "other",
        text: "Stay with them and keep them comfortable. Don't give them anything to eat or drink for now.",
      },
      {
        id: "watch",
        text: {
          caller: "Tell me straight away if you feel worse.",
          other: "Tell me straight away if anything changes or gets worse.",
        },
      },
    ],
  },
  injury: {
    name: "injury",
    steps: [
      {
        id: "severe-bleeding",
        requires: { bleeding: true },
        minUrgency: "critical",
        text: "Press hard on the wound with a clean cloth or your hand and keep pressing. Don't lift it to look; add more cloth if blood soaks through.",
      },
      {
        id: "trapped",
        when: /\b(?:trapped|pinned|crushed)\b/,
        text: {
          caller: "Try not to move, and don't pull against anything heavy. Keep talking to me.",
          other:
            "Don't try to move anything heavy off them on your own unless they're in danger where they are.",
        },
      },
      {
        id: "bleeding",
        requires: { bleeding: true },
        text: "Press firmly on the wound with a clean cloth, and raise it above the heart if you can.",
      },
      {
        id: "spine",
        when: /\b(?:hit by|run over|knocked down|fell (?:from|off)|fallen (?:from|off)|ladder|roof|scaffold|neck|back)\b/,
        text: {
          caller:
            "Try not to move: a fall or a crash can injure the spine. Keep your head and neck still.",
          other:
            "Don't move them unless they're in danger: a fall or a crash can injure the spine. Keep their head and neck still.",
        },
      },
      {
        id: "head",
        when: /\bhead\b/,
        text: {
          caller: "Keep still. Tell me if you feel confused, sick or drowsy.",
          other:
            "Keep them still and watch for confusion, vomiting or drowsiness. Tell me if any of those start.",
        },
      },
      {
        id: "fall",
        when: /\b(?:fell|fall|fallen|slipped|tripped|can't get up)\b/,
        text: {
          caller:
            "Don't try to get up quickly. Stay where you are and keep warm; a cushion or blanket helps.",
          other:
            "Don't try to lift them. Let them stay where they are and keep them warm with a blanket.",
        },
      },
      {
        id: "fracture",
        when: /\b(?:broken|broke|fractur|dislocat)/,
        text: "Keep the injured limb still and supported as it is. Don't try to straighten it.",
      },
      {
        id: "burns",
        when: /\b(?:burn|burnt|scald)/,
        text: "Cool the burn under cool running water for twenty minutes. No ice, no creams. Remove rings or watches near it.",
      },
      {
        id: "minor",
        when: /\b(?:cut|cuts|bruis|sprain|scrape|graze|twisted|swollen)/,
        skipIf: { bleeding: true },
        text: "For a small cut, rinse it with clean water and cover it. For a sprain, rest it, hold a wrapped cold pack on it and keep it raised.",
      },
      {
        id: "bleeding-question",
        asks: { fact: "bleeding", yes: true },
        text: { caller: "Are you bleeding anywhere?", other: "Are they bleeding anywhere?" },
      },
      {
        id: "assess",
        asks: { fact: "conscious", yes: true },
        patient: "other",
        text: "Is the injured person awake and talking to you?",
      },
      {
        id: "company",
        asks: { fact: "alone", yes: false },
        patient: "caller",
        text: "Is anyone there with you, or nearby who could come to you?",
      },
      {
        id: "warm",
        text: {
          caller: "Keep warm and still, and tell me if anything changes.",
          other: "Keep them warm and still, and tell me if anything changes.",
        },
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
        skipIf: { outside: true },
        text: "Don't touch light switches or anything that could spark. Open doors and windows on your way if it's quick, and leave the building now.",
      },
      {
        id: "carbon-monoxide",
        when: /\b(?:carbon monoxide|co alarm|co detector)\b/,
        skipIf: { outside: true },
        text: "Get everyone into fresh air now and leave the door open behind you. Headache, dizziness and sleepiness are warning signs.",
      },
      {
        id: "swallowed",
        when: /\b(?:drank|swallowed|ingested|drinking|poison)/,
        text: {
          caller: "Don't make yourself sick. Keep the container so we know what it was.",
          other:
            "Don't make them vomit. Keep the container so we know what it was. If they get drowsy, put them on their side.",
        },
      },
      {
        id: "skin-eyes",
        when: /\b(?:skin|eyes?|splash|burns?|on (?:me|him|her))\b/,
        text: "Rinse the skin or eyes with lots of clean running water for at least twenty minutes, and take off contaminated clothing.",
      },
      {
        id: "move-away",
        skipIf: { outside: true },
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
        id: "followed",
        when: FOLLOWED,
        text: "Head for a busy, well-lit place with people around, like a shop or a petrol station. Don't go home if they could follow you there.",
      },
      {
        id: "near-people",
        when: FOLLOWED,
        requires: { threatNear: true },
        text: "Stay where other people can see you and keep this line open. Go inside a shop or café if you can and tell the staff.",
      },
      {
        id: "threat-near",
        unless: FOLLOWED,
        requires: { threatNear: true },
        text: "Put a locked door or as much distance as you can between you. If it isn't safe to talk, just answer yes or no.",
      },
      {
        id: "get-safe",
        unless: FOLLOWED,
        skipIf: { danger: false },
        text: "If you can, get somewhere safe: a room you can lock, or out of the building. Your safety comes first.",
      },
      {
        id: "quiet-answers",
        asks: { fact: "threatNear", yes: true },
        text: "If it isn't safe to talk, just answer yes or no. Are they still near you?",
      },
      {
        id: "injuries",
        asks: { fact: "injured", yes: true },
        text: "Are you or anyone else hurt?",
      },
      {
        id: "bleeding",
        requires: { bleeding: true },
        text: "Press firmly on the wound with a clean cloth and keep pressing.",
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
  /**
   * Self-harm has its own flow, never general medical advice: what they have taken, the means put
   * away, stay with me, help is coming.
   */
  self_harm: {
    name: "self-harm",
    steps: [
      {
        id: "here-with-you",
        text: "I'm really glad you told me. You're not alone, and I'm staying right here with you.",
      },
      {
        id: "what-taken",
        requires: { tookSomething: true },
        text: "Tell me what you took and how much, and don't take any more. Help is being alerted.",
      },
      {
        id: "means-away",
        requires: { meansAtHand: true },
        text: "Can you put {means} in another room, away from you? I'll stay right here with you.",
      },
      {
        id: "taken-anything",
        asks: { fact: "tookSomething", yes: true },
        text: "Have you taken anything, or hurt yourself already? A yes or no is fine.",
      },
      {
        id: "ask-means",
        asks: { fact: "meansAtHand", yes: true },
        text: "Is there anything near you that you could hurt yourself with?",
      },
      {
        id: "stay-with-me",
        text: "Stay on the line with me. You don't have to get through this on your own.",
      },
      {
        id: "help-coming",
        minUrgency: "urgent",
        text: "Someone from our team is being brought in to help you now.",
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
        asks: { fact: "danger", yes: false },
        text: "Are you safe where you are right now?",
      },
      {
        id: "anything-else",
        text: "Is there anything else I can help you with?",
      },
    ],
  },
};

const LINES: CommonLines = {
  teamAlerted: { id: "team-alerted", text: "I'm alerting the team now.", minUrgency: "urgent" },
  checkIns: [
    { id: "check-in", text: "I'm still here with you. Tell me if anything changes." },
    { id: "check-in-2", text: "You're doing well. What's happening now?" },
    { id: "check-in-3", text: "I'm listening. Is there anything new I should know?" },
  ],
  helpAlerted: { id: "help-alerted", text: "Help is being alerted right now." },
  askLocation: {
    id: "location",
    text: "Tell me exactly where you are: the address, or what you can see around you.",
  },
  askLocationYesNo: {
    id: "location-yes-no",
    asks: { fact: "atHome", yes: true },
    text: "Are you at home? Just say yes or no.",
  },
  stayOnLine: {
    id: "stay-on-line",
    text: "Stay on the line with me and don't hang up. I'm not going anywhere.",
  },
  keepTalking: {
    id: "keep-talking",
    text: "Keep talking to me. I'm staying with you until a person takes over.",
  },
  confirmLocation: {
    opening: "I have your location as",
    closing: ". Is that exactly where you are?",
  },
  cantTalk: [
    {
      id: "cant-talk",
      asks: { fact: "danger", yes: true },
      text: "If you can't talk, stay on the line. Are you in danger right now? Just say yes or no.",
    },
    {
      id: "cant-talk-hurt",
      asks: { fact: "injured", yes: true },
      text: "Are you hurt? Yes or no.",
    },
    {
      id: "cant-talk-someone",
      asks: { fact: "threatNear", yes: true },
      text: "Is someone with you who could hurt you? Yes or no.",
    },
  ],
  cantTalkHold: [
    { id: "cant-talk-hold", text: "You don't need to speak. Stay on the line; I'm here." },
    { id: "cant-talk-hold-2", text: "I'm still here. Say yes or no whenever you can." },
  ],
  greetUrgent: (name) => `${name}, I'm here with you.`,
  greet: (name) => `Hello ${name}.`,
  means: { fallback: "it", named: (means) => `the ${means}` },
};

export const ENGLISH: Playbook = { language: "en", sections: SECTIONS, lines: LINES };

/** The English sections, by category: what the chat responder is grounded in. */
export const PLAYBOOK = SECTIONS;
