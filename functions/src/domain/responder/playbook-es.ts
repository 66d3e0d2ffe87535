/**
 * The Spanish playbook: a short set of lines for every section, with the same step ids as the
 * English one (so a line said in one language is not said again in the other) and the same
 * conditions. `when` patterns read Spanish as callers type and speak it, with or without accents.
 * The team is told the caller speaks Spanish by the call's alert; the first line says so too.
 *
 * This file is data.
 */
import type { Category } from "../categories.js";
import type { CommonLines, Playbook, PlaybookSection, PlaybookStep } from "./book.js";

const FALL = /(?:se cay[óo]|me ca[ií]|ca[ií]d[oa]|levantar)/;
const FUERA = /(?:estamos fuera|ya salimos|estoy fuera|salimos)/;
const HELP_STATUS: PlaybookStep = {
  id: "help-status",
  when: /(?:bomberos|ambulancia|polic[ií]a|vienen|viene|llegan|cu[aá]nto tardan)/,
  text: "El equipo ya está avisado y sigue su llamada. Quédese en la línea conmigo.",
};

const SECTIONS: Readonly<Record<Category, PlaybookSection>> = {
  fire: {
    name: "fire",
    steps: [
      HELP_STATUS,
      {
        id: "trapped",
        requires: { trapped: true },
        text: "Métase en una habitación con ventana y cierre la puerta. Tape la rendija con ropa y haga señas por la ventana.",
      },
      {
        id: "evacuate",
        unless: FUERA,
        skipIf: { outside: true, trapped: true },
        text: "Salgan todos del edificio ahora. No se detenga a recoger nada.",
      },
      {
        id: "stay-low",
        unless: FUERA,
        skipIf: { outside: true },
        text: "Si hay humo, vaya agachado, cerca del suelo, donde el aire está más limpio.",
      },
      {
        id: "outside",
        skipIf: { trapped: true },
        text: "Aléjese del edificio y no vuelva a entrar por nada ni por nadie.",
      },
      {
        id: "headcount",
        skipIf: { trapped: true },
        text: "¿Falta alguien o queda alguien dentro?",
      },
    ],
  },
  medical: {
    name: "medical",
    steps: [
      HELP_STATUS,
      {
        id: "cpr",
        requires: { breathing: false },
        patient: "other",
        text: "Empiece compresiones en el centro del pecho: fuerte y rápido, dos por segundo. No pare hasta que alguien le releve.",
      },
      {
        id: "cpr-continue",
        requires: { breathing: false },
        after: "cpr",
        patient: "other",
        text: "Siga: fuerte y rápido, dos compresiones por segundo. Si hay alguien más, túrnense cada dos minutos.",
      },
      {
        id: "breathing-again",
        requires: { breathing: true },
        after: "cpr",
        patient: "other",
        text: "Ya puede parar. Póngale de lado, con la cabeza hacia atrás, y vigile su respiración.",
      },
      {
        id: "recovery-position",
        requires: { conscious: false, breathing: true },
        notAfter: "breathing-again",
        patient: "other",
        text: "Si respira, póngale de lado y con la cabeza un poco hacia atrás para que respire bien.",
      },
      {
        id: "breathing-question",
        requires: { conscious: false },
        asks: { fact: "breathing", yes: true },
        patient: "other",
        text: "¿Respira? Mire su pecho durante diez segundos y dígame.",
      },
      {
        id: "chest-pain",
        when: /(?:pecho|infarto|coraz[óo]n)/,
        text: {
          caller: "Siéntese y descanse; no camine. Aflójese la ropa.",
          other: "Ayúdele a sentarse y a descansar. Aflójele la ropa.",
        },
      },
      {
        id: "unlock-door",
        requires: { alone: true },
        patient: "caller",
        minUrgency: "urgent",
        text: "Si puede, abra ya la puerta de casa para que la ayuda pueda entrar, y siéntese cerca.",
      },
      {
        id: "symptoms",
        skipIf: { breathing: false, conscious: false },
        text: {
          caller: "Dígame cómo se encuentra y cuándo empezó.",
          other: "Dígame qué le pasa y cuándo empezó.",
        },
      },
      {
        id: "stay-with",
        skipIf: { breathing: false },
        minUrgency: "urgent",
        patient: "other",
        text: "Quédese a su lado y manténgale cómodo. No le dé nada de comer ni de beber.",
      },
      {
        id: "watch",
        text: {
          caller: "Dígame enseguida si se encuentra peor.",
          other: "Dígame enseguida si algo cambia o empeora.",
        },
      },
    ],
  },
  injury: {
    name: "injury",
    steps: [
      HELP_STATUS,
      {
        id: "severe-bleeding",
        requires: { bleeding: true },
        minUrgency: "critical",
        text: "Apriete fuerte la herida con un paño limpio o con la mano y no deje de apretar.",
      },
      {
        id: "bleeding",
        requires: { bleeding: true },
        text: "Apriete la herida con un paño limpio y, si puede, levántela por encima del corazón.",
      },
      {
        id: "fall",
        when: FALL,
        text: {
          caller: "No intente levantarse deprisa. Quédese donde está y abríguese con una manta.",
          other: "No intente levantarle. Que se quede donde está y abríguele con una manta.",
        },
      },
      {
        id: "bleeding-question",
        asks: { fact: "bleeding", yes: true },
        text: { caller: "¿Está sangrando?", other: "¿Está sangrando la persona?" },
      },
      {
        id: "assess",
        asks: { fact: "conscious", yes: true },
        patient: "other",
        text: "¿Está despierta la persona y le habla? ¿Tiene alguna herida?",
      },
      {
        id: "company",
        asks: { fact: "alone", yes: false },
        patient: "caller",
        text: "¿Hay alguien con usted o cerca que pueda venir?",
      },
      {
        id: "warm",
        text: "Mantenga el calor y no se mueva. Dígame si algo cambia.",
      },
    ],
  },
  chemical: {
    name: "chemical",
    steps: [
      {
        id: "gas-leak",
        when: /\bgas\b/,
        skipIf: { outside: true },
        text: "No toque interruptores ni nada que haga chispa. Salga del edificio ahora.",
      },
      {
        id: "move-away",
        skipIf: { outside: true },
        text: "Aléjese del olor o del producto. No lo toque ni intente limpiarlo.",
      },
      {
        id: "identify",
        text: "¿Sabe qué producto es? La etiqueta o el envase ayudan.",
      },
    ],
  },
  violence: {
    name: "violence",
    steps: [
      HELP_STATUS,
      {
        id: "weapon",
        when: /(?:cuchillo|pistola|arma|navaja)/,
        text: "No intente quitarle el arma ni enfrentarse. Ponga una puerta cerrada con llave entre ustedes si puede.",
      },
      {
        id: "followed",
        when: /(?:me sigue|siguiendo)/,
        text: "Vaya a un sitio con gente y con luz, como una tienda. No vaya a casa si puede seguirle.",
      },
      {
        id: "threat-near",
        requires: { threatNear: true },
        text: "Ponga distancia o una puerta cerrada entre ustedes. Si no puede hablar, conteste solo sí o no.",
      },
      {
        id: "get-safe",
        text: "Si puede, vaya a un lugar seguro: una habitación con llave o fuera del edificio.",
      },
      {
        id: "quiet-answers",
        asks: { fact: "threatNear", yes: true },
        text: "Si no puede hablar, conteste sí o no. ¿Sigue esa persona cerca de usted?",
      },
      {
        id: "injuries",
        asks: { fact: "injured", yes: true },
        text: "¿Hay alguien herido?",
      },
    ],
  },
  lost: {
    name: "lost",
    steps: [
      {
        id: "landmarks",
        text: "Dígame qué ve a su alrededor: calles, carteles, tiendas o edificios.",
      },
      {
        id: "stay-put",
        text: "Si está a salvo donde está, no se mueva. Así es más fácil encontrarle.",
      },
    ],
  },
  self_harm: {
    name: "self-harm",
    steps: [
      {
        id: "here-with-you",
        text: "Me alegra mucho que me lo cuente. No está solo: estoy aquí con usted.",
      },
      {
        id: "what-taken",
        requires: { tookSomething: true },
        text: "Dígame qué ha tomado y cuánto, y no tome nada más.",
      },
      {
        id: "taken-anything",
        when: /(?:pastillas|medicamentos|tom[eé]|tomado)/,
        asks: { fact: "tookSomething", yes: true },
        text: "¿Ha tomado ya alguna, o algo más? Basta con sí o no.",
      },
      {
        id: "means-away",
        requires: { meansAtHand: true },
        text: "¿Puede llevar {means} a otra habitación, lejos de usted? Sigo aquí.",
      },

      {
        id: "stay-with-me",
        text: "Quédese en la línea conmigo. No tiene que pasar por esto solo.",
      },
      {
        id: "someone-near",
        text: "¿Hay alguien de confianza que pueda venir a estar con usted?",
      },
    ],
  },
  general: {
    name: "general",
    steps: [
      {
        id: "what-happened",
        text: "¿Puede decirme qué pasa y dónde está?",
      },
      {
        id: "safe-now",
        asks: { fact: "danger", yes: false },
        text: "¿Está a salvo donde está ahora?",
      },
    ],
  },
};

const LINES: CommonLines = {
  teamAlerted: {
    id: "team-alerted",
    text: "Estoy avisando al equipo y buscando a alguien que hable español.",
    minUrgency: "urgent",
  },
  checkIns: [
    { id: "check-in", text: "Sigo aquí con usted. Dígame si algo cambia." },
    { id: "check-in-2", text: "Lo está haciendo bien. ¿Qué pasa ahora?" },
  ],
  helpAlerted: {
    id: "help-alerted",
    text: "Ya estamos avisando para que le ayuden, y buscamos a alguien que hable español.",
  },
  askLocation: { id: "location", text: "Dígame exactamente dónde está: la dirección o lo que ve." },
  askLocationYesNo: {
    id: "location-yes-no",
    asks: { fact: "atHome", yes: true },
    text: "¿Está en casa? Conteste sí o no.",
  },
  stayOnLine: { id: "stay-on-line", text: "Quédese en la línea conmigo y no cuelgue." },
  keepTalking: { id: "keep-talking", text: "Siga hablando conmigo. No me voy." },
  confirmLocation: { opening: "Tengo su dirección como", closing: ". ¿Es ahí exactamente?" },
  cantTalk: [
    {
      id: "cant-talk",
      asks: { fact: "danger", yes: true },
      text: "Si no puede hablar, quédese en la línea. ¿Está en peligro? Conteste sí o no.",
    },
    { id: "cant-talk-hurt", asks: { fact: "injured", yes: true }, text: "¿Está herido? Sí o no." },
  ],
  cantTalkHold: [
    { id: "cant-talk-hold", text: "No hace falta que hable. Quédese en la línea." },
    { id: "cant-talk-hold-2", text: "Sigo aquí. Conteste sí o no cuando pueda." },
  ],
  greetUrgent: (name) => `${name}, estoy aquí con usted.`,
  greet: (name) => `Hola, ${name}.`,
  means: {
    fallback: "eso",
    named: (means) =>
      ({ pastillas: "las pastillas", cuchillo: "el cuchillo", cuerda: "la cuerda" })[means] ??
      "eso",
  },
};

export const SPANISH: Playbook = { language: "es", sections: SECTIONS, lines: LINES };
