/**
 * The Spanish playbook: a short set of lines for every section, as words for the English steps
 * (playbook-content.ts) by id. Conditions and order are the English steps'; a step found by words
 * has its Spanish `when` here, matched with or without accents. The team is told the caller speaks
 * Spanish by the call's alert; the first line says so too.
 *
 * This file is data.
 */
import type { CommonLines, Translation } from "./book.js";

const HELP_STATUS = {
  words: "El equipo ya está avisado y sigue su llamada. Quédese en la línea conmigo.",
  when: /(?:bomberos|ambulancia|polic[ií]a|vienen|viene|llegan|cu[aá]nto tardan)/,
};

const STEPS: Translation["steps"] = {
  fire: {
    "help-status": HELP_STATUS,
    trapped:
      "Métase en una habitación con ventana y cierre la puerta. Tape la rendija con ropa y haga señas por la ventana.",
    evacuate: "Salgan todos del edificio ahora. No se detenga a recoger nada.",
    "stay-low": "Si hay humo, vaya agachado, cerca del suelo, donde el aire está más limpio.",
    outside: "Aléjese del edificio y no vuelva a entrar por nada ni por nadie.",
    headcount: "¿Falta alguien o queda alguien dentro?",
  },
  medical: {
    "help-status": HELP_STATUS,
    cpr: "Empiece compresiones en el centro del pecho: fuerte y rápido, dos por segundo. No pare hasta que alguien le releve.",
    "cpr-continue":
      "Siga: fuerte y rápido, dos compresiones por segundo. Si hay alguien más, túrnense cada dos minutos.",
    "breathing-again":
      "Ya puede parar. Póngale de lado, con la cabeza hacia atrás, y vigile su respiración.",
    "recovery-position":
      "Si respira, póngale de lado y con la cabeza un poco hacia atrás para que respire bien.",
    "breathing-question": "¿Respira? Mire su pecho durante diez segundos y dígame.",
    choking: {
      words: {
        caller: "Si puede toser, siga tosiendo fuerte.",
        other: "Si no puede hablar ni toser, dele cinco golpes firmes entre los omóplatos.",
      },
      when: /(?:atragant|ahog)/,
    },
    seizure: {
      words:
        "No la sujete ni le ponga nada en la boca. Aparte objetos duros y protéjale la cabeza.",
      when: /(?:convulsi|ataque epil)/,
    },
    "chest-pain": {
      words: {
        caller: "Siéntese y descanse; no camine. Aflójese la ropa.",
        other: "Ayúdele a sentarse y a descansar. Aflójele la ropa.",
      },
      when: /(?:pecho|infarto|coraz[óo]n)/,
    },
    "unlock-door":
      "Si puede, abra ya la puerta de casa para que la ayuda pueda entrar, y siéntese cerca.",
    symptoms: {
      caller: "Dígame cómo se encuentra y cuándo empezó.",
      other: "Dígame qué le pasa y cuándo empezó.",
    },
    "stay-with": "Quédese a su lado y manténgale cómodo. No le dé nada de comer ni de beber.",
    watch: {
      caller: "Dígame enseguida si se encuentra peor.",
      other: "Dígame enseguida si algo cambia o empeora.",
    },
  },
  injury: {
    "help-status": HELP_STATUS,
    "severe-bleeding":
      "Apriete fuerte la herida con un paño limpio o con la mano y no deje de apretar.",
    soaking: {
      words: "Siga apretando fuerte. Ponga otro paño encima; no quite el primero.",
      when: /(?:sigue sangrando|no para|empapa)/,
    },
    bleeding: "Apriete la herida con un paño limpio y, si puede, levántela por encima del corazón.",
    fall: {
      words: {
        caller: "No intente levantarse deprisa. Quédese donde está y abríguese con una manta.",
        other: "No intente levantarle. Que se quede donde está y abríguele con una manta.",
      },
      when: /(?:se cay[óo]|me ca[ií]|ca[ií]d[oa]|levantar)/,
    },
    burns: {
      words:
        "Ponga la quemadura bajo agua fría del grifo durante veinte minutos. Sin hielo ni cremas.",
      when: /(?:quem|escald|agua hirviendo)/,
    },
    fracture: {
      words: "No mueva la parte herida y sosténgala tal como está. No intente enderezarla.",
      when: /(?:rot[oa]|fractura|hueso)/,
    },
    "bleeding-question": { caller: "¿Está sangrando?", other: "¿Está sangrando la persona?" },
    assess: "¿Está despierta la persona y le habla? ¿Tiene alguna herida?",
    company: "¿Hay alguien con usted o cerca que pueda venir?",
    warm: "Mantenga el calor y no se mueva. Dígame si algo cambia.",
  },
  chemical: {
    "gas-leak": {
      words: "No toque interruptores ni nada que haga chispa. Salga del edificio ahora.",
      when: /\bgas\b/,
    },
    "move-away": "Aléjese del olor o del producto. No lo toque ni intente limpiarlo.",
    identify: "¿Sabe qué producto es? La etiqueta o el envase ayudan.",
  },
  violence: {
    "help-status": HELP_STATUS,
    weapon: {
      words:
        "No intente quitarle el arma ni enfrentarse. Ponga una puerta cerrada con llave entre ustedes si puede.",
      when: /(?:cuchillo|pistola|arma|navaja)/,
    },
    followed: {
      words:
        "Vaya a un sitio con gente y con luz, como una tienda. No vaya a casa si puede seguirle.",
      when: /(?:me sigue|siguiendo)/,
    },
    "threat-near":
      "Ponga distancia o una puerta cerrada entre ustedes. Si no puede hablar, conteste solo sí o no.",
    "get-safe": "Si puede, vaya a un lugar seguro: una habitación con llave o fuera del edificio.",
    "quiet-answers": "Si no puede hablar, conteste sí o no. ¿Sigue esa persona cerca de usted?",
    injuries: "¿Hay alguien herido?",
  },
  lost: {
    landmarks: "Dígame qué ve a su alrededor: calles, carteles, tiendas o edificios.",
    "stay-put": "Si está a salvo donde está, no se mueva. Así es más fácil encontrarle.",
  },
  self_harm: {
    "here-with-you": {
      caller: "Me alegra que me lo cuente. Estoy aquí con usted.",
      other: "Gracias por llamar. Ha hecho lo correcto.",
    },
    "what-taken": "Dígame qué ha tomado y cuánto, y no tome nada más.",
    "taken-anything": {
      words: "¿Ha tomado ya alguna, o algo más? Basta con sí o no.",
      when: /(?:pastillas|medicamentos|tom[eé]|tomado)/,
    },
    "means-away": {
      caller: "¿Puede llevar {means} a otra habitación, lejos de usted? Sigo aquí.",
      other:
        "Si es seguro, quítele {means} y déjelo fuera de su alcance. Luego quédese con la persona.",
    },
    "stay-near": "Vaya y quédese con la persona; no la deje sola. Háblele con calma.",
    "stay-with-me": "Quédese en la línea conmigo. No tiene que pasar por esto a solas.",
    "someone-near": "¿Hay alguien de confianza que pueda venir a estar con usted?",
  },
  general: {
    "what-happened": "¿Puede decirme qué pasa y dónde está?",
    "safe-now": "¿Está a salvo donde está ahora?",
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

export const SPANISH: Translation = { language: "es", steps: STEPS, lines: LINES };
