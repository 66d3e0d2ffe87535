/**
 * Marker words for telling the caller's language from a few words of speech-to-text or SMS. This
 * file is data: per language, the commonest function words and the words people in trouble say
 * ("help", "fell", "mother"), written without accents (the text is folded before lookup). A word
 * two languages share counts half for each; "no", "si", "ok" and the like are listed as weak, so a
 * lone one never decides anything.
 */
import type { Language } from "./types.js";

const words = (list: string): readonly string[] => list.trim().split(/\s+/);

export const LEXICON: Readonly<Record<Language, readonly string[]>> = {
  en: words(`
    i i'm i've i'll i'd me my mine you you're your he he's him his she she's her they they're them their
    we we're us our it it's its this that there there's here the a an and or but of to in on at for from
    with by about is are was were be been being am do does did don't doesn't didn't can can't could
    would will won't should have has had not no yes yeah please help need needs want what where when who
    why how now just very so up down out off get got going gonna think know don't someone somebody anyone
    nobody one two hurt fell fallen bleeding breathing breathe fire smoke gas police ambulance hospital
    mum mom dad mother father husband wife son daughter friend brother sister baby kid child neighbour
    neighbor house home street road flat floor apartment room kitchen bathroom stairs alone okay hello hi
    thanks thank sorry chest pain heart attack collapsed unconscious knife gun following scared die kill
    myself life can't get up stop stopped still again back come quick fast right left side some any
    all him if then than too also call calling phone send sent mayor die will so in was live lives
    c'mon im u r pls plz ur really think thought said told tell see saw look looking around near next
    outside inside car door window everyone nothing something wrong happened happening hurry over
  `),
  es: words(`
    el la los las un una unos unas del al y que en con por para sin mi mis tu su sus es esta estan estoy
    estamos esta estaba soy somos son fue era hay habia muy mas pero porque como donde cuando quien lo le
    les me te se nos yo ella ellos ellas usted aqui alli ahora ya tambien nada nadie algo alguien todo
    bien mal no si hola ayuda ayudame ayudenme socorro auxilio necesito necesitamos favor gracias madre
    padre mama papa hijo hija esposo esposa marido mujer hermano hermana abuela abuelo amigo amiga vecino
    vecina casa calle piso numero cayo caido caida cai puede puedo pueden levantarse levantar levantarme
    respira respirar respirando sangre sangra sangrando dolor pecho fuego incendio humo olor cuchillo arma
    pistola matar matarme morir quiero quiere tengo tiene tienen herido herida ambulancia policia urgente
    emergencia rapido sola solo bano cocina cabeza pierna brazo inconsciente desmayo desmayado responde
    golpe pegando sigue siguiendo miedo hombre nino nina bebe vale claro bueno dios senor senora esto eso
    estas este ese venga vengan manden mande pasa paso pasando necesita duele mayor de a o porfa xfa
    xq pq q ke tb tmb mueve habla despierta abre ojos suelo grita llora ven
  `),
  fr: words(`
    le la les un une des du de et est sont suis je j'ai il elle nous vous ils elles mon ma mes ton ta tes
    son sa ses ne pas plus que qui quoi ou avec pour dans sur au aux c'est y oui non merci bonjour aidez
    aide aider secours urgence mari femme mere pere fils fille enfant bebe ami amie voisin voisine maison
    rue tombe tombee peut peux lever relever respire respirer saigne sang douleur poitrine feu incendie
    fumee gaz odeur couteau arme frappe suit mourir veux suicider finir blesse blessee ambulance police
    vite s'il plait moi toi lui tres aussi rien personne jamais ici chez appartement etage numero seul
    seule inconscient evanoui repond parce crise cardiaque pompiers venez vient arrive n'est n'arrive
    qu'il quelqu'un faut fait bien mal peur salut allo a en stp svp bcp pk jsuis chui
  `),
  pt: words(`
    nao sim ajuda ajudem socorro esta estou estamos minha meu mae pai caiu caido pode consegue levantar
    respira respirando sangue sangrando fogo incendio fumaca cheiro gas faca arma voce ele ela com para
    por favor obrigado obrigada aqui agora muito tambem casa rua ninguem nada isso que uma um os as da do
    das dos na no em e tem tenho dor peito morrer quero ferido ambulancia policia urgente emergencia
    rapido senhor filho filha marido mulher irmao ajudar preciso precisa bebe vizinho o a de se me
  `),
  it: words(`
    aiuto aiutami aiutatemi soccorso mia mio madre padre mamma papa marito moglie figlio figlia e sono
    non respira respirare caduto caduta puo alzarsi sangue sanguina dolore petto fuoco incendio fumo gas
    odore coltello arma morire voglio ferito ambulanza polizia urgente emergenza presto per favore grazie
    qui adesso ora molto anche casa via nessuno niente il lo la gli le un una di del della che con ho ha
    sta c'e si ciao sto aiutare svenuto bambino a in no
  `),
  de: words(`
    hilfe helfen bitte ich du er sie es wir ihr mein meine meiner mutter vater mann frau ist sind bin
    nicht kein keine atmet gefallen hingefallen kann aufstehen blutet blut schmerzen brust feuer brand
    rauch gas geruch messer waffe sterben will verletzt krankenwagen notarzt polizei dringend notfall
    schnell danke hier jetzt sehr auch haus strasse niemand nichts der die das und mit fur von zu ja nein
    hallo bewusstlos herzinfarkt bewegt sich was so in man
  `),
};

/** Words too short or too widely shared to count for much on their own. */
export const WEAK = new Set(
  words(
    `no si ok okay a o e y de la le el in me se es en un una uno yes ja sim oui non nein ya so`,
  ),
);

/** Letters that belong to one language's spelling: a hint when the caller typed them. */
export const LETTER_HINTS: readonly { readonly letters: RegExp; readonly language: Language }[] = [
  { letters: /[ñ¿¡]/u, language: "es" },
  { letters: /[çœèêëîïûùâ]/u, language: "fr" },
  { letters: /[ãõ]/u, language: "pt" },
  { letters: /[ßäöü]/u, language: "de" },
  { letters: /[ìò]/u, language: "it" },
];
