/**
 * The French playbook: a short set of lines for every section, with the same step ids and
 * conditions as the English one. The team is told the caller speaks French by the call's alert;
 * the first line says so too.
 *
 * This file is data.
 */
import type { Category } from "../categories.js";
import type { CommonLines, Playbook, PlaybookSection } from "./book.js";

const SECTIONS: Readonly<Record<Category, PlaybookSection>> = {
  fire: {
    name: "fire",
    steps: [
      {
        id: "evacuate",
        skipIf: { outside: true, trapped: true },
        text: "Sortez tous du bâtiment maintenant. Ne prenez rien.",
      },
      {
        id: "stay-low",
        skipIf: { outside: true },
        text: "S'il y a de la fumée, restez bas, près du sol.",
      },
      { id: "outside", text: "Éloignez-vous du bâtiment et ne rentrez plus à l'intérieur." },
    ],
  },
  medical: {
    name: "medical",
    steps: [
      {
        id: "cpr",
        requires: { breathing: false },
        patient: "other",
        text: "Commencez le massage cardiaque : appuyez fort et vite au centre de la poitrine, deux fois par seconde. N'arrêtez pas.",
      },
      {
        id: "cpr-continue",
        requires: { breathing: false },
        after: "cpr",
        patient: "other",
        text: "Continuez : fort et vite, deux fois par seconde. Relayez-vous toutes les deux minutes si quelqu'un peut aider.",
      },
      {
        id: "breathing-again",
        requires: { breathing: true },
        after: "cpr",
        patient: "other",
        text: "Arrêtez le massage. Mettez la personne sur le côté, la tête en arrière, et surveillez sa respiration.",
      },
      {
        id: "recovery-position",
        notAfter: "breathing-again",
        requires: { conscious: false, breathing: true },
        patient: "other",
        text: "La personne respire : mettez-la sur le côté, la tête un peu en arrière.",
      },
      {
        id: "breathing-question",
        requires: { conscious: false },
        asks: { fact: "breathing", yes: true },
        patient: "other",
        text: "Est-ce qu'elle respire ? Regardez sa poitrine pendant dix secondes.",
      },
      {
        id: "chest-pain",
        when: /(?:poitrine|crise cardiaque|cœur|coeur)/,
        text: {
          caller: "Asseyez-vous et reposez-vous ; ne marchez pas. Desserrez vos vêtements.",
          other: "Aidez la personne à s'asseoir et à se reposer. Desserrez ses vêtements.",
        },
      },
      {
        id: "stay-with",
        skipIf: { breathing: false },
        patient: "other",
        text: "Restez près de la personne. Ne lui donnez ni à manger ni à boire.",
      },
      {
        id: "watch",
        text: "Dites-moi tout de suite si quelque chose change.",
      },
    ],
  },
  injury: {
    name: "injury",
    steps: [
      {
        id: "bleeding",
        requires: { bleeding: true },
        text: "Appuyez fort sur la plaie avec un linge propre et gardez la pression.",
      },
      {
        id: "fall",
        when: /(?:tomb[ée]|chute|relever)/,
        text: {
          caller: "N'essayez pas de vous relever vite. Restez où vous êtes, au chaud.",
          other: "N'essayez pas de la relever. Laissez-la où elle est, au chaud.",
        },
      },
      {
        id: "bleeding-question",
        asks: { fact: "bleeding", yes: true },
        text: { caller: "Est-ce que vous saignez ?", other: "Est-ce que la personne saigne ?" },
      },
      { id: "warm", text: "Gardez la personne au chaud et immobile. Dites-moi si ça change." },
    ],
  },
  chemical: {
    name: "chemical",
    steps: [
      {
        id: "gas-leak",
        when: /\bgaz\b/,
        skipIf: { outside: true },
        text: "Ne touchez à aucun interrupteur. Sortez du bâtiment maintenant.",
      },
      { id: "move-away", text: "Éloignez-vous du produit ou de l'odeur. N'y touchez pas." },
    ],
  },
  violence: {
    name: "violence",
    steps: [
      {
        id: "threat-near",
        requires: { threatNear: true },
        text: "Mettez une porte fermée à clé ou de la distance entre vous. Si vous ne pouvez pas parler, répondez oui ou non.",
      },
      {
        id: "get-safe",
        text: "Si vous pouvez, allez dans un endroit sûr : une pièce qui ferme à clé, ou dehors.",
      },
      {
        id: "quiet-answers",
        asks: { fact: "threatNear", yes: true },
        text: "Répondez oui ou non. La personne est-elle encore près de vous ?",
      },
    ],
  },
  lost: {
    name: "lost",
    steps: [
      {
        id: "landmarks",
        text: "Dites-moi ce que vous voyez autour de vous : rues, panneaux, magasins.",
      },
    ],
  },
  self_harm: {
    name: "self-harm",
    steps: [
      {
        id: "here-with-you",
        text: "Merci de me l'avoir dit. Vous n'êtes pas seul : je reste avec vous.",
      },
      {
        id: "what-taken",
        requires: { tookSomething: true },
        text: "Dites-moi ce que vous avez pris et combien, et ne prenez rien de plus.",
      },
      {
        id: "means-away",
        requires: { meansAtHand: true },
        text: "Pouvez-vous mettre {means} dans une autre pièce, loin de vous ? Je reste là.",
      },
      {
        id: "taken-anything",
        asks: { fact: "tookSomething", yes: true },
        text: "Avez-vous déjà pris quelque chose ? Oui ou non suffit.",
      },
      { id: "stay-with-me", text: "Restez en ligne avec moi. Vous n'êtes pas seul face à ça." },
    ],
  },
  general: {
    name: "general",
    steps: [{ id: "what-happened", text: "Pouvez-vous me dire ce qui se passe et où vous êtes ?" }],
  },
};

const LINES: CommonLines = {
  teamAlerted: {
    id: "team-alerted",
    text: "Je préviens l'équipe et je cherche quelqu'un qui parle français.",
    minUrgency: "urgent",
  },
  checkIns: [
    { id: "check-in", text: "Je suis toujours là avec vous. Dites-moi si quelque chose change." },
    { id: "check-in-2", text: "Vous faites bien. Que se passe-t-il maintenant ?" },
  ],
  helpAlerted: {
    id: "help-alerted",
    text: "Les secours sont prévenus, et je cherche quelqu'un qui parle français.",
  },
  askLocation: {
    id: "location",
    text: "Dites-moi exactement où vous êtes : l'adresse ou ce que vous voyez.",
  },
  askLocationYesNo: {
    id: "location-yes-no",
    asks: { fact: "atHome", yes: true },
    text: "Êtes-vous chez vous ? Répondez oui ou non.",
  },
  stayOnLine: { id: "stay-on-line", text: "Restez en ligne avec moi, ne raccrochez pas." },
  keepTalking: { id: "keep-talking", text: "Continuez à me parler. Je reste avec vous." },
  confirmLocation: { opening: "J'ai votre adresse :", closing: ". C'est bien là ?" },
  cantTalk: [
    {
      id: "cant-talk",
      asks: { fact: "danger", yes: true },
      text: "Si vous ne pouvez pas parler, restez en ligne. Êtes-vous en danger ? Oui ou non.",
    },
  ],
  cantTalkHold: [
    { id: "cant-talk-hold", text: "Pas besoin de parler. Restez en ligne." },
    { id: "cant-talk-hold-2", text: "Je suis là. Répondez oui ou non quand vous pouvez." },
  ],
  greetUrgent: (name) => `${name}, je suis là avec vous.`,
  greet: (name) => `Bonjour ${name}.`,
  means: {
    fallback: "ça",
    named: (means) =>
      ({
        médicaments: "les médicaments",
        medicaments: "les médicaments",
        cachets: "les cachets",
        couteau: "le couteau",
      })[means] ?? "ça",
  },
};

export const FRENCH: Playbook = { language: "fr", sections: SECTIONS, lines: LINES };
