/** The languages a caller is recognised in: the playbook's own and those an alert should name. */
export const LANGUAGES = ["en", "es", "fr", "pt", "it", "de"] as const;
export type Language = (typeof LANGUAGES)[number];
