import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));
const DOMAIN = join(SRC, "domain");

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourcesUnder(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Every module specifier a file imports, statically, by type or dynamically. */
function specifiers(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return info.importedFiles.map((imported) => imported.fileName);
}

/**
 * What each domain module reaches, following relative imports wherever they lead: the domain must
 * stay testable and loadable without Firebase, so nothing it reaches may import a Firebase SDK.
 */
function reachedPackages(): Map<string, string[]> {
  const reached = new Map<string, string[]>();
  const queue = sourcesUnder(DOMAIN);
  const seen = new Set(queue);
  while (queue.length > 0) {
    const file = queue.shift() ?? "";
    for (const specifier of specifiers(file)) {
      if (specifier.startsWith(".")) {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, ".ts"));
        if (!seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      } else {
        reached.set(specifier, [...(reached.get(specifier) ?? []), relative(SRC, file)]);
      }
    }
  }
  return reached;
}

describe("functions/src/domain", () => {
  it("imports no Firebase SDK, directly or through the modules it imports", () => {
    const firebase = [...reachedPackages()].filter(([specifier]) =>
      /^(?:firebase|@firebase|@google-cloud|express)(?:\/|$|-)/.test(specifier),
    );
    expect(firebase).to.deep.equal([]);
  });

  it("finds the packages the domain does use (the walk reads the files it claims to)", () => {
    const packages = [...reachedPackages().keys()];
    expect(packages).to.include.members(["@lifeline/model", "zod", "node:crypto"]);
  });
});
