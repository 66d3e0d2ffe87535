import { expect } from "chai";
import { memoizeText } from "../../src/domain/memo.js";

describe("memoizeText", () => {
  it("reads each text once and returns the same reading after", () => {
    const reads: string[] = [];
    const read = memoizeText((text: string) => {
      reads.push(text);
      return { length: text.length };
    });
    const first = read("help");
    expect(read("help")).to.equal(first);
    expect(read("fire")).to.deep.equal({ length: 4 });
    expect(reads).to.deep.equal(["help", "fire"]);
  });

  it("keeps at most `max` readings, dropping the oldest first", () => {
    const reads: string[] = [];
    const read = memoizeText((text: string) => {
      reads.push(text);
      return text.toUpperCase();
    }, 2);
    read("a");
    read("b");
    read("c");
    read("b");
    read("a");
    expect(reads).to.deep.equal(["a", "b", "c", "a"]);
  });
});
