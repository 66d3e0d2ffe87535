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
import type { CommonLines, Playbook, PlaybookSection, PlaybookStep } from "./book.js";

/** The caller and those with them are out: "we're outside", "we all got out". */
const OUTSIDE =
  /\b(?:(?:we're|i'm|we are|i am|everyone's|everyone is|they're) (?:all )?(?:out|outside)\b(?! of breath)|(?:we|i|everyone|they) (?:all )?got out|(?:we|i) made it out)/;
/** Conditions where asking about symptoms wastes the caller's time: there is only one thing to do. */
const LIFE_THREATENING =
  /\b(?:not|isn't|stopped|no longer) breath|\bno pulse\b|\bheart (?:has )?stopped\b|\bcardiac arrest\b|\bchok(?:ing|ed)\b/;
const FOLLOWED = /\b(?:follow|stalk|chasing|chased|behind me)/;
/** A baby gets different compressions and breaths from an adult. */
const INFANT =
  /\b(?:baby|infant|newborn|\d{1,2} (?:weeks?|months?) old|(?:only )?\d{1,2} months?)\b/;

/** Answers to "is help coming?" in every section: the truth, without promising an arrival. */
const HELP_STATUS: PlaybookStep = {
  id: "help-status",
  when: /\b(?:(?:is|are) (?:the )?(?:ambulance|police|help|someone|they|anyone) coming|when will (?:they|help|someone|the \w+) (?:come|get here|arrive)|how long (?:until|till|before) (?:they|help|someone))\b/,
  text: "Our team has been alerted and is following your call. Stay on the line with me.",
};
/** Someone in the water: the rescuer must not become a second casualty. */
const DROWNING: PlaybookStep = {
  id: "drowning",
  when: /\b(?:drown|in the water|fell in|swept|can't swim)/,
  text: "Don't go in after them. Throw something that floats, or reach with a rope or a stick from where you are.",
};

const SECTIONS: Readonly<Record<Category, PlaybookSection>> = {
  fire: {
    name: "fire",
    steps: [
      HELP_STATUS,
      {
        id: "clothes-on-fire",
        when: /\b(?:clothes|hair|sleeve|shirt|dress|he's|she's|i'm|they're|pyjamas) (?:are |is |caught |have caught |has caught )?(?:on )?fire\b/,
        unless: /\bflames are out\b|\b(?:fire|flames)(?:'s| is| are) out\b/,
        text: "If someone's clothes are on fire: stop, drop to the ground and roll. Smother the flames with a coat or blanket.",
      },
      {
        id: "electrical",
        when: /\b(?:sparks?|sparking|socket|plug|wiring|electrical|fuse ?box)\b/,
        text: "Don't touch it and don't use water on it. Switch the power off at the fuse box if you can reach it safely.",
      },
      {
        id: "smoke-under-door",
        when: /\bunder the door\b|\b(?:smoke|it)(?:'s| is) coming in\b|\bthicker\b/,
        text: "Block the gap under the door with towels or clothes, wet if you can, and stay low, near the window.",
      },
      {
        id: "trapped",
        requires: { trapped: true },
        skipIf: { outside: true },
        text: "Go into a room with a window and close the door. Put towels along the bottom of the door, open the window and signal so you can be seen.",
      },
      {
        id: "neighbour",
        when: /\bneighbou?r'?s?\b|\bnext door\b|\bacross the (?:road|street)\b|\bover the road\b/,
        text: "Don't go inside. Stay outside, keep well back, and keep other people away from the building.",
      },
      {
        id: "someone-inside",
        when: /\b(?:still|someone|somebody|anyone|he's|she's|they're) (?:is |are )?(?:still )?(?:inside|in there|asleep inside|in the (?:house|building|flat))\b|\bstill inside\b/,
        text: "Don't go back in for them. Tell me where they are in the building: the responders need to know.",
      },
      {
        id: "small-fire",
        when: /\b(?:pan|frying|oil|chip pan|small fire|bin fire|extinguisher)\b/,
        unless: OUTSIDE,
        skipIf: { outside: true },
        text: "For a pan fire, turn off the heat and cover the pan with a lid or a damp towel. Never throw water on it. If it spreads, leave.",
      },
      {
        id: "smoky-room",
        when: /\bsmoky\b|\bfull of smoke\b/,
        context: /\b(?:pan|out now|put a lid|it's out)\b/,
        text: "Open the windows, then leave the room and close the door until the smoke clears. Go outside if you feel unwell.",
      },
      {
        id: "fire-plan",
        when: /\b(?:in case of|what (?:do|should) (?:i|we) do if|if there(?:'s| is| was) (?:ever )?a fire|fire plan|escape plan)\b/,
        text: "If there's ever a fire, get everyone out, close doors behind you, and stay out. Make sure your smoke alarms work.",
      },
      {
        id: "alarm-beeping",
        when: /\b(?:beep|beeping|chirp|chirping)\b/,
        unless: /\bbattery\b/,
        text: "Is there any smoke or a burning smell? If there is, leave now. If not, a beeping alarm usually means a low battery.",
      },
      {
        id: "alarm-stop",
        when: /\b(?:make it stop|stop it|silence it|turn it off|shut it up|stop the (?:beep|noise))\b/,
        text: "Press and hold the alarm's test button to quiet it, then replace the battery, or the whole alarm if it's over ten years old.",
      },
      {
        id: "alarm-battery",
        when: /\bbattery\b/,
        text: "A smoke alarm that beeps every minute usually needs a new battery. Press its test button to quiet it, then change the battery.",
      },
      {
        id: "alarm",
        when: /\b(?:alarm|detector)\b/,
        unless: /\bfire\b(?! alarm)|\bbeep|\bbattery\b|\btoast\b|\bcooking\b|\bfalse alarm\b/,
        text: "If the alarm is sounding and you can't see the cause, leave the building anyway and wait outside.",
      },
      {
        id: "vehicle",
        when: /\b(?:car|van|lorry|truck|vehicle|bus)\b/,
        skipIf: { outside: true },
        text: "Get everyone out of the vehicle and well away from it, at least fifty metres, behind a barrier if there is one.",
      },
      {
        id: "vehicle-away",
        when: /\b(?:car|van|lorry|truck|vehicle|motorway|hard shoulder)\b/,
        requires: { outside: true },
        text: "Stay well back from the vehicle, behind the barrier, and don't go back to it for anything.",
      },
      {
        id: "belongings",
        when: /\b(?:bag|phone|keys|wallet|belongings|stuff|things|passport|get my)\b/,
        text: "No: leave everything. Nothing in there is worth going back for.",
      },
      {
        id: "evacuate",
        unless: OUTSIDE,
        minUrgency: "urgent",
        skipIf: { outside: true, trapped: true },
        text: "Get out of the building now, everyone with you. Don't stop to collect belongings.",
      },
      {
        id: "stay-low",
        unless: OUTSIDE,
        minUrgency: "urgent",
        skipIf: { outside: true },
        text: "If there's smoke, stay low, close to the floor, where the air is clearer.",
      },
      {
        id: "doors",
        unless: OUTSIDE,
        minUrgency: "urgent",
        skipIf: { outside: true, trapped: true },
        text: "Feel doors with the back of your hand before opening them; if a door is hot, use another way out. Close doors behind you.",
      },
      {
        id: "outside",
        minUrgency: "urgent",
        skipIf: { trapped: true },
        text: "Stay well away from the building and don't go back in for anything or anyone.",
      },
      {
        id: "burns",
        when: /\bburn(?!t toast)/,
        text: "Cool any burn under cool running water for twenty minutes. No ice, no creams.",
      },
      {
        id: "burns-how-long",
        when: /\bhow long\b/,
        context: /\b(?:burn|water)/,
        text: "Keep it under cool running water for twenty minutes in all, then cover it loosely with cling film.",
      },
      {
        id: "firefighters",
        when: /\b(?:fire (?:brigade|engine|service|fighters?)|firefighters?|sirens?)\b/,
        text: "Tell the firefighters who is out and whether anyone could still be inside. Stay well back.",
      },
      {
        id: "headcount",
        minUrgency: "urgent",
        skipIf: { trapped: true },
        text: "Count everyone who was with you. Is anyone missing or still inside?",
      },
    ],
  },
  medical: {
    name: "medical",
    steps: [
      HELP_STATUS,
      DROWNING,
      {
        id: "infant-cpr",
        when: INFANT,
        requires: { breathing: false },
        patient: "other",
        text: "For a baby: give five gentle breaths over the nose and mouth, then press the centre of the chest with two fingers, two pushes a second.",
      },
      {
        id: "infant-cpr-continue",
        when: INFANT,
        requires: { breathing: false },
        after: "infant-cpr",
        patient: "other",
        text: "Keep going: thirty pushes with two fingers, then two gentle breaths. Don't stop until someone takes over.",
      },
      {
        id: "cpr",
        unless: INFANT,
        requires: { breathing: false },
        patient: "other",
        text: "Start chest compressions: push hard and fast in the centre of the chest, about two pushes a second. Don't stop until someone takes over.",
      },
      {
        id: "cpr-continue",
        unless: INFANT,
        requires: { breathing: false },
        after: "cpr",
        patient: "other",
        text: "Keep going: hard and fast, about two pushes a second. If someone else is there, swap every two minutes.",
      },
      {
        id: "cpr-keep-going",
        requires: { breathing: false },
        after: "cpr-continue",
        patient: "other",
        text: "You're doing well. Keep pushing hard and fast, and don't stop until someone takes over.",
      },
      {
        id: "breathing-again",
        requires: { breathing: true },
        after: "cpr",
        patient: "other",
        text: "Stop the compressions. Roll them onto their side, tilt the head back, and watch their breathing.",
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
        id: "choking-coughing",
        when: /\bcough/,
        context: /\bchok/,
        text: "Good: coughing is the best way to clear it. Let them keep coughing and watch them closely.",
      },
      {
        id: "recovery-position",
        requires: { conscious: false, breathing: true },
        notAfter: "breathing-again",
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
        patient: "other",
        text: "Keep them on their side and watch their chest. Tell me straight away if their breathing stops or changes.",
      },
      {
        id: "waking",
        requires: { conscious: true },
        context: /\b(?:collapsed|unconscious|not waking|passed out|fainted|not responding)\b/,
        patient: "other",
        text: "Good. Keep them lying on their side and talk to them calmly. Don't give them anything to eat or drink.",
      },
      {
        id: "labour",
        when: /\b(?:waters|contractions|in labou?r|baby(?:'s| is) coming|giving birth)\b/,
        text: "Help her lie down or kneel somewhere comfortable and get clean towels ready. Don't try to hold the baby back.",
      },
      {
        id: "labour-head",
        when: /\b(?:see the head|head is (?:out|coming)|crowning)\b/,
        text: "Don't pull. Support the baby's head gently with your hands as it comes, and let her push.",
      },
      {
        id: "labour-born",
        when: /\b(?:baby(?:'s| is) out|baby (?:is )?born|it's born|she's born|he's born)\b/,
        text: "Dry the baby and lay them skin to skin on her chest, covered with a towel or blanket to keep warm.",
      },
      {
        id: "anaphylaxis-use",
        when: /\b(?:epi ?pen|auto-?injector|adrenaline)\b/,
        unless: /\bused it\b|\bgave (?:it|her|him)\b/,
        text: "Use it now: press it firmly into the outer thigh, through clothing if need be, and hold it there for a few seconds.",
      },
      {
        id: "anaphylaxis-after",
        when: /\bused it\b|\bgave (?:it|her|him|them) (?:the )?(?:pen|injection|shot)?/,
        context: /\b(?:epi ?pen|auto-?injector|adrenaline|allergic|throat|swelling)/,
        text: "Well done. Keep them sitting up. If they get worse again after five minutes, use a second injector if you have one.",
      },
      {
        id: "anaphylaxis",
        when: /\b(?:anaphyla|allergic|throat|epi ?pen|swelling|peanut)/,
        text: {
          caller:
            "If you have an adrenaline auto-injector, use it now in your outer thigh. Sit up if breathing is hard.",
          other:
            "If they have an adrenaline auto-injector, use it now in the outer thigh. Keep them sitting up if breathing is hard.",
        },
      },
      {
        id: "asthma",
        when: /\b(?:asthma|inhaler)\b/,
        unless: /\busing it\b|\bused it\b/,
        text: {
          caller:
            "Sit upright and take one puff of your inhaler every thirty to sixty seconds, up to ten puffs.",
          other:
            "Sit them upright and help them take one puff of the inhaler every thirty to sixty seconds, up to ten puffs.",
        },
      },
      {
        id: "inhaler-using",
        when: /\b(?:using it|used it|taking it|took (?:a |the )?puffs?)\b/,
        context: /\b(?:asthma|inhaler)\b/,
        text: {
          caller:
            "Good. Keep sitting upright and breathe slowly. Tell me if it isn't helping after ten puffs.",
          other:
            "Good. Keep them sitting upright and breathing slowly. Tell me if it isn't helping after ten puffs.",
        },
      },
      {
        id: "chest-pain",
        when: /\bchest\b|\bheart attack\b/,
        text: {
          caller:
            "Sit down and rest; don't walk around. Loosen tight clothing. If you're not allergic, chew one adult aspirin.",
          other:
            "Help them to sit and rest. Loosen tight clothing. If they're not allergic, they can chew one adult aspirin.",
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
        unless: /\b(?:food poisoning|throwing up|vomit|i'm sitting|i'm lying|sat down|lying down)/,
        text: "Sit or lie down where you are and rest. Don't eat or drink anything for now.",
      },
      {
        id: "stroke",
        when: /\bstroke|\bdroop|\bslurr|\bone side\b|\bcan't lift (?:her|his|my) arm\b/,
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
        unless: /\b(?:stopped|over|finished)\b/,
        patient: "other",
        text: "Don't hold them down or put anything in their mouth. Move hard objects away, cushion their head, and time the seizure.",
      },
      {
        id: "after-seizure",
        context: /\b(?:seiz|siez|convuls|fit\b|fits\b)/,
        when: /\b(?:stopped|over|finished|breathing|sleepy|drowsy)\b/,
        patient: "other",
        text: "Once it stops, roll them onto their side and stay with them until they're fully awake.",
      },
      {
        id: "seizure-sleepy",
        context: /\b(?:seiz|siez|convuls|fit\b|fits\b)/,
        when: /\b(?:sleepy|drowsy|tired|sleeping)\b/,
        after: "after-seizure",
        patient: "other",
        text: "Sleepiness after a seizure is normal. Let them rest on their side and keep watching their breathing.",
      },
      {
        id: "overdose",
        when: /\b(?:overdos|too many (?:pills|tablets)|took (?:a lot|lots) of|packet|paracetamol|don't know what (?:he|she|they) took)/,
        text: {
          caller:
            "Don't take anything more. Keep the packet near you, unlock your door if you can, and stay on the line.",
          other:
            "Keep the packets or bottles so we know what was taken and how much. If they pass out, put them on their side.",
        },
      },
      {
        id: "exposure",
        when: /\b(?:weedkiller|pesticide|insecticide|fertili[sz]er|chemical|fumes)\b/,
        text: {
          caller:
            "Get into fresh air, take off any clothes the chemical touched and wash your skin. Keep the packet or bottle.",
          other:
            "Move them into fresh air, take off any clothes the chemical touched and wash their skin. Keep the packet or bottle.",
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
        id: "diabetic-better",
        when: /\b(?:better|drinking|eating|juice)\b/,
        context: /\b(?:blood sugar|hypo|diabetic|insulin)\b/,
        after: "diabetic",
        text: "Good. Once they feel better, give them a snack like a sandwich or biscuits, and stay with them.",
      },
      {
        id: "fluids",
        when: /\b(?:food poisoning|throwing up|vomiting|being sick|diarrh)/,
        context: /\b(?:i|i'm|i've|i think)\b/,
        patient: "caller",
        text: "Take small sips of water often, and rest. Tell me if you can't keep anything down or you see blood.",
      },
      {
        id: "missed-dose",
        when: /\b(?:forgot|forgotten|missed|skipped)\b/,
        context: /\b(?:medication|medicine|tablet|pill|dose)/,
        text: "Don't take a double dose to catch up. Check the leaflet, or ask your pharmacist or doctor what to do.",
      },
      {
        id: "breathing-difficulty",
        when: /\b(?:can't breath|cannot breath|(?:can )?(?:hardly|barely) breath|short(?:ness)? of breath|trouble breath|hard to breath|difficulty breath|gasping|struggling to breath)/,
        text: {
          caller: "Sit upright and breathe slowly. If you have an inhaler, use it now.",
          other:
            "Help them sit upright and stay calm. If they have an inhaler, they should use it now.",
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
        text: "Stay with them and keep them resting and calm. Don't give them anything to eat or drink for now.",
      },
      {
        id: "watch",
        skipIf: { breathing: false },
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
      HELP_STATUS,
      {
        id: "electric",
        when: /\b(?:electric|electrocut|shock)/,
        text: "Don't touch them until the power is off. Switch it off at the fuse box or unplug it if you can.",
      },
      {
        id: "electric-check",
        when: /\b(?:power(?:'s| is) off|switched (?:it )?off|turned (?:it )?off|unplugged)\b/,
        context: /\b(?:electric|electrocut|shock)/,
        text: "Now you can go to them. Are they awake and breathing? Tell me what you see.",
      },
      {
        id: "severe-bleeding",
        requires: { bleeding: true },
        minUrgency: "critical",
        text: "Press hard on the wound with a clean cloth or your hand and keep pressing. Don't lift it to look.",
      },
      {
        id: "soaking",
        when: /\bsoak(?:ing|ed|s)? (?:through|up)\b|\bwon't stop\b|\bstill bleeding\b|\bkeeps bleeding\b|\bnot stopping\b/,
        requires: { bleeding: true },
        text: "Keep pressing hard. Put another cloth on top; don't lift the first one off.",
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
        id: "fuel-leak",
        when: /\b(?:petrol|fuel|diesel|leaking)\b/,
        text: "Keep everyone well away from the car, with no smoking or flames near it. Turn the engine off only if it's safe to reach.",
      },
      {
        id: "bleeding",
        requires: { bleeding: true },
        notAfter: "severe-bleeding",
        text: "Press firmly on the wound with a clean cloth, and raise it above the heart if you can.",
      },
      {
        id: "dizzy",
        when: /\b(?:dizzy|faint|light-?headed|pale|clammy)\b/,
        text: {
          caller: "Lie down and raise your legs if you can, and keep pressing on the wound.",
          other: "Help them lie down and raise their legs, and keep them warm.",
        },
      },
      {
        id: "spine",
        when: /\b(?:hit by|run over|knocked down|fell (?:from|off)|fallen (?:from|off)|ladder|roof|scaffold|neck|back|accident|crash|collision)\b/,
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
        id: "head-warning",
        when: /\b(?:sick|vomit|throwing up|sleepy|drowsy|confused)\b/,
        context: /\bhead\b/,
        text: {
          caller:
            "Being sick or drowsy after a head injury matters. Stay awake and sit still; help is being alerted.",
          other:
            "Being sick or sleepy after a head injury matters. Keep them awake and watch them closely; help is being alerted.",
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
        when: /\b(?:broken|broke|fractur|dislocat|hip)/,
        text: {
          caller:
            "Keep it still and supported as it is, and don't try to move it. A folded towel or cushion can support it.",
          other: "Keep the injured limb still and supported as it is. Don't try to straighten it.",
        },
      },
      {
        id: "burns",
        when: /\b(?:burn|burnt|scald)/,
        text: "Cool the burn under cool running water for twenty minutes. No ice, no creams. Remove rings or watches near it.",
      },
      {
        id: "burns-how-long",
        when: /\bhow long\b/,
        context: /\b(?:burn|scald)/,
        text: "Twenty minutes under cool running water, even if it starts to feel better sooner.",
      },
      {
        id: "blister",
        when: /\bblister/,
        text: "Don't pop the blisters. Once it's cooled, cover it loosely with cling film or a clean plastic bag.",
      },
      {
        id: "bite",
        when: /\b(?:bitten|bite|bit (?:me|him|her|them|my|his|their|our))\b/,
        text: "Wash the bite under running water for a few minutes, then cover it with a clean dressing.",
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
      HELP_STATUS,
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
        id: "fumes",
        when: /\b(?:mixed|fumes|ammonia|bleach and|coughing|sting)/,
        skipIf: { outside: true },
        text: "Get into fresh air now: open windows on your way and leave the room. Don't go back in until it's clear.",
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
        id: "rinse-mouth",
        after: "swallowed",
        unless: /\b(?:collapsed|unconscious|not breathing)\b/,
        text: "Wipe their mouth and give small sips of water if they can swallow. Keep the bottle with its label for the responders.",
      },
      {
        id: "skin-eyes",
        when: /\b(?:skin|eyes?|splash|splashed|spill(?:ed)? on|arm|hand|leg|face|burns?|on (?:me|him|her|my|his|their))\b/,
        text: "Rinse the skin or eyes with lots of clean running water for at least twenty minutes, and take off contaminated clothing.",
      },
      {
        id: "acid",
        when: /\b(?:acid|alkali|caustic|corrosive|lye)\b/,
        text: "Keep rinsing with lots of running water and take off any clothing it touched, without touching the chemical yourself.",
      },
      {
        id: "tell-responders",
        when: /\b(?:tell (?:the )?(?:ambulance|paramedics|responders|crew|doctor)|what should i (?:tell|say))\b/,
        text: "Tell them what was swallowed or touched, roughly how much, and when. Show them the bottle or its label.",
      },
      {
        id: "rinse-how-long",
        when: /\bhow long\b/,
        context: /\b(?:rinse|rinsing|water|wash)/,
        text: "Keep rinsing for at least twenty minutes, and longer for acid or eyes, until help takes over.",
      },
      {
        id: "exposure",
        when: /\b(?:weedkiller|pesticide|insecticide|fertili[sz]er)\b/,
        text: {
          caller:
            "Get into fresh air, take off any clothes the chemical touched and wash your skin. Keep the packet or bottle.",
          other:
            "Move them into fresh air, take off any clothes the chemical touched and wash their skin. Keep the packet or bottle.",
        },
      },
      {
        id: "someone-inside",
        when: /\b(?:still|asleep|someone|somebody) (?:is )?(?:still )?(?:inside|in there|in the (?:house|building|flat))\b|\b(?:asleep|still) inside\b/,
        text: "Don't go back in for them. Help is being alerted: tell me exactly where in the building they are.",
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
      HELP_STATUS,
      {
        id: "bleeding",
        requires: { bleeding: true },
        text: "Press firmly on the wound with a clean cloth or your hand, and keep pressing.",
      },
      {
        id: "bleeding-keep",
        requires: { bleeding: true },
        after: "bleeding",
        text: {
          caller:
            "Keep pressing hard on the wound and don't lift to look. Lie down if you can and keep warm.",
          other:
            "Keep pressing hard on the wound and don't lift to look. Keep them lying down and warm.",
        },
      },
      {
        id: "shock",
        when: /\b(?:pale|sleepy|drowsy|cold|clammy|faint|dizzy)\b/,
        text: {
          caller:
            "Sit or lie down somewhere safe, near people you trust, and keep warm. Tell me if you feel worse.",
          other:
            "Keep them lying down with their legs raised if you can, keep them warm, and keep talking to them.",
        },
      },
      {
        id: "spiked",
        when: /\b(?:spiked|drugged|something in my (?:drink|glass))\b/,
        text: "Stay with someone you trust or tell the staff now, and don't leave with anyone you don't know.",
      },
      {
        id: "gunfire",
        when: /\b(?:gunshots?|shots|shooting|gunfire)\b/,
        text: "Stay inside, away from windows and doors, and get down low on the floor.",
      },
      {
        id: "gunfire-stay",
        after: "gunfire",
        text: "Stay down and quiet, and don't go outside to look, even if it goes quiet.",
      },
      {
        id: "hide",
        when: /\b(?:intruder|break(?:ing)? in|broke in|burglar|someone (?:is |'s )?in (?:my|the|our))/,
        text: "Stay hidden and quiet, put your phone on silent, and lock yourself in a room if you can.",
      },
      {
        id: "locked-in",
        when: /\b(?:locked (?:myself|ourselves|the door)|hiding|in the (?:bathroom|bedroom|toilet|wardrobe|cupboard))\b/,
        text: "Stay there with the door locked and keep quiet. Move away from the door and keep your phone on silent.",
      },
      {
        id: "weapon",
        when: /\b(?:gun|knife|weapon|armed|pistol|rifle|machete|stabbed)/,
        skipIf: { threatNear: false },
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
        id: "in-a-shop",
        when: /\b(?:in a shop|in the shop|inside a|in a (?:cafe|café|pub|bar|station))\b/,
        context: FOLLOWED,
        text: "Good. Stay inside and tell the staff someone is following you. Stay there until help reaches you.",
      },
      {
        id: "fight",
        when: /\b(?:fight|fighting|brawl)\b/,
        text: "Don't get involved: keep your distance and stay somewhere safe where you can still see what's happening.",
      },
      {
        id: "threat-near",
        unless: FOLLOWED,
        requires: { threatNear: true },
        text: "Put a locked door or as much distance as you can between you. If it isn't safe to talk, just answer yes or no.",
      },
      {
        id: "messages",
        when: /\b(?:reply|respond|answer|text (?:him|her|them) back)\b/,
        context: /\b(?:messages?|texts?|texting|calls|calling)\b/,
        text: "Don't reply to him. Keep every message and take screenshots: they're evidence.",
      },
      {
        id: "threat-messages",
        when: /\b(?:messages?|texts?|texting|calls me|calling me|voicemails?)\b/,
        text: "Keep every message: they're evidence. Are you somewhere safe right now, away from him?",
      },
      {
        id: "children",
        when: /\b(?:kids|children|child|baby)\b/,
        text: "Don't go round yourself. Tell me the address and anything you can hear: help is being alerted.",
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
        id: "describe",
        text: "When it's safe, tell me what the person looks like and which way they went.",
      },
    ],
  },
  lost: {
    name: "lost",
    steps: [
      HELP_STATUS,
      DROWNING,
      {
        id: "water-rising",
        when: /\b(?:tide|flood|water (?:is )?rising|cut off|stranded)\b/,
        text: "Move as high as you can, away from the water, and stay together where you can be seen.",
      },
      {
        id: "missing-person",
        when: /\b(?:missing|wander|gone missing|can't find)/,
        text: "When and where did you last see them, and what were they wearing?",
      },
      {
        id: "tell-staff",
        when: /\b(?:shop|shopping|centre|center|mall|store|supermarket|park|station|airport)\b/,
        context: /\b(?:missing|lost|can't find|wander)/,
        text: "Tell the security staff or a shop worker now: they can watch the exits. Stay where they last saw you.",
      },
      {
        id: "missing-cold",
        when: /\b(?:cold|dark|night|freezing|raining)\b/,
        context: /\b(?:missing|wander|dementia)/,
        text: "Check nearby gardens, sheds and bus stops, and leave someone at home in case they come back. Help is being alerted.",
      },
      {
        id: "vehicle",
        when: /\b(?:broke down|broken down|breakdown|car|van|truck|fuel|petrol)\b/,
        text: "Pull as far off the road as you can and turn on your hazard lights. If there's a barrier, wait behind it, not in the car.",
      },
      {
        id: "outdoors-dark",
        when: /\b(?:dark|night|hiking|trail|hill|moor|woods|forest|mountain)\b/,
        text: "Stop where you are, keep warm, and save your battery. Moving in the dark is how people get hurt.",
      },
      {
        id: "found",
        when: /\b(?:found (?:him|her|them)|he's fine|she's fine|they're fine|is safe now)\b/,
        text: "That's good news. Stay with them, and let me know if you need anything else.",
      },
      {
        id: "landmarks",
        text: "Tell me what you can see around you: road names, signs, landmarks, shops or buildings.",
      },
      {
        id: "battery",
        when: /\b(?:battery|percent|%|dying|low)\b/,
        text: "Save your phone battery: turn the screen brightness down and close other apps.",
      },
      {
        id: "warm-visible",
        when: /\b(?:cold|freezing|wet|raining|dark)\b/,
        text: "Keep warm and dry: put on every layer you have, and make yourself easy to see with something bright or a torch.",
      },
      {
        id: "stay-put",
        text: "If you're safe where you are, stay put. It's easier to find someone who doesn't move.",
      },
    ],
  },
  /**
   * Self-harm has its own flow, never general medical advice: what they have taken, the means put
   * away, stay with me, help is coming. For someone else at risk, the caller stays with them.
   */
  self_harm: {
    name: "self-harm",
    steps: [
      HELP_STATUS,
      {
        id: "here-with-you",
        opener: true,
        text: {
          caller: "I'm glad you told me. I'm here with you.",
          other: "Thank you for calling. You've done the right thing.",
        },
      },
      {
        id: "edge",
        when: /\b(?:bridge|jump|edge|ledge|roof|cliff|railway|tracks|platform|balcony)\b/,
        unless: /\bstepped (?:back|away|down)\b/,
        text: "Can you step back from the edge for me, away from the railing? I'm right here with you.",
      },
      {
        id: "stepped-back",
        when: /\b(?:stepped (?:back|away|down)|moved (?:back|away)|put (?:it|them|the \w+) (?:away|down)|in the (?:kitchen|other room)|other room|away from)\b/,
        requires: { meansAtHand: false },
        text: "Thank you. That was really good of you. Stay there and keep talking with me.",
      },
      {
        id: "stepped-back-edge",
        when: /\b(?:stepped (?:back|away|down)|moved (?:back|away))\b/,
        text: "Thank you, that's really good. Stay there, away from the edge, and stay with me.",
      },
      {
        id: "what-taken",
        requires: { tookSomething: true },
        text: "Tell me what you took, how much, and when. Don't take any more; help is being alerted.",
      },
      {
        id: "took-stay-awake",
        requires: { tookSomething: true },
        after: "what-taken",
        text: "Stay awake and stay on the line with me. Help is being alerted, and I'm staying right here.",
      },
      {
        id: "wont-say",
        when: /\b(?:don't want to (?:say|tell)|won't (?:say|tell)|not telling|rather not say)\b/,
        text: "That's okay. You don't have to say. Stay on the line with me; help is being alerted.",
      },
      {
        id: "taken-anything",
        when: /\b(?:pills|tablets|meds|medication|painkillers|paracetamol|took|taken|overdose)\b/,
        asks: { fact: "tookSomething", yes: true },
        text: {
          caller: "Have you taken any of them, or anything else, already? A yes or no is fine.",
          other: "Have they taken anything or hurt themselves already?",
        },
      },
      {
        id: "means-away",
        requires: { meansAtHand: true },
        text: {
          caller:
            "Can you put {means} in another room, away from you? I'll stay right here with you.",
          other:
            "If it's safe, take {means} away from them and put it out of reach. Then stay with them.",
        },
      },
      {
        id: "cut-bleeding",
        requires: { bleeding: true },
        patient: "caller",
        text: "Press firmly on the cut with a clean cloth or towel and keep pressing. Help is being alerted.",
      },
      {
        id: "stay-near",
        patient: "other",
        text: "Go and stay with them, and don't leave them on their own. Keep talking to them calmly.",
      },
      {
        id: "stay-in-room",
        after: "stay-near",
        patient: "other",
        text: "Stay with them in the room if you can, and don't leave them alone, even for a minute.",
      },
      {
        id: "ask-means",
        asks: { fact: "meansAtHand", yes: true },
        unless: /\b(?:not going to|won't|wouldn't|not gonna) (?:hurt|kill|harm)/,
        text: {
          caller: "Is there anything near you that you could hurt yourself with?",
          other: "Is there anything near them they could hurt themselves with?",
        },
      },
      {
        id: "taken-anything-unprompted",
        asks: { fact: "tookSomething", yes: true },
        unless: /\b(?:not going to|won't|wouldn't|not gonna) (?:hurt|kill|harm)/,
        patient: "caller",
        text: "Have you taken anything, or hurt yourself already? A yes or no is fine.",
      },
      {
        id: "stay-with-me",
        patient: "caller",
        text: "Stay on the line with me; you don't have to get through this on your own.",
      },
      {
        id: "talk",
        patient: "caller",
        text: "I'm listening. Can you tell me a bit about what's been happening for you?",
      },
      {
        id: "help-coming",
        minUrgency: "urgent",
        text: "Someone from our team is being brought in to help now.",
      },
      {
        id: "someone-near",
        patient: "caller",
        text: "Is there someone you trust who could come and be with you now?",
      },
      {
        id: "breathe",
        patient: "caller",
        text: "Let's slow down together: breathe in slowly for four, and out for six.",
      },
    ],
  },
  general: {
    name: "general",
    steps: [
      {
        id: "battery",
        when: /\b(?:beep|beeping|chirp|chirping)\b/,
        text: "A smoke alarm that beeps every minute usually needs a new battery. Press its test button to quiet it, then change the battery.",
      },
      {
        id: "false-alarm",
        when: /\b(?:wrong number|by mistake|by accident|test call|just a test|playing with the phone|no emergency|false alarm|burnt toast|just cooking)\b/,
        text: "No problem, thank you for letting me know. If anything happens, call back any time.",
      },
      {
        id: "fire-drill",
        when: /\bfire drill\b/,
        text: "Follow the drill: leave by the nearest exit, don't use the lifts, and go to your assembly point.",
      },
      {
        id: "loss",
        when: /\b(?:passed away|died|lost my|funeral|bereave)/,
        text: "I'm so sorry. That's a lot to carry, and it makes sense to feel lonely. I'm here and I'm listening.",
      },
      {
        id: "lonely",
        when: /\b(?:lonely|alone|someone to talk to|just talk)\b/,
        text: "Of course. I'm here and I'm glad you called. What's been on your mind?",
      },
      {
        id: "thanks",
        when: /\b(?:thanks|thank you|thx|cheers|bye|goodbye)\b/,
        text: "You're welcome. Call back any time, day or night.",
      },
      {
        id: "message",
        when: /\b(?:appointment|message|call (?:me )?back|reschedule|booking|question|visit|remind|update|contact|number|pharmacy|open|opening|surgery|what time|nurse|carer|coming|prescription)\b/,
        minUrgency: "normal",
        text: "I can pass a message to the team. What would you like them to know, and when is a good time to reach you?",
      },
      {
        id: "message-more",
        when: /\b(?:appointment|message|reschedule|booking|remind|update|prescription|bring|pharmacy|nurse|carer|doctor|collect|also|and could)\b/,
        after: "message",
        text: "I'll add that to the message for the team. Is there anything else they should know?",
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
    { id: "cant-talk-hold", text: "You don't need to speak. Just say yes or no when you can." },
    { id: "cant-talk-hold-2", text: "I'm still here. Say yes if you need help right now." },
  ],
  greetUrgent: (name) => `${name}, I'm here with you.`,
  greet: (name) => `Hello ${name}.`,
  means: { fallback: "it", named: (means) => `the ${means}` },
};

export const ENGLISH: Playbook = { language: "en", sections: SECTIONS, lines: LINES };

/** The English sections, by category: what the chat responder is grounded in. */
export const PLAYBOOK = SECTIONS;
