/**
 * The French playbook: a short set of lines for every section, as words for the English steps
 * (playbook-content.ts) by id. Conditions and order are the English steps'; a step found by words
 * has its French `when` here. The team is told the caller speaks French by the call's alert; the
 * first line says so too.
 *
 * This file is data.
 */
import type { CommonLines, Translation } from "./book.js";

const STEPS: Translation["steps"] = {
  fire: {
    evacuate: "Sortez tous du bâtiment maintenant. Ne prenez rien.",
    "stay-low": "S'il y a de la fumée, restez bas, près du sol.",
    outside: "Éloignez-vous du bâtiment et ne rentrez plus à l'intérieur.",
  },
  medical: {
    cpr: "Commencez le massage cardiaque : appuyez fort et vite au centre de la poitrine, deux fois par seconde. N'arrêtez pas.",
    "cpr-continue":
      "Continuez : fort et vite, deux fois par seconde. Relayez-vous toutes les deux minutes si quelqu'un peut aider.",
    "breathing-again":
      "Arrêtez le massage. Mettez la personne sur le côté, la tête en arrière, et surveillez sa respiration.",
    "recovery-position": "La personne respire : mettez-la sur le côté, la tête un peu en arrière.",
    "breathing-question": "Est-ce qu'elle respire ? Regardez sa poitrine pendant dix secondes.",
    "chest-pain": {
      words: {
        caller: "Asseyez-vous et reposez-vous ; ne marchez pas. Desserrez vos vêtements.",
        other: "Aidez la personne à s'asseoir et à se reposer. Desserrez ses vêtements.",
      },
      when: /(?:poitrine|crise cardiaque|cœur|coeur)/,
    },
    "stay-with": "Restez près de la personne. Ne lui donnez ni à manger ni à boire.",
    watch: "Dites-moi tout de suite si quelque chose change.",
  },
  injury: {
    bleeding: "Appuyez fort sur la plaie avec un linge propre et gardez la pression.",
    fall: {
      words: {
        caller: "N'essayez pas de vous relever vite. Restez où vous êtes, au chaud.",
        other: "N'essayez pas de la relever. Laissez-la où elle est, au chaud.",
      },
      when: /(?:tomb[ée]|chute|relever)/,
    },
    burns: {
      words:
        "Passez la brûlure sous l'eau froide du robinet pendant vingt minutes. Pas de glace, pas de crème.",
      when: /(?:br[uû]l)/,
    },
    "bleeding-question": {
      caller: "Est-ce que vous saignez ?",
      other: "Est-ce que la personne saigne ?",
    },
    warm: "Gardez la personne au chaud et immobile. Dites-moi si ça change.",
  },
  chemical: {
    "gas-leak": {
      words: "Ne touchez à aucun interrupteur. Sortez du bâtiment maintenant.",
      when: /\bgaz\b/,
    },
    "move-away": "Éloignez-vous du produit ou de l'odeur. N'y touchez pas.",
  },
  violence: {
    "threat-near":
      "Mettez une porte fermée à clé ou de la distance entre vous. Si vous ne pouvez pas parler, répondez oui ou non.",
    "get-safe": "Si vous pouvez, allez dans un endroit sûr : une pièce qui ferme à clé, ou dehors.",
    "quiet-answers": "Répondez oui ou non. La personne est-elle encore près de vous ?",
  },
  lost: {
    landmarks: "Dites-moi ce que vous voyez autour de vous : rues, panneaux, magasins.",
  },
  self_harm: {
    "here-with-you": {
      caller: "Merci de me l'avoir dit. Je suis là avec vous.",
      other: "Merci d'appeler. Vous avez bien fait.",
    },
    "what-taken": "Dites-moi ce que vous avez pris et combien, et ne prenez rien de plus.",
    "taken-anything": {
      words: "Avez-vous déjà pris quelque chose ? Oui ou non suffit.",
      when: /(?:médicaments|medicaments|cachets|pris)/,
    },
    "means-away": {
      caller: "Pouvez-vous mettre {means} dans une autre pièce, loin de vous ? Je reste là.",
      other: "Si c'est sans danger, éloignez {means} de la personne. Puis restez avec elle.",
    },
    "stay-near": "Allez rester avec la personne ; ne la laissez pas seule.",
    "stay-with-me": "Restez en ligne avec moi. Vous n'êtes pas seul face à ça.",
  },
  general: {
    "what-happened": "Pouvez-vous me dire ce qui se passe et où vous êtes ?",
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

export const FRENCH: Translation = { language: "fr", steps: STEPS, lines: LINES };
