import { expect } from "chai";
import { keyIntent, SHORTCUTS, type KeyPress, type KeyTarget } from "../src/logic/keys.js";

function press(key: string, modifiers: Partial<Omit<KeyPress, "key">> = {}): KeyPress {
  return { key, ctrlKey: false, metaKey: false, altKey: false, ...modifiers };
}

describe("keyIntent", () => {
  it("maps each letter to its intent on the page, on a button and on a list row", () => {
    const expected = {
      j: "next",
      k: "previous",
      c: "calls",
      i: "incidents",
      a: "acknowledge",
      t: "takeOver",
      h: "handBack",
      m: "message",
      g: "guide",
      "?": "help",
    } as const;
    for (const target of ["page", "control", "row"] as const) {
      for (const [key, intent] of Object.entries(expected)) {
        expect(keyIntent(press(key), target), `${key} on ${target}`).to.equal(intent);
      }
    }
  });

  it("fires nothing while the member types in a field, whatever the key", () => {
    for (const key of ["j", "a", "t", "h", "m", "?", "Enter", "ArrowDown"]) {
      expect(keyIntent(press(key), "typing"), key).to.equal(undefined);
    }
  });

  it("fires nothing with Ctrl, Alt or Meta held (browser and system shortcuts)", () => {
    for (const modifier of ["ctrlKey", "altKey", "metaKey"] as const) {
      for (const key of ["a", "t", "j", "Enter", "ArrowDown"]) {
        expect(keyIntent(press(key, { [modifier]: true }), "row"), `${modifier}+${key}`).to.equal(
          undefined,
        );
      }
    }
  });

  it("opens with Enter and moves with the arrows only on a list row, where no control handles them", () => {
    expect(keyIntent(press("Enter"), "row")).to.equal("open");
    expect(keyIntent(press("ArrowDown"), "row")).to.equal("next");
    expect(keyIntent(press("ArrowUp"), "row")).to.equal("previous");
    const elsewhere: readonly KeyTarget[] = ["page", "control"];
    for (const target of elsewhere) {
      for (const key of ["Enter", "ArrowDown", "ArrowUp"]) {
        expect(keyIntent(press(key), target), `${key} on ${target}`).to.equal(undefined);
      }
    }
  });

  it("leaves Escape, capitals and other keys to the page", () => {
    for (const key of ["Escape", "Tab", " ", "A", "T", "x", "1", "F5"]) {
      expect(keyIntent(press(key), "page"), key).to.equal(undefined);
    }
  });
});

describe("SHORTCUTS", () => {
  it("lists every intent keyIntent can return, once, each with its keys", () => {
    const keys = [
      "j",
      "k",
      "c",
      "i",
      "a",
      "t",
      "h",
      "m",
      "g",
      "?",
      "Enter",
      "ArrowDown",
      "ArrowUp",
    ];
    const reachable = new Set(keys.map((key) => keyIntent(press(key), "row")));
    const listed = SHORTCUTS.map((shortcut) => shortcut.intent);
    expect(new Set(listed).size).to.equal(listed.length);
    expect([...reachable].sort()).to.deep.equal([...listed].sort());
    for (const shortcut of SHORTCUTS) expect(shortcut.keys).to.not.be.empty;
  });
});
