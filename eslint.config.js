// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "functions/lib/**",
      "emulator/lib/**",
      "**/dist/**",
      ".tmp/**",
      "emulator/test/firebase-tools/fixture/**",
      "emulator/test/firestore-conformance/.work/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    files: ["**/*.ts", "**/*.mts"],
    languageOptions: {
      parserOptions: {
        project: ["./tsconfig.test.json", "./emulator/tsconfig.json", "./functions/tsconfig.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: Object.fromEntries(
        [
          "process",
          "console",
          "URL",
          "Buffer",
          "fetch",
          "setTimeout",
          "clearTimeout",
          "setInterval",
          "clearInterval",
          "setImmediate",
          "AbortController",
        ].map((name) => [name, "readonly"]),
      ),
    },
  },
  {
    // The dashboard's service worker runs in the worker's global scope, not Node's.
    files: ["dashboard/public/sw.js"],
    languageOptions: { globals: { self: "readonly" } },
  },
  {
    files: ["**/test/**/*.ts", "test/**/*.ts", "bench/**/*.ts"],
    rules: {
      // chai's property assertions (expect(x).to.be.true) are expressions by design.
      "@typescript-eslint/no-unused-expressions": "off",
    },
  },
);
