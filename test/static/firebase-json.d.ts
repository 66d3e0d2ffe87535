// firebase-json ships no types; it parses the JSON-with-comments dialect of rules files.
declare module "firebase-json" {
  export function parse(text: string): unknown;
}
