import { expect } from "chai";
import {
  InvalidPathError,
  formatPath,
  invalidKeyReason,
  isAncestorOrSelf,
  parsePath,
  relativePath,
} from "../../src/engine/path.js";

describe("parsePath", function () {
  it("returns the keys without empty segments", function () {
    expect(parsePath("/a/b/")).to.deep.equal(["a", "b"]);
    expect(parsePath("a//b")).to.deep.equal(["a", "b"]);
    expect(parsePath("users/-Nx_1/name")).to.deep.equal(["users", "-Nx_1", "name"]);
  });

  it("returns the root for an empty path and for a slash", function () {
    expect(parsePath("")).to.deep.equal([]);
    expect(parsePath("/")).to.deep.equal([]);
  });

  it("accepts .priority as the last key only", function () {
    expect(parsePath("/a/.priority")).to.deep.equal(["a", ".priority"]);
    expect(() => parsePath("/.priority/a")).to.throw(InvalidPathError, /Invalid path/);
  });

  it("rejects forbidden characters and .value", function () {
    for (const path of [
      "/a.b",
      "/a#",
      "/$x",
      "/a[0]",
      "/b]",
      "/a/\u0001",
      "/\u007f",
      "/a/.value",
    ]) {
      expect(() => parsePath(path), path).to.throw(InvalidPathError);
    }
  });
});

describe("invalidKeyReason", function () {
  it("returns null for valid keys", function () {
    for (const key of ["a", "-Nx_1", "日本語", "😀", "with space", "__proto__", "0", "-1"]) {
      expect(invalidKeyReason(key), key).to.equal(null);
    }
  });

  it("returns a reason for each forbidden character and for the empty key", function () {
    for (const key of [
      "",
      ".",
      "#",
      "$",
      "[",
      "]",
      "/",
      "\u0000",
      "\u001f",
      "\u007f",
      ".priority",
    ]) {
      expect(invalidKeyReason(key), JSON.stringify(key)).to.be.a("string");
    }
    expect(invalidKeyReason("a\u0007")).to.match(/U\+0007/);
  });

  it("rejects keys longer than 768 bytes of UTF-8", function () {
    expect(invalidKeyReason("x".repeat(768))).to.equal(null);
    expect(invalidKeyReason("é".repeat(384))).to.equal(null);
    expect(invalidKeyReason("x".repeat(769))).to.match(/768 bytes/);
    expect(invalidKeyReason("é".repeat(385))).to.match(/768 bytes/);
  });
});

describe("formatPath", function () {
  it("returns the push form without a leading slash", function () {
    expect(formatPath(["a", "b"])).to.equal("a/b");
    expect(formatPath([])).to.equal("");
  });
});

describe("isAncestorOrSelf", function () {
  it("returns true for the path itself and its ancestors only", function () {
    expect(isAncestorOrSelf([], ["a"])).to.equal(true);
    expect(isAncestorOrSelf(["a"], ["a"])).to.equal(true);
    expect(isAncestorOrSelf(["a"], ["a", "b"])).to.equal(true);
    expect(isAncestorOrSelf(["a", "b"], ["a"])).to.equal(false);
    expect(isAncestorOrSelf(["a"], ["ab"])).to.equal(false);
    expect(isAncestorOrSelf(["x"], ["a", "b"])).to.equal(false);
  });
});

describe("relativePath", function () {
  it("returns the keys below the ancestor", function () {
    expect(relativePath(["a"], ["a", "b", "c"])).to.deep.equal(["b", "c"]);
    expect(relativePath([], ["a"])).to.deep.equal(["a"]);
    expect(relativePath(["a"], ["a"])).to.deep.equal([]);
  });

  it("rejects a path that is not below the ancestor", function () {
    expect(() => relativePath(["a", "b"], ["a", "c"])).to.throw(/not an ancestor/);
  });
});
