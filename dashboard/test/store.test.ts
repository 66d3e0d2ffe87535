import { expect } from "chai";
import { createStore } from "../src/state/store.js";

describe("createStore", () => {
  it("returns the initial state until it is updated", () => {
    const store = createStore({ count: 1, label: "a" });
    expect(store.get()).to.deep.equal({ count: 1, label: "a" });
  });

  it("merges a patch and a function's patch into a new state object", () => {
    const store = createStore({ count: 1, label: "a" });
    const before = store.get();
    store.update({ label: "b" });
    store.update((state) => ({ count: state.count + 1 }));
    expect(store.get()).to.deep.equal({ count: 2, label: "b" });
    expect(before).to.deep.equal({ count: 1, label: "a" });
  });

  it("tells every subscriber after each update, until it unsubscribes", () => {
    const store = createStore({ count: 0 });
    const seen: number[] = [];
    const stop = store.subscribe((state) => seen.push(state.count));
    store.update({ count: 1 });
    store.update({ count: 2 });
    stop();
    store.update({ count: 3 });
    expect(seen).to.deep.equal([1, 2]);
  });

  it("lets a subscriber update again: later subscribers see the newest state", () => {
    const store = createStore({ count: 0, doubled: 0 });
    store.subscribe((state) => {
      if (state.doubled !== state.count * 2) store.update({ doubled: state.count * 2 });
    });
    const seen: number[] = [];
    store.subscribe((state) => seen.push(state.doubled));
    store.update({ count: 2 });
    expect(store.get()).to.deep.equal({ count: 2, doubled: 4 });
    expect(seen.at(-1)).to.equal(4);
  });
});
