/**
 * Where the caller says they are, as they said it: a street address with its flat, floor or unit
 * ("12 Oak Street, flat 3"), or an explicit "my address is …". Free phrases like "I'm in pain" are
 * not locations, so nothing looser is read.
 */
const UNIT =
  "(?:flat|apartment|apt|unit|suite|floor|room|block|building|piso|planta|puerta|depto|departamento|appartement|appt|étage|etage|bâtiment)\\.?\\s*(?:number\\s*|no\\.?\\s*|n[º°]\\s*)?[\\p{L}\\p{N}-]{1,6}";
const ORDINAL_FLOOR =
  "(?:on the\\s+)?\\d{1,3}(?:st|nd|rd|th|º|°|e|er|ème|eme)?\\s+(?:floor|piso|planta|étage|etage)";
const UNITS = `(?:[,\\s]+(?:${UNIT}|${ORDINAL_FLOOR}))*`;
const STREET_TYPES =
  "street|st|road|rd|avenue|ave|lane|ln|drive|dr|way|close|court|ct|place|pl|crescent|boulevard|blvd|terrace|highway|hwy|square|row|parade|gardens|grove|hill|walk";
const TOWN =
  "(?:,\\s*(?!(?:flat|apartment|apt|unit|floor|piso|planta)\\b)[\\p{L}][\\p{L}' -]{1,40}?(?=[,.!?]|$))?";

/** "12 Oak Street, flat 3", "flat 3, 12 Oak Street", "calle Mayor 5, piso 2", "14 rue de la Paix". */
const ADDRESS = [
  new RegExp(
    `(?:(?:${UNIT}|${ORDINAL_FLOOR})[,\\s]+)?\\b\\d{1,5}[a-z]?\\s+(?:[\\p{L}'-]+\\s+){1,4}(?:${STREET_TYPES})\\b\\.?${UNITS}${TOWN}${UNITS}`,
    "iu",
  ),
  new RegExp(
    `\\b(?:calle|c/|avenida|avda\\.?|plaza|paseo|camino|carrer|rue|avenue|boulevard|chemin|place|allée|impasse)\\s+(?:[\\p{L}'-]+\\s+){0,4}?\\d{1,5}[a-z]?${UNITS}`,
    "iu",
  ),
  new RegExp(
    `\\b\\d{1,5}[a-z]?,?\\s+(?:rue|avenue|boulevard|chemin|place|allée|impasse)\\s+(?:[\\p{L}'-]+\\s*){1,5}${UNITS}`,
    "iu",
  ),
];
const STATED =
  /\b(?:my address is|the address is|address is|address:|addr:?|i live at|we live at|located at|my location is|postcode is|post code is|zip code is|zip is|mi direcci[óo]n es|la direcci[óo]n es|mon adresse est|l'adresse est)\s+([^.!?;\n]{3,80})/iu;
/**
 * "I'm on Park Road near the shop", "we're outside the Red Lion pub on High Street", "it's Tower
 * Bridge, the north side": a place said after where the caller is, counted only when it names
 * something (a capitalised name or a road number such as A40), so "we're on the floor" is not one.
 */
const PLACE =
  /\b(?:i'm|i am|we're|we are|he's|she's|they're|it's|it is)\s+((?:on|at|near|outside|by|in|inside|under|behind|opposite)\s+[^.!?;\n]{3,80})/iu;
/** "It's Tower Bridge, the north side": a name of two capitalised words or more. */
const IT_IS = /\b[Ii]t(?:'s| is)\s+((?:[A-Z][\p{L}'-]+\s+)+[A-Z][\p{L}'-]+[^.!?;\n]{0,60})/u;
const NAMES_A_PLACE = /(?:^|\s)(?:(?:the|a)\s+)?(?:(?!I\b|I')[A-Z][\p{L}'-]+|[ABM]\d{1,4})\b/u;
/** Where a place said in passing ends: "I'm at Tesco and I feel sick". */
const PLACE_END = /\s+(?:and|but|so|because|cos|cause|where|when|y|pero|et|mais)\s.*$/iu;

/** The most recent location the caller stated, whole; undefined when none was. */
export function statedLocation(callerTexts: readonly string[]): string | undefined {
  for (let i = callerTexts.length - 1; i >= 0; i--) {
    const text = callerTexts[i] ?? "";
    const stated = STATED.exec(text)?.[1];
    if (stated !== undefined) return tidy(stated);
    for (const pattern of ADDRESS) {
      const address = pattern.exec(text)?.[0];
      if (address !== undefined) return tidy(address);
    }
    const place = (PLACE.exec(text)?.[1] ?? IT_IS.exec(text)?.[1])?.replace(PLACE_END, "");
    if (
      place !== undefined &&
      NAMES_A_PLACE.test(
        place.replace(/^(?:on|at|near|outside|by|in|inside|under|behind|opposite)\s+/u, ""),
      )
    ) {
      return tidy(
        place.replace(/^(?:on|at|in|inside)\s+/u, "").replace(/\s+(?:now|right now|please)$/iu, ""),
      );
    }
  }
  return undefined;
}

function tidy(location: string): string {
  return location.trim().replace(/[.,;\s]+$/u, "");
}
