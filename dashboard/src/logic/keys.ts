/**
 * The page's keyboard shortcuts: which key means which intent. Pure: the page (app/keyboard.ts)
 * describes where the key was pressed and carries the intent out by pressing the same control a
 * pointer would, so a shortcut can never do what the visible button would refuse.
 */

export type KeyIntent =
  | "next"
  | "previous"
  | "open"
  | "calls"
  | "incidents"
  | "acknowledge"
  | "takeOver"
  | "handBack"
  | "message"
  | "guide"
  | "help";

/** What the key went to: a field being typed in, a button or link, a list row, or the page. */
export type KeyTarget = "typing" | "control" | "row" | "page";

export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
}

export interface Shortcut {
  readonly keys: readonly string[];
  readonly intent: KeyIntent;
  /** What it does, as the help dialog lists it. */
  readonly does: string;
}

/** Every shortcut, in the order the help dialog lists them. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ["j", "↓"], intent: "next", does: "Next call or incident in the list" },
  { keys: ["k", "↑"], intent: "previous", does: "Previous call or incident in the list" },
  { keys: ["Enter"], intent: "open", does: "Open the call or the incident's call" },
  { keys: ["c"], intent: "calls", does: "Go to the calls list" },
  { keys: ["i"], intent: "incidents", does: "Go to the incidents" },
  {
    keys: ["a"],
    intent: "acknowledge",
    does: "Acknowledge (the incident in focus, else the open call)",
  },
  { keys: ["t"], intent: "takeOver", does: "Take over the open call" },
  { keys: ["h"], intent: "handBack", does: "Hand the open call back to the AI" },
  { keys: ["m"], intent: "message", does: "Write to the caller (message box)" },
  { keys: ["g"], intent: "guide", does: "Guide the assistant privately" },
  { keys: ["?"], intent: "help", does: "Show these shortcuts" },
];

/** The arrows, listed as symbols beside their letters. */
const ALIASES: Readonly<Record<string, KeyIntent>> = {
  ArrowDown: "next",
  ArrowUp: "previous",
};

const BY_KEY: ReadonlyMap<string, KeyIntent> = new Map([
  ...SHORTCUTS.flatMap((shortcut) =>
    shortcut.keys
      .filter((key) => key.length === 1 && key !== "↓" && key !== "↑")
      .map((key) => [key, shortcut.intent] as const),
  ),
  ...Object.entries(ALIASES),
]);

/**
 * The intent of a key press, or `undefined` when the page should leave it alone: anything with
 * Ctrl, Alt or Meta (browser and system shortcuts), anything typed into a field, and keys the
 * focused element already handles itself (Enter and the arrows on a button, link or field).
 * Escape is never a shortcut: the open dialog or form closes itself on it.
 */
export function keyIntent(press: KeyPress, target: KeyTarget): KeyIntent | undefined {
  if (press.ctrlKey || press.metaKey || press.altKey) return undefined;
  if (target === "typing") return undefined;
  if (press.key === "Enter") return target === "row" ? "open" : undefined;
  // Elsewhere the arrows scroll the page or move within a control: only a list row's are ours.
  if (press.key in ALIASES && target !== "row") return undefined;
  return BY_KEY.get(press.key);
}
