/**
 * The triage term table. This file is data: one entry per kind of danger a caller may describe, the
 * category it belongs to, the level it raises a call to, and the words that say it. Add or adjust
 * terms here: English first, then Spanish and French, written without accents (the text is matched
 * with its accents folded, so "se cayó" and "se cayo" both match "se cayo"), and never an English
 * word, so that English reads the same. How they are found and read (negation, hypotheticals) lives
 * in matching.ts and negation.ts; every entry is held to example utterances in the unit tests.
 */
import type { Urgency } from "@lifeline/model";
import type { Category } from "../categories.js";

export interface TermRule {
  readonly id: string;
  readonly category: Category;
  readonly level: Urgency;
  /** Regular-expression source over the normalised text; word boundaries are added around it. */
  readonly pattern: string;
  /**
   * The level a negated mention still carries. Self-harm is never dismissed by a denial: "I'm not
   * going to hurt myself" is still something a human should hear about.
   */
  readonly negatedLevel?: Urgency;
  /** Single words that also match with one typo (edit distance 1, same first two letters). */
  readonly fuzzy?: readonly string[];
  /**
   * Terms this one explains away when the caller states it in the same utterance: "the smoke alarm
   * went off but it was just burnt toast". Read in explained.ts; kept to false alarms on purpose.
   */
  readonly explains?: readonly string[];
}

const PERSON = "[a-z]+(?: [a-z]+)?";
const IS = "(?:'s|'re|'m|\\s+is|\\s+are|\\s+am|\\s+was|\\s+were|\\s+has|\\s+have|\\s+had)";
/** Who a caller may be hiding from or unable to speak in front of. */
const NEAR_PERSON =
  "(?:he|she|they|someone|somebody|my (?:husband|partner|boyfriend|girlfriend|wife|ex|dad|stepdad|father|brother|son|flatmate|landlord))";
const THREAT_NEAR = `${NEAR_PERSON}(?:'s|'re| is| are) (?:here|home|back|outside(?: the door)?|in the (?:next |other )?room|(?:right )?(?:next to|beside|behind|near) me|(?:right )?there|watching(?: me)?|listening|coming)`;
const CANT_TALK =
  "(?:can't|cannot|can not|unable to) (?:talk|speak)(?: (?:now|right now|here|loud(?:ly)?|properly|freely|long))?";
const REFLEXIVE = "(?:myself|my self|himself|herself|themselves|themself)";
/** Falls that are dangerous because of the height: the drop, not what was fallen off. */
const HEIGHT =
  "(?:ladder|roof|rooftop|scaffold(?:ing)?|balcony|window|tree|cliff|bridge|loft(?: hatch)?|building|mezzanine)";
const GARDEN_CHEMICAL =
  "(?:weed ?killer|pesticides?|insecticides?|herbicides?|fungicides?|fertili[sz]ers?|slug pellets|rat poison|bug spray|paraquat|glyphosate)";
/** Signs of poisoning that tie a garden chemical named in the same sentence to a person. */
const EXPOSURE_SIGN =
  "(?:vomit(?:ing|ed)?|throwing up|threw up|sick|nause(?:a|ous)|dizzy|confused|drowsy|collapsed|unconscious|headache|breath(?:e|ing|less)|cough(?:ing)?|wheez(?:e|ing)|burn(?:s|ing)|rash|itch(?:y|ing)|blister(?:s|ed|ing)?|sting(?:s|ing)|drool(?:ing)?|shaking|twitch(?:ing|es)?|sweat(?:ing|y)|seizure|fit|passed out|feel(?:s|ing)? (?:ill|unwell|bad|funny|strange|weird))";
/** What a smoke alarm going off often turns out to be, said by the caller. */
const ALARM_CAUSE =
  "(?:cooking|making (?:toast|dinner|breakfast)|frying|toast|the toaster|steam(?: from the (?:shower|bath|kettle|cooking|pan))?|the shower|the kettle|dust|a test|testing|being tested|a drill|(?:the |a )?(?:low |flat )?batter(?:y|ies)|someone smoking|a cigarette)";
const BURNT_FOOD =
  "(?:burnt|burned) (?:the |some |my |a bit of |a )?(?:toast|food|dinner|lunch|breakfast|tea|pan|pot|pizza|bacon|rice|popcorn|chips|oil|sausages?|cake)";
const BODY_PART =
  "(?:arm|leg|hip|wrist|ankle|hand|foot|feet|finger|fingers|toe|toes|rib|ribs|nose|jaw|neck|back|shoulder|collarbone|elbow|knee|bone|bones|skull)";

/**
 * Order does not matter: overlapping matches are resolved in favour of the longest, so
 * "not breathing" wins over any negation reading of its "not", and "fire alarm" over "fire".
 */
export const TERMS: readonly TermRule[] = [
  // ---------------------------------------------------------------- self-harm (always critical)
  {
    id: "self_harm/suicide",
    category: "self_harm",
    level: "critical",
    negatedLevel: "urgent",
    pattern:
      `suicidal|suicide|kill ${REFLEXIVE}|killing ${REFLEXIVE}|end (?:my life|it all)|ending (?:my life|it all)|take my (?:own )?life|(?:end|ending|take|taking) (?:his|her|their) (?:own )?life` +
      // Spanish
      "|suicidar(?:me|se)|(?:quiero|voy a) (?:matarme|suicidarme|quitarme la vida)|me (?:quiero|voy a) (?:matar|suicidar)|quitarme la vida" +
      // French
      "|me suicider|(?:je veux|je vais|veux|vais) me tuer|en finir(?: avec (?:la|ma) vie)?|mettre fin a (?:mes jours|ma vie)",
    fuzzy: ["suicidal"],
  },
  {
    id: "self_harm/want-to-die",
    category: "self_harm",
    level: "critical",
    negatedLevel: "urgent",
    pattern:
      `want(?:s|ed)? to die|wanna die|(?:don't|do not) want to (?:live|be alive|be here)(?: anymore)?|no reason to live|better off dead|(?:going|gonna|want(?:s|ed)?|wanna|plan(?:s|ning)?|trying|threaten(?:s|ed|ing)?) to (?:hurt|harm|cut) ${REFLEXIVE}|(?:hurting|harming|cutting) ${REFLEXIVE}|self[- ]?harm(?:ing)?|take all (?:my|the|of my) (?:pills|tablets|meds|medication)` +
      // Spanish
      "|(?:me )?quiero morir(?:me)?|no quiero (?:vivir|seguir viviendo|estar aqui)|(?:quiero|voy a) (?:hacerme dano|cortarme)|me (?:estoy cortando|corto las venas)" +
      // French
      "|(?:je )?veux mourir|envie de mourir|(?:je )?ne veux plus vivre|me faire du mal|me couper les veines",
  },
  {
    // "want to jump" alone, but not "jump in the shower", "jump on a call", "jump the queue".
    id: "self_harm/jump",
    category: "self_harm",
    level: "critical",
    negatedLevel: "urgent",
    pattern:
      "(?:want(?:s|ed)? to|wanna|going to|gonna|about to|plan(?:s|ning)? to|trying to|threaten(?:s|ed|ing)? to|thinking (?:about|of)) jump(?:ing)?(?: (?:off|from|in front of)|(?!\\s+(?:in|into|on|onto|at|up|down|ahead|back|over|out|around|through|for|to|the|rope|ship|start)\\b))" +
      `|jump(?:ing)? (?:off|from) (?:the |a |this |that |my |our )?${HEIGHT}|(?:throw|throwing|threw|throws) ${REFLEXIVE} (?:off|from|in front of|under)`,
  },
  {
    // "I took something to end it": "end it" on a crisis line is about a life, unless it is "with" someone.
    id: "self_harm/end-it",
    category: "self_harm",
    level: "critical",
    negatedLevel: "urgent",
    pattern:
      "(?:to|gonna|wanna) end (?:it|things|everything)(?!\\s+(?:with|between|for)\\b)|end (?:it|things|everything) (?:tonight|today|for good)",
  },
  // ---------------------------------------------------------------- violence and threats
  {
    id: "violence/weapon",
    category: "violence",
    level: "critical",
    pattern:
      "guns?|pistol|rifle|shotgun|firearm|weapons?|armed|(?:has|had|got|holding|pulled|waving|with|threatening (?:me|us|her|him) with) (?:a |his |her |their )?(?:knife|machete|blade|bat)" +
      // Spanish
      "|armas?|armad[oa]s?|arma de fuego|pistolas?|escopeta|(?:tiene|tenia|saco|con) (?:un|una) (?:cuchillo|navaja|machete)" +
      // French
      "|armes?|arme(?:e|s)?|pistolet|fusil|(?:a|avec|tient|sorti) un couteau",
  },
  {
    id: "violence/shot-stabbed",
    category: "violence",
    level: "critical",
    pattern:
      "(?:got|been|was|were|is|are|i'm|he's|she's) (?:just )?(?:shot|stabbed)|stabbed|stabbing(?! pains?)|shooting(?! pains?)|shots fired|gunshots?|shot (?:me|him|her|them|us|at)" +
      // Spanish
      "|(?:le|la|me|lo|nos) (?:dispararon|disparo|apunalaron|apunalo)|disparos|balazos?|apunalad[oa]" +
      // French
      "|poignarde(?:e)?|coups? de feu|(?:on )?(?:m'a|lui a) tire dessus",
  },
  {
    id: "violence/attack",
    category: "violence",
    level: "critical",
    pattern:
      `attack(?:ed|ing)? (?:me|us|him|her|them)|(?:being|been|getting|got) (?:attacked|assaulted|beaten|beat up|raped|kidnapped)|(?:hitting|beating|punching|choking|strangling|kicking) (?:me|us|her|him|them|my \\w+)|(?:going|gonna|threatened|threatening|trying) to kill(?! ${REFLEXIVE})|kill (?:me|us|you|her|him|them)|intruders?|(?:someone|somebody|they|he|she|people|men|man|guys?)(?:'s| is| are)? (?:trying to )?break(?:ing)? in(?:to)?|broke in(?:to)?|break-in|burglars?|burglary|someone (?:is |'s )?in (?:my|the|our) (?:house|home|flat|apartment|room)|hostage|kidnapp(?:ed|ing)|rape|raped` +
      // Spanish
      "|me (?:esta|estan) (?:pegando|golpeando|atacando|ahorcando|estrangulando)|(?:esta|estan) (?:pegandome|golpeandome|atacandome)|me (?:pega|golpea|ataca)|(?:quiere|quieren|va a|van a|intenta|intentan) matar(?:me|nos|la|lo|te)|(?:me|nos|la|lo|te) (?:quiere|quieren|va a|van a|intenta|intentan) matar|(?:alguien|un hombre|ladron(?:es)?) (?:esta |estan )?(?:en|dentro de) (?:mi|la|nuestra) casa|(?:entraron|entro|se metio|se metieron) (?:a|en) (?:mi|la|nuestra) casa|me (?:violaron|violo)|secuestr(?:o|ado|ada|aron)" +
      // French
      "|(?:il|elle|ils) me (?:frappe|frappent|bat|battent|etrangle)|me frappe|(?:veut|va|vont|veulent|essaie de) (?:me|nous|la|le|te) tuer|(?:quelqu'un|un homme|des cambrioleurs) (?:est |sont )?(?:chez moi|dans (?:ma|la|notre) maison)|cambrioleurs?|cambriolage|(?:m'a|l'a) violee?|kidnappe(?:e)?",
  },
  {
    // Whispered, or cut short: someone is there and the caller cannot say more. "I can't talk right
    // now, call me later" alone is not this.
    id: "violence/cant-talk",
    category: "violence",
    level: "urgent",
    pattern:
      `${NEAR_PERSON}(?:'ll| will| might| would| could) hear (?:me|us)|${NEAR_PERSON}(?:'s|'re| is| are) listening(?! to)` +
      `|${THREAT_NEAR}[,.;!]? (?:and |so )?(?:i )?${CANT_TALK}|(?:i )?${CANT_TALK}[,.;!]? (?:because |as )?${THREAT_NEAR}`,
  },
  {
    id: "violence/threat",
    category: "violence",
    level: "urgent",
    pattern:
      "threat(?:s|ened|ening)?|assault(?:ed)?|attack(?:ed)?|abus(?:e|ive|ing)|(?:drink|drinks) (?:was |were |got |has been )?spiked|spiked my (?:drink|drinks)|(?:put|slipped) something in my (?:drink|glass)|(?:i've|i have|i've been|i was|i think i was|i've got) (?:been )?drugged|domestic(?: violence| abuse)?|fight(?:ing)?|stalk(?:ed|ing|er)|scared (?:of|for) my (?:life|safety)|hit me|hurt me|knife|machete|aggressive|violent|(?:following|followed|chasing) (?:me|us)" +
      // Spanish
      "|amenaz(?:a|as|an|o|ado|ada|ando)|cuchillo|navaja|agresivo|violento|violencia|me (?:sigue|siguen|persigue|persiguen)(?!\\s+[a-z]+(?:ando|iendo)\\b)|me (?:esta|estan) siguiendo" +
      // French
      "|me menacen?t?|(?:il|elle|ils) (?:me |nous )?menacen?t?|menaces de mort|couteau|agressif|violences? conjugales?|(?:il |elle |quelqu'un |un homme )?me (?:suit|suivent|suivait)",
  },
  // ---------------------------------------------------------------- fire
  {
    id: "fire/fire",
    category: "fire",
    level: "critical",
    pattern:
      "(?:on )?fire(?!\\s+(?:extinguishers?|drill|station|department|brigade|exit|escape|insurance|safety|door|truck|engine|fighters?|works|alarm|fighter))|fires(?!\\s+(?:extinguishers?|drill))|flames?|burning down|(?:house|building|kitchen|car|wild|bush|forest|grass|electrical) ?fire|explo(?:sion|ded|de)|blew up|blown up" +
      // Spanish
      "|fuego|incendio|hay llamas|en llamas|las llamas|se (?:esta )?quemando (?:la|mi|el) (?:casa|cocina|edificio|coche)|exploto" +
      // French
      "|feu|en feu|incendie|flammes|a explose",
  },
  {
    id: "fire/smoke",
    category: "fire",
    level: "urgent",
    pattern:
      "(?<!\\b(?:i|we|you|they|to|not|don't|i don't) )smoke(?!\\s+(?:a |cigarettes?|weed|pot|alarms?|detectors?))|smoky|smell(?:s|ing)? (?:of )?(?:burning|smoke)|burning smell|something(?:'s| is) burning|sparks?|sparking" +
      // Spanish
      "|humo|(?:huele|olor) a quemado" +
      // French
      "|fumee|(?:ca )?sent le brule|odeur de brule",
  },
  {
    id: "fire/heavy-smoke",
    category: "fire",
    level: "critical",
    pattern:
      "smoke everywhere|thick smoke|(?:full of|filled with|filling (?:up )?with) smoke|smoke (?:is )?(?:getting )?(?:thicker|worse)|smoke is pouring|smoke pouring|(?:can't|cannot) see (?:for|through) (?:the )?smoke",
  },
  {
    id: "fire/alarm-sounding",
    category: "fire",
    level: "urgent",
    pattern:
      "(?:fire|smoke) alarms? (?:is |are |keeps? |has |have |has been |just |started )?(?:going off|gone off|went off|ringing|sounding|blaring)",
  },
  {
    id: "fire/alarm",
    category: "fire",
    level: "normal",
    pattern:
      "(?:fire|smoke) (?:alarms?|detectors?)" +
      // Spanish
      "|alarmas? (?:de|contra) (?:incendios?|humo)|detector(?:es)? de humo" +
      // French
      "|alarmes? (?:incendie|d'incendie|de fumee)|detecteurs? de fumee",
  },
  {
    id: "fire/services",
    category: "fire",
    level: "urgent",
    pattern:
      "fire (?:brigade|department|service|engine|truck)s?" +
      // Spanish
      "|bomberos" +
      // French
      "|pompiers",
  },
  // ---------------------------------------------------------------- chemical, gas
  {
    id: "chemical/pesticide-exposure",
    category: "chemical",
    level: "urgent",
    // Contact with it, or it named in the same sentence as a symptom ("was spraying weedkiller and now
    // he's vomiting"); the symptom is only looked at, so it stays a term of its own.
    pattern:
      `(?:exposed to|covered in|splashed with|sprayed with|breath(?:ed|ing) in|inhal(?:ed|ing)) (?:some |the |a )?(?:[a-z]+ )?${GARDEN_CHEMICAL}|${GARDEN_CHEMICAL} (?:poisoning|exposure|on (?:his|her|my|their|your) (?:skin|face|hands|arms)|in (?:his|her|my|their|your) (?:eyes|mouth))` +
      `|(?:(?:spray(?:ing|ed)?|using|used|mixing|mixed|handling|with|of|the|some) )?${GARDEN_CHEMICAL}(?=[^.!?]{0,60}\\b${EXPOSURE_SIGN}\\b)|(?<=\\b${EXPOSURE_SIGN}\\b[^.!?]{0,60})${GARDEN_CHEMICAL}`,
  },
  {
    // A topic, not a danger: "how do I store weedkiller" is a chemical question.
    id: "chemical/pesticide",
    category: "chemical",
    level: "normal",
    pattern: GARDEN_CHEMICAL,
  },
  {
    id: "chemical/gas-leak",
    category: "chemical",
    level: "critical",
    pattern:
      "gas leak(?:s|ing)?|leaking gas|gas (?:is |'s )?leaking|smell(?:s|ing)? (?:of )?gas|gas smell|carbon monoxide|co alarm|co detector|(?:drank|swallowed|ingested|drinking|ate|eaten) (?:some )?(?:bleach|chemicals?|poison|cleaner|antifreeze|detergent|weed ?killer|pesticides?|insecticides?|herbicides?|fertili[sz]er|slug pellets|rat poison)|(?<!food |rat )poison(?:ed|ing)?|toxic (?:gas|fumes|cloud)" +
      // Spanish
      "|(?:huele|olor) a gas|fuga de gas|escape de gas|monoxido de carbono|(?:tomo|bebio|trago|se tomo|se bebio) (?:lejia|cloro|veneno)|envenenad[oa]|envenenamiento" +
      // French
      "|odeur de gaz|(?:ca )?sent le gaz|fuite de gaz|monoxyde de carbone|a (?:bu|avale) (?:de la |du |de l')?(?:javel|eau de javel|poison)|empoisonne(?:e|ment)?",
  },
  {
    id: "chemical/spill",
    category: "chemical",
    level: "urgent",
    pattern:
      "chemicals?(?: spill| leak| burns?)?|spill(?:ed)? (?:acid|bleach|chemicals?)|fumes|toxic|acid(?! reflux)|ammonia|chlorine|bleach|hazmat|leak(?:ing)? (?:acid|fuel|chemicals?)",
  },
  // ---------------------------------------------------------------- medical
  {
    id: "medical/not-breathing",
    category: "medical",
    level: "critical",
    pattern:
      `(?:not|isn't|stopped|stops|stop|no longer|aren't) breath(?:ing|in)|(?:can't|cannot|could not|couldn't|unable to|can hardly|can barely|struggling to|hard to|trouble|difficulty|difficult to) breath(?:e|ing|in)?|short(?:ness)? of breath|gasping(?: for air)?|(?:don't|do not) think ${PERSON}${IS}? breathing|(?:don't know|not sure|can't tell|unsure) (?:if|whether) ${PERSON}${IS}? (?:breathing|alive|conscious)|no pulse|(?:turning|turned|going|gone|lips are|lips) blue|choking|choked` +
      // Spanish
      "|no (?:esta )?respira(?:ndo)?|no puede respirar|no puedo respirar|(?:dejo|ha dejado|paro) de respirar|le cuesta respirar|no (?:se|sabemos|se si) si (?:esta )?respira(?:ndo)?|se (?:esta )?ahogando|se ahoga|sin pulso|no tiene pulso|(?:se esta poniendo|esta) morad[oa]|labios morados" +
      // French
      "|ne respire (?:plus|pas)|respire (?:plus|pas)|(?:n')?(?:arrive|peut|peux) (?:pas|plus) (?:a )?respirer|a du mal a respirer|(?:a )?arrete de respirer|(?:ne )?sais pas s'(?:il|elle) respire|s'etouffe|pas de pouls|devient bleu(?:e)?",
  },
  {
    id: "medical/drowning",
    category: "medical",
    level: "critical",
    pattern:
      "drown(?:ing|ed|s)?|(?:in|into) the (?:water|river|sea|lake|canal|pond|pool)(?: and)? (?:he |she |they |i |we )?(?:can't|cannot|can not|doesn't|don't|didn't) (?:swim|know how to swim)|(?:swept|washed) (?:(?:him|her|them|me|us) )?(?:away|out to sea)|(?:current|tide|river|waves|sea) (?:swept|dragged|pulled|took|carried) (?:him|her|them|me|us|my [a-z]+) (?:away|out|under)|(?:swept|dragged|pulled) (?:out|away|under) by the (?:current|tide|waves|river|sea|water)|(?:dragged|pulled|sucked|went|gone|going) under (?:the )?water|(?:caught|stuck) in a rip(?: current| tide)?|(?:fell|fallen|gone|went) through (?:the )?ice|face ?down in the (?:water|pool|bath)" +
      // Spanish
      "|ahogad[oa]|se (?:esta )?ahogando en (?:el|la) (?:agua|rio|mar|piscina)" +
      // French
      "|noyee?|se noie|(?:est )?en train de se noyer",
  },
  {
    id: "medical/unconscious",
    category: "medical",
    level: "critical",
    pattern:
      "unconscious|unconcious|unresponsive|not (?:conscious|responding|responsive|moving|waking up)|(?:isn't|wasn't|won't|is not) (?:wake up|waking|responding|respond|moving)|won't wake|can't wake (?:him|her|them)(?: up)?|collaps(?:ed|ing|e)|lost consciousness|passed out|knocked out|(?<!(?:phone|battery|car|line)(?: is|'s| was| went)? )dead(?! (?:tired|end|line|battery|phone))|(?<!(?:phone|battery)(?: is|'s)? )dying(?! (?:to|for))" +
      // Spanish
      "|inconsciente|no responde|no reacciona|no (?:se )?despierta|se (?:ha )?desmayad[oa]|se desmay(?:o|a)|desmayad[oa]|perdio el conocimiento|sin conocimiento|sin sentido|se desplomo|colapso|muert[oa]|se esta muriendo" +
      // French
      "|inconsciente?|evanouie?|s'est evanouie?|sans connaissance|a perdu connaissance|(?:ne )?repond (?:pas|plus)|ne se reveille pas|s'est effondree?|morte?|en train de mourir",
    fuzzy: ["unconscious", "unresponsive", "collapsed"],
  },
  {
    id: "medical/cardiac",
    category: "medical",
    level: "critical",
    pattern:
      "chest pains?|(?:pain|pressure|tightness) in (?:my|his|her|the) chest|chest (?:is )?(?:tight|hurts|pressure)|heart attack|cardiac arrest|heart (?:has )?stopped" +
      // Spanish
      "|dolor (?:en el|de|del) pecho|(?:me |le )?duele el pecho|opresion en el pecho|infarto|ataque (?:al|de) corazon|paro cardiaco" +
      // French
      "|douleurs? (?:a la|dans la|de) poitrine|mal (?:a|dans) la poitrine|crise cardiaque|infarctus|arret cardiaque|attaque cardiaque",
  },
  {
    id: "medical/stroke",
    category: "medical",
    level: "critical",
    pattern:
      "stroke|strokes|(?:face|mouth|smile) (?:is )?(?:drooping|droopy|dropped|twisted)|drooping|slurr(?:ed|ing)(?: (?:speech|words))?|(?:can't|cannot) (?:lift|raise|move) (?:his|her|my|their) (?:arm|leg|left|right)|(?:numb|weak)(?:ness)? (?:on|down) one side|one side (?:of (?:his|her|my) (?:body|face) )?(?:is )?(?:numb|weak|drooping)" +
      // Spanish
      "|derrame cerebral|ictus" +
      // French
      "|avc|accident vasculaire cerebral",
  },
  {
    id: "medical/seizure",
    category: "medical",
    level: "critical",
    pattern:
      "seizures?|siezures?|seizing|having (?:a fit|fits)|convuls(?:ing|ions?|ed)" +
      // Spanish
      "|convulsion(?:es)?|convulsionando|ataque epileptico" +
      // French
      "|convulsions?|crise d'epilepsie",
    fuzzy: ["seizure", "convulsing"],
  },
  {
    id: "medical/overdose",
    category: "medical",
    level: "critical",
    pattern:
      "overdos(?:e|ed|ing)|too many (?:pills|tablets)|took (?:a lot|lots) of (?:pills|tablets)" +
      // A count or a whole pack of any pills: "took 30 sleeping pills", "swallowed a whole box of paracetamol".
      "|(?:took|taken|swallowed|had) (?:[1-9]\\d|\\d{3}|ten|fifteen|twenty|thirty|forty|fifty|a hundred|a (?:whole )?(?:bottle|box|packet|pack|strip) of|all (?:of )?(?:my|the|his|her|their)) (?:\\w+ ){0,2}(?:pills|tablets|painkillers|paracetamol|ibuprofen|aspirin|meds|medication)" +
      // Spanish
      "|sobredosis|demasiadas pastillas" +
      // French
      "|trop de (?:medicaments|cachets|pilules)",
    fuzzy: ["overdose", "overdosed"],
  },
  {
    id: "medical/anaphylaxis",
    category: "medical",
    level: "critical",
    pattern:
      "anaphyla(?:xis|ctic)|throat (?:is )?(?:swelling|closing|swollen)|tongue (?:is )?swelling|(?:used|need) (?:an |his |her |my )?epi ?pen",
  },
  {
    id: "medical/severe",
    category: "medical",
    level: "critical",
    pattern: "vomiting blood|coughing (?:up )?blood|not making sense|(?:very|really) confused",
  },
  {
    id: "medical/urgent",
    category: "medical",
    level: "urgent",
    pattern:
      "ambulance|ambulence|paramedics?|allergic reaction|(?:having |had )?(?:an? )?(?:asthma|panic) attack|(?:low|high) blood sugar|hypo|diabetic|(?:in|into) labou?r|contractions|waters? (?:has |have )?broke(?:n)?|high fever|burning up|(?:severe|really bad|terrible|worst|stabbing|sharp) (?:pains?|headache)|pain is (?:getting )?worse|dizzy|faint|fainted|confused|disoriented|vomiting|throwing up|can't stop (?:vomiting|throwing up|shaking)|food poisoning|heart(?:'s| is) racing|palpitations" +
      // Spanish
      "|ambulancia|una ambulancia|reaccion alergica|ataque de (?:asma|panico)|mareado|mareada|vomitando|fiebre alta" +
      // French
      "|reaction allergique|crise d'(?:asthme|angoisse)|vertiges|(?:il|elle|je) vomi(?:t|s)|forte fievre",
    fuzzy: ["ambulance", "paramedic"],
  },
  {
    id: "medical/symptom",
    category: "medical",
    level: "normal",
    pattern:
      "pain|pains|hurts|headache|fever|cough(?:ing)?|sick|unwell|medication|medicine|pills|prescription|doctor|nurse|blood pressure|not feeling (?:well|great|good)|feel(?:ing)? (?:off|weak|tired)",
  },
  // ---------------------------------------------------------------- injury
  {
    id: "injury/severe-bleeding",
    category: "injury",
    level: "critical",
    pattern:
      "bleed(?:ing|in) (?:a lot|heavily|badly|bad|everywhere|so much|non ?stop|out)|(?:won't|will not|can't|doesn't|isn't) stop(?:ping)? (?:the )?bleed(?:ing|in)?|bleeding (?:won't|will not|doesn't|isn't) stop(?:ping)?|(?:lots|lot|so much|loads|pool) of blood|blood (?:everywhere|all over|is pouring|pouring|spurting)|gushing|(?:hit by a|run over by a|knocked down by a) (?:car|truck|bus|van|train|bike)|head (?:is )?bleeding|impaled|amputat(?:ed|ion)|severed|trapped|pinned (?:under|down)|crushed" +
      // Spanish
      "|sangra (?:mucho|muchisimo|demasiado|sin parar)|(?:esta )?sangrando (?:mucho|muchisimo|sin parar)|no (?:para|deja) de sangrar|mucha sangre|sangre por todas partes|charco de sangre|(?:lo|la|le|me|nos) (?:atropello|atropellaron)|atropellad[oa]|atrapad[oa]" +
      // French
      "|saigne (?:beaucoup|abondamment|enormement)|(?:ne )?s'arrete pas de saigner|beaucoup de sang|du sang partout|renverse(?:e)? par une voiture|pris au piege",
  },
  {
    // A fall is critical for its height (ladder, roof, scaffold, balcony, window, tree, cliff, bridge,
    // loft, building, so many floors or metres) or a landing on the head. "Fell down the stairs" and
    // "fell off my bike" stay urgent: what the caller says next (not moving, unconscious) raises them.
    id: "injury/serious-fall",
    category: "injury",
    level: "critical",
    pattern:
      `(?:fell|fallen|falling|fall|tumbled) (?:off|from|out of|through|down from) (?:a |an |the |his |her |my |their |our |some )?(?:[a-z]+ ){0,2}${HEIGHT}|(?:fell|fallen|fall) from (?:a )?height|(?:fell|fallen) (?:(?:two|three|four|five|six|ten|\\d+) )(?:floors|storeys|stories|metres|meters|feet|ft|m)|(?:hit|fell|fallen|fall) (?:on|from|off) (?:his|her|my|their|the)? ?(?:head|stairs)` +
      // Spanish
      "|se (?:cayo|ha caido) (?:del|de la|de una|de un|por la|por las) (?:techo|tejado|escalera|escaleras|balcon|andamio|ventana|arbol)" +
      // French
      "|tombee? (?:du|de l'|de la|d'une|d'un) (?:toit|echelle|balcon|echafaudage|fenetre|arbre)",
  },
  {
    id: "injury/bleeding",
    category: "injury",
    level: "urgent",
    pattern:
      "bleed(?:ing|in|s)?|bled|blood(?!\\s+(?:pressure|sugar|test|tests|work|type|donation|results?))" +
      // Spanish
      "|sangr(?:a|an|ando|o|ado|ada)|sangre" +
      // French
      "|saign(?:e|ent|ait|er|ement)|(?:du|de|le) sang",
    fuzzy: ["bleeding"],
  },
  {
    id: "injury/fall",
    category: "injury",
    level: "urgent",
    pattern:
      "fell|fallen|(?:had|taken|took) a (?:bad )?fall|falling down|slipped|tripped|can't get up|cannot get up|unable to get up|(?:hit|banged|bumped) (?:my|his|her|their) head|head (?:injury|wound)" +
      // Spanish
      "|se (?:ha )?ca(?:yo|ido)|me (?:he )?ca(?:i|ido)|(?:esta|estaba) (?:caid[oa]|tirad[oa]) en el suelo|una caida|no (?:se )?puede levantar(?:se)?|no (?:me )?puedo levantar(?:me)?|se (?:golpeo|dio un golpe en) la cabeza" +
      // French
      "|(?:s'est |je suis |il est |elle est |est )?tombee?|(?:ne )?(?:peut|peux|arrive) (?:pas|plus) (?:a )?(?:se |me )?(?:re)?lever|(?:a fait |une )chute|s'est cogne(?:e)? la tete",
  },
  {
    id: "injury/fracture",
    category: "injury",
    level: "urgent",
    pattern:
      `broken ${BODY_PART}|broke (?:my|his|her|their) ${BODY_PART}|${BODY_PART} (?:is |'s )?broken|fractur(?:e|ed|es)|dislocat(?:ed|ion)|(?:severe |bad )?burns?|burnt|burned|deep cut|(?:car|road|traffic|bike|work|workplace) (?:accident|crash|collision)|accident|crashed (?:into|my|the|our|his|her)|injur(?:ed|y|ies)|hurt|wounded|electrocuted|electric shock|(?:dog |animal |snake )?bit(?:e|ten)? (?:me|him|her|them|us|my \\w+)|(?:dog|animal|snake) bite|bitten` +
      // Spanish
      "|herid[oa]s?|lastimad[oa]s?|lesionad[oa]s?|(?:se )?(?:rompio|ha roto) (?:la|el) (?:pierna|brazo|cadera|mano|muneca|tobillo)|hueso roto|fractura|quemadura(?:s)?|quemad[oa]|se (?:ha )?quemo|me (?:he )?queme|escaldad[oa]|accidente" +
      // French
      "|blessee?s?(?<!blesses)|(?:des|les|sont|pas de|aucun) blesses|brulures?|brulee?|os casse|(?:s'est )?casse (?:la|le) (?:jambe|bras|hanche|poignet|cheville)",
    fuzzy: ["fractured", "injured"],
  },
  {
    id: "injury/minor",
    category: "injury",
    level: "normal",
    pattern:
      "cut|cuts|bruis(?:e|ed|es)|sprain(?:ed)?|twisted (?:my|his|her) (?:ankle|knee|wrist)|scrape(?:d)?|graze(?:d)?|swollen|swelling",
  },
  // ---------------------------------------------------------------- lost, stranded
  {
    id: "lost/stranded",
    category: "lost",
    level: "urgent",
    pattern:
      "(?:i'm|i am|we're|we are|got|getting|are|is|be|he's|she's|they're) (?:completely |totally |a bit |so )?lost|stranded|stuck (?:in|on|at|out)|(?:don't|do not) know where (?:i|we) (?:am|are)|no idea where (?:i|we) (?:am|are)|can't find (?:my|our|the) way|(?:car|truck|van) (?:has |just )?broke(?:n)? down|broken down|ran out of (?:fuel|petrol|gas)|(?:went|gone|is|are) missing|missing (?:child|person|kid)|wander(?:ed)? off" +
      // Spanish
      "|(?:estoy|estamos|esta|estan) perdid[oa]s?|me perdi|desaparecid[oa]|atascad[oa]s?" +
      // French
      "|(?:je suis|on est|nous sommes|il est|elle est) perdue?s?|a disparu|bloquee? dans",
  },
  // ---------------------------------------------------------------- general
  {
    // About emergencies, not in one: longer than "emergency", so it wins where they overlap. "I'm in an
    // emergency" is not this.
    id: "general/emergency-topic",
    category: "general",
    level: "normal",
    pattern:
      "emerg[ae]ncy (?:contacts?|contact details|numbers?|details|kit|plan|procedures?|exits?|lights?|lighting|drill|fund|savings|supplies|card|info(?:rmation)?|(?:phone )?list)|(?<!(?:'m|'re|'s|am|are|is|was|were|we|i) )in (?:an|a real) emerg[ae]ncy" +
      // Spanish
      "|(?:contacto|numero|telefono|salida|plan) de emergencia" +
      // French
      "|(?:contact|numero|sortie|plan) d'urgence",
  },
  {
    // Said to set the alarm aside; a denial of it ("it wasn't just burnt toast") leaves the alarm as it was.
    id: "general/false-alarm",
    category: "general",
    level: "normal",
    explains: ["fire/alarm-sounding", "fire/alarm"],
    pattern: `false alarm|(?<!(?:not|n't) )(?:just|only) (?:me |someone |somebody |my [a-z]+ )?(?:${ALARM_CAUSE}|${BURNT_FOOD})|(?<!(?:not|n't) (?:just|only) )(?:${BURNT_FOOD}|burnt toast)|(?:it's|it is|it was|that's) (?:just )?(?:the )?(?:low |flat )?batter(?:y|ies)|(?:needs?|needed) (?:a )?new batter(?:y|ies)|batter(?:y|ies) (?:is |are |was |were )?(?:low|dying|flat|going)`,
  },
  {
    id: "general/emergency",
    category: "general",
    level: "urgent",
    pattern:
      "emergency|emergancy|(?:call(?:ed|ing)?|dial(?:led|ing)?|ring(?:ing)?) (?:911|999|112|the police|the cops)|police|(?:need|send|get) (?:help|someone) (?:now|asap|quick(?:ly)?|fast|immediately|right now)|help help|someone help|help us|urgent|hurry|asap|sos|mayday|scared|terrified|panicking|in danger" +
      // Spanish
      "|emergencia|urgencia|urgente|ayuda urgente|(?:necesito|necesitamos) ayuda (?:ya|ahora|urgente|rapido)|ayuda ayuda|socorro|auxilio|ayudenme|ayudennos|policia|(?:tengo|tenemos) miedo" +
      // French
      "|au secours|a l'aide|urgence|aidez[- ]nous|j'ai peur",
    fuzzy: ["emergency"],
  },
];
