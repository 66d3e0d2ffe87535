/**
 * The page's only way to build DOM: elements with properties, attributes, listeners and children,
 * where every string child becomes a text node. Nothing here parses HTML, so data from the
 * database or a caller can never become markup.
 */

export type Child = Node | string | number | null | undefined | false;

type Listeners = Partial<{
  [E in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[E]) => void;
}>;

export interface Props {
  readonly className?: string;
  /** `data-testid`: the stable hook the browser tests select by. */
  readonly testId?: string;
  /** Other attributes; `true` sets an empty attribute, `false`/`undefined` leaves it out. */
  readonly attrs?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** `data-*` attributes, without the prefix. */
  readonly data?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly on?: Listeners;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className !== undefined) element.className = props.className;
  if (props.testId !== undefined) element.dataset.testid = props.testId;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const [name, value] of Object.entries(props.data ?? {})) {
    if (value === undefined) continue;
    element.dataset[name] = String(value);
  }
  for (const [type, listener] of Object.entries(props.on ?? {})) {
    element.addEventListener(type, listener as EventListener);
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces a region's content and gives focus back to the element that had it, matched by its
 * `data-focus-key`, so a live update never throws a keyboard user out of the list.
 */
export function replaceKeepingFocus(container: HTMLElement, children: readonly Child[]): void {
  const active = document.activeElement;
  const key =
    active instanceof HTMLElement && container.contains(active)
      ? active.dataset.focusKey
      : undefined;
  container.replaceChildren();
  append(container, children);
  if (key === undefined) return;
  for (const candidate of Array.from(container.querySelectorAll<HTMLElement>("[data-focus-key]"))) {
    if (candidate.dataset.focusKey === key) {
      candidate.focus({ preventScroll: true });
      return;
    }
  }
}

/** Moves focus among the `[data-focus-key]` elements of a list with the arrow keys. */
export function arrowKeyNavigation(container: HTMLElement): void {
  container.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const items = Array.from(container.querySelectorAll<HTMLElement>("[data-focus-key]"));
    const index = items.findIndex((item) => item === document.activeElement);
    if (index === -1) return;
    const next = items[event.key === "ArrowDown" ? index + 1 : index - 1];
    if (next === undefined) return;
    event.preventDefault();
    next.focus();
  });
}

/** Replaces an element's children; `null`, `undefined` and `false` children are left out. */
export function setChildren(parent: Element, children: readonly Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}
