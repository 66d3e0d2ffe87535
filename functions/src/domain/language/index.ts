/** Placeholder until language detection lands: every caller is read as English. */
export type Language = "en" | "es" | "fr" | "pt" | "de" | "it";
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  en: "English",
  es: "Spanish",
  fr: "French",
  pt: "Portuguese",
  de: "German",
  it: "Italian",
};
export function callerLanguage(callerTexts: readonly string[]): Language {
  return callerTexts.some((text) => /\b(?:hola|ayuda|puede)\b/.test(text.toLowerCase()))
    ? "es"
    : "en";
}
