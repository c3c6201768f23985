// Lint rules: typescript-eslint's recommended set, with formatting left to prettier.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";
import stylistic from "@stylistic/eslint-plugin";
import { importX, createNodeResolver } from "eslint-plugin-import-x";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "provider/dist/**", ".pulumi-local/**", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    // Engine tests, the demo and fault runs load Pulumi programs by path when the engine runs them, so
    // that the program module is fresh per stack; a static import would run it at load time.
    files: ["test/**/*.ts", "scripts/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // No import cycles in the provider, the scripts or the tests: each layer imports only downhill.
    files: ["provider/src/**/*.ts", "scripts/**/*.ts", "test/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js", ".json"] })],
      "import-x/extensions": [".ts", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
    },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  {
    plugins: { "@stylistic": stylistic },
    rules: {
      // prettier wraps code at 160; this catches the strings and comments it cannot wrap (a regular expression cannot be).
      "@stylistic/max-len": ["error", { code: 160, ignoreUrls: true, ignoreRegExpLiterals: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
