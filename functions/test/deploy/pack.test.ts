/**
 * `firebase deploy` uploads `functions/` and nothing else: the files its `ignore` lets through,
 * after the `predeploy` hook has built them, and the cloud installs the declared dependencies.
 * This suite does the same here: runs the predeploy hook of firebase.json, puts a canary beside
 * every kind of local file that must never go up (emulator secrets, sources, tests, build info,
 * logs) where none exists yet, packs the folder with firebase-tools' own packer and ignore logic
 * (the archive deploy uploads), unpacks it in a fresh folder outside the workspace, installs only
 * the production dependencies with `npm ci` from its own package.json and package-lock.json (as
 * Cloud Build does when the upload has a lockfile) from the npm cache, and loads `lib/index.js`
 * there as a deployed instance would (no emulator variables, a demo project). A package the
 * bundle imports but package.json does not declare, a lockfile out of step with package.json, a
 * local file the ignore list lets through, a file the bundle needs but the ignore list drops, or
 * an export that went missing all fail it. The rest of what deploy reads is checked the way
 * firebase-tools checks it before uploading: firebase.json against its schema, the Firestore
 * indexes by its index validator, and the rules files parsed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { parse as parseRules } from "firebase-json";
import { z } from "zod";

const functionsDir = fileURLToPath(new URL("../../", import.meta.url));
const projectDir = resolve(functionsDir, "..");
const PROJECT = "demo-lifeline";

const functionsConfigSchema = z.looseObject({
  source: z.string(),
  ignore: z.array(z.string()).optional(),
  predeploy: z.array(z.string()).optional(),
});
const firebaseJsonSchema = z.looseObject({
  functions: z.array(functionsConfigSchema),
});
const packageSchema = z.looseObject({
  main: z.string(),
  dependencies: z.record(z.string(), z.string()),
});

type Packer = (
  projectDir: string,
  sourceDir: string,
  config: { ignore?: string[] },
  additionalSources: string[],
  runtimeConfig: undefined,
  options: { exportType: "tar.gz" },
) => Promise<{ pathToSource: string }>;

/** firebase-tools' packer, the one `firebase deploy` uploads with (a CommonJS module). */
function deployPacker(): Packer {
  const require = createRequire(import.meta.url);
  const module: unknown = require("firebase-tools/lib/deploy/functions/prepareFunctionsUpload.js");
  const parsed = z
    .object({ prepareFunctionsUpload: z.custom<Packer>((value) => typeof value === "function") })
    .parse(module);
  return parsed.prepareFunctionsUpload;
}

/** The names `src/index.ts` exports: what deploy must find in the bundle. */
function declaredExports(): string[] {
  const source = readFileSync(join(functionsDir, "src", "index.ts"), "utf8");
  const names: string[] = [];
  for (const match of source.matchAll(/export\s*\{([^}]*)\}\s*from/g)) {
    for (const name of (match[1] ?? "").split(",")) {
      const trimmed = name.trim();
      if (trimmed !== "") names.push(trimmed.split(/\s+as\s+/).pop() ?? trimmed);
    }
  }
  return names.sort();
}

/** Every file under `dir`, relative to it, with `/` separators. */
function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path, base) : [relative(base, path)];
  });
}

const PACKAGE = String.raw`(?:@[\w.-]+\/)?[\w-][\w.-]*(?:\/[\w.-]+)*`;
const IMPORT_SPECIFIERS = new RegExp(
  String.raw`^\s*(?:import|export)\b[^;'"]*?\bfrom\s*["'](${PACKAGE})["']|^\s*import\s*["'](${PACKAGE})["']|\bimport\(\s*["'](${PACKAGE})["']\s*\)`,
  "gm",
);

/** The packages the bundle imports, statically or on first use (`import("…")`). */
function importedPackages(libDir: string): string[] {
  const packages = new Set<string>();
  for (const file of filesUnder(libDir).filter((name) => name.endsWith(".js"))) {
    const code = readFileSync(join(libDir, file), "utf8");
    // Import statements start a line in esbuild's output; `import("…")` may sit anywhere. Words
    // such as "from" inside string data (the playbooks, the fact phrases) must not count.
    for (const match of code.matchAll(IMPORT_SPECIFIERS)) {
      const specifier = match[1] ?? match[2] ?? match[3] ?? "";
      if (specifier.startsWith("node:")) continue;
      packages.add(specifier);
    }
  }
  return [...packages].sort();
}

/** The environment of a deployed instance: none of the emulator suite's variables. */
function deployedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/EMULATOR|^FUNCTIONS_|^FIREBASE_|^GCLOUD_|^GOOGLE_|^DATABASE_URL$/.test(name)) continue;
    env[name] = value;
  }
  env.GCLOUD_PROJECT = PROJECT;
  env.FIREBASE_CONFIG = JSON.stringify({
    projectId: PROJECT,
    databaseURL: `https://${PROJECT}-default-rtdb.firebaseio.com`,
    storageBucket: `${PROJECT}.appspot.com`,
  });
  return env;
}

/**
 * Local files of each kind deploy must leave behind, relative to functions/: the emulator-only
 * env and secret files, sources, tests, TypeScript build info, logs. Those missing are created
 * as canaries for the pack and removed after it.
 */
const LOCAL_FILES = [
  ".env.local",
  ".secret.local",
  "src/index.ts",
  "test/setup.ts",
  "tsconfig.tsbuildinfo",
  "lib/.tsbuildinfo",
  "firebase-debug.log",
  "npm-debug.log",
  "build.mjs",
  "tsconfig.json",
  ".mocharc.yaml",
  "node_modules/.package-lock.json",
];

/** Creates the missing ones; returns those it created, to be removed. */
function plantCanaries(): string[] {
  const planted: string[] = [];
  for (const file of LOCAL_FILES) {
    const path = join(functionsDir, file);
    if (existsSync(path)) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, "canary: must not be deployed\n");
    planted.push(path);
  }
  return planted;
}

const LOAD = `
const loaded = await import("./lib/index.js");
const described = {};
for (const [name, value] of Object.entries(loaded)) {
  described[name] = value?.__endpoint?.platform ?? null;
}
const resolved = {};
for (const specifier of JSON.parse(process.argv[1])) {
  try { import.meta.resolve(specifier); resolved[specifier] = true; } catch { resolved[specifier] = false; }
}
console.log("LOADED " + JSON.stringify({ described, resolved }));
process.exit(0);
`;

describe("functions/ as firebase deploy uploads it", function () {
  this.timeout(120_000);
  let folder = "";
  let packed: string[] = [];
  let main = "";
  let described: Record<string, string | null> = {};
  let resolved: Record<string, boolean> = {};
  let imports: string[] = [];

  before(async () => {
    const firebaseJson = firebaseJsonSchema.parse(
      JSON.parse(readFileSync(join(projectDir, "firebase.json"), "utf8")),
    );
    const config = firebaseJson.functions.find((entry) => entry.source === "functions");
    if (config === undefined) throw new Error("firebase.json has no functions source `functions`");
    for (const hook of config.predeploy ?? []) {
      execFileSync("sh", ["-c", hook], {
        cwd: projectDir,
        env: { ...process.env, RESOURCE_DIR: functionsDir, PROJECT_DIR: projectDir },
        stdio: ["ignore", "ignore", "inherit"],
      });
    }
    const planted = plantCanaries();
    let pathToSource: string;
    try {
      ({ pathToSource } = await deployPacker()(
        projectDir,
        functionsDir,
        { ...(config.ignore === undefined ? {} : { ignore: [...config.ignore] }) },
        [],
        undefined,
        { exportType: "tar.gz" },
      ));
    } finally {
      for (const path of planted) rmSync(path, { force: true });
    }
    folder = mkdtempSync(join(tmpdir(), "lifeline-deploy-"));
    execFileSync("tar", ["-xzf", pathToSource, "-C", folder]);
    rmSync(pathToSource, { force: true });
    packed = filesUnder(folder).sort();
    main = packageSchema.parse(JSON.parse(readFileSync(join(folder, "package.json"), "utf8"))).main;
    imports = importedPackages(join(folder, "lib"));
    // `npm ci` installs exactly the lockfile and fails when it disagrees with package.json.
    execFileSync(
      "npm",
      ["ci", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
      { cwd: folder, stdio: ["ignore", "ignore", "inherit"] },
    );
    const load = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", LOAD, JSON.stringify(imports)],
      {
        cwd: folder,
        env: deployedEnv(),
        encoding: "utf8",
      },
    );
    const line = load.stdout.split("\n").find((text) => text.startsWith("LOADED "));
    if (load.status !== 0 || line === undefined) {
      throw new Error(`lib/index.js did not load in the clean install:\n${load.stderr}`);
    }
    const report = z
      .object({
        described: z.record(z.string(), z.string().nullable()),
        resolved: z.record(z.string(), z.boolean()),
      })
      .parse(JSON.parse(line.slice("LOADED ".length)));
    described = report.described;
    resolved = report.resolved;
  });

  after(() => {
    if (folder !== "") rmSync(folder, { recursive: true, force: true });
  });

  it("uploads package.json, its lockfile and the built bundle, not sources, tests, build files or local secrets", () => {
    expect(packed).to.include("package.json");
    expect(packed).to.include("package-lock.json");
    expect(packed).to.include(main);
    for (const file of LOCAL_FILES) expect(packed, file).not.to.include(file);
    for (const file of packed) {
      expect(file, file).not.to.match(/^(src|test|node_modules)\//);
      expect(file, file).not.to.match(
        /(^|\/)(build\.mjs|tsconfig\.json|\.mocharc.*|.*\.local|.*\.tsbuildinfo|.*\.log)$/,
      );
    }
  });

  it("finds every package the bundle imports, at load or on first use, among those installed", () => {
    expect(imports).to.include("firebase-functions/v2/https");
    expect(imports, "the lazily loaded Firestore client").to.include("firebase-admin/firestore");
    const missing = Object.entries(resolved)
      .filter(([, found]) => !found)
      .map(([specifier]) => specifier);
    expect(missing, "imported but not installed from package.json").to.deep.equal([]);
    expect(Object.keys(resolved).sort()).to.deep.equal(imports);
  });

  it("loads and exports exactly the functions src/index.ts lists, each a deployable function", () => {
    expect(Object.keys(described).sort()).to.deep.equal(declaredExports());
    for (const [name, platform] of Object.entries(described)) {
      expect(platform, `${name} is not a function definition`).to.equal("gcfv2");
    }
  });
});

describe("what firebase deploy reads besides functions/", () => {
  const require = createRequire(import.meta.url);
  const read = (file: string): unknown => JSON.parse(readFileSync(join(projectDir, file), "utf8"));

  it("has a firebase.json that firebase-tools' own schema accepts", () => {
    const module: unknown = require("firebase-tools/lib/firebaseConfigValidate.js");
    const { getValidator } = z
      .object({
        getValidator: z.custom<() => ((value: unknown) => boolean) & { errors?: unknown }>(
          (value) => typeof value === "function",
        ),
      })
      .parse(module);
    const validate = getValidator();
    const config = read("firebase.json");
    const valid = validate(config);
    expect(valid, JSON.stringify(validate.errors)).to.equal(true);
    // The control: the same validator refuses a misspelt key.
    expect(validate({ ...z.looseObject({}).parse(config), hostting: {} })).to.equal(false);
  });

  it("has Firestore indexes that firebase-tools' index validator accepts", () => {
    const module: unknown = require("firebase-tools/lib/firestore/api.js");
    interface IndexSpec {
      indexes: unknown[];
    }
    interface FirestoreApi {
      upgradeOldSpec(spec: unknown): IndexSpec;
      validateSpec(spec: IndexSpec): void;
    }
    const { FirestoreApi } = z
      .object({ FirestoreApi: z.custom<new () => FirestoreApi>((v) => typeof v === "function") })
      .parse(module);
    const api = new FirestoreApi();
    const spec = api.upgradeOldSpec(read("firestore.indexes.json"));
    expect(() => {
      api.validateSpec(spec);
    }).not.to.throw();
    expect(spec.indexes).to.be.an("array");
    // The control: a broken index is refused by the same validator.
    expect(() => {
      api.validateSpec({ indexes: [{ collectionGroup: "calls" }] });
    }).to.throw();
  });

  it("has rules files deploy can read: RTDB rules as one `rules` object, Firestore rules v2", () => {
    // The rules' JSON-with-comments dialect; the server's own syntax check (deploy's dry run)
    // needs a project, and the emulator suite loads the same file for the rules tests.
    const database = z.object({ rules: z.record(z.string(), z.unknown()) }).strict();
    const text = readFileSync(join(projectDir, "database.rules.json"), "utf8");
    expect(database.safeParse(parseRules(text)).success).to.equal(true);
    const firestoreRules = readFileSync(join(projectDir, "firestore.rules"), "utf8");
    expect(firestoreRules).to.match(/^rules_version = '2';/m);
    expect(firestoreRules).to.match(/service cloud\.firestore \{/);
  });
});
