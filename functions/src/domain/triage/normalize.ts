/**
 * The text triage reads: lower case, straight apostrophes, SMS shorthand expanded. The playbook reads
 * callers through the same function, so both see "pls hlp" as "please help".
 */
/** Typed shorthand and common spellings, expanded before matching (SMS is a first-class medium). */
const SMS_WORDS: Readonly<Record<string, string>> = {
  u: "you",
  ur: "your",
  r: "are",
  pls: "please",
  plz: "please",
  plez: "please",
  cant: "can't",
  cannot: "can't",
  dont: "don't",
  doesnt: "doesn't",
  didnt: "didn't",
  isnt: "isn't",
  wasnt: "wasn't",
  arent: "aren't",
  werent: "weren't",
  wont: "won't",
  wouldnt: "wouldn't",
  couldnt: "couldn't",
  hasnt: "hasn't",
  havent: "haven't",
  aint: "ain't",
  im: "i'm",
  ive: "i've",
  hes: "he's",
  shes: "she's",
  theres: "there's",
  thats: "that's",
  whats: "what's",
  theyre: "they're",
  ppl: "people",
  sum1: "someone",
  some1: "someone",
  sb: "somebody",
  no1: "no one",
  noone: "no one",
  idk: "i don't know",
  bc: "because",
  cuz: "because",
  coz: "because",
  b4: "before",
  in2: "into",
  rn: "right now",
  hlp: "help",
  kms: "kill myself",
  od: "overdose",
  oded: "overdosed",
  "od'd": "overdosed",
  ambo: "ambulance",
  bleedin: "bleeding",
  breathin: "breathing",
  followin: "following",
  wakin: "waking",
  dyin: "dying",
  chasin: "chasing",
  comin: "coming",
  goin: "going",
  tryin: "trying",
  somethin: "something",
  sumthin: "something",
  smthing: "something",
  sumthing: "something",
  smth: "something",
  nothin: "nothing",
  m8: "mate",
  wat: "what",
  wut: "what",
  rly: "really",
  thx: "thanks",
  addr: "address",
  n: "and",
  "2day": "today",
  "2nite": "tonight",
  "2moro": "tomorrow",
  hlpp: "help",
  "w/": "with",
  "w/o": "without",
};

/** Lower case, straight apostrophes, SMS shorthand expanded, shouted letters folded ("fireeee"). */
export function normalizeUtterance(text: string): string {
  const lowered = text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/([a-z])\1{2,}/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  // Words in any script: "répond" is one word, not "r" (read as "are") and "pond".
  return lowered.replace(/[\p{L}\p{N}/']+/gu, (word) => {
    const bare = word.replace(/^'+|'+$/g, "");
    const expanded = SMS_WORDS[bare];
    return expanded === undefined ? word : word.replace(bare, expanded);
  });
}

/**
 * Accents removed letter by letter, keeping every position: Spanish and French callers type "cayo"
 * as often as "cayó", so the term table is written without accents and matched against this, while
 * the phrases quoted back come from the text as the caller wrote it. Letters with no single-letter
 * base ("œ", "ß") are kept.
 */
export function foldAccents(text: string): string {
  return text.replace(/[^\p{ASCII}]/gu, (char) => {
    const base = char.normalize("NFD").replace(/\p{M}+/gu, "");
    return base.length === char.length ? base : char;
  });
}
