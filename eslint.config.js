// ESLint flat config for the whole repository (browser, servers, contracts, scripts, tests).
//
// Besides typescript-eslint's recommended rules, it enforces the architecture boundaries from
// design.md with eslint-plugin-boundaries. Those boundaries are what keeps the promise "the same
// app runs against the real Beyond Identity cloud": the app backend and the local cloud only talk
// over HTTP, the browser never pulls server code, and only src/passkeys touches the SDK.
import boundaries from 'eslint-plugin-boundaries';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Element types, one per folder. Every file of these folders belongs to its folder's element. */
const elements = [
  ['contracts', 'contracts'],
  ['src-app', 'src/app'],
  ['src-console', 'src/console'],
  ['src-passkeys', 'src/passkeys'],
  ['src-lib', 'src/lib'],
  ['server-app', 'server/app'],
  ['server-cloud', 'server/cloud'],
  ['server-lib', 'server/lib'],
  ['scripts', 'scripts'],
  ['e2e', 'e2e'],
  // Integration tests that drive several parts together (e.g. the app backend against the local cloud).
  ['tests', 'test'],
  ['bench', 'bench'],
].map(([type, folder]) => ({
  type,
  pattern: folder,
  // Match from the project root: a partial (suffix) match would also classify, say,
  // `e2e/fixtures/contracts/x.ts` as `contracts`.
  partialMatch: false,
}));

/**
 * `from` may import the listed element types (and always its own type).
 * @param {string} from
 * @param {string[]} to
 */
const mayImport = (from, to) => ({
  from: { element: { type: from } },
  allow: { to: { element: { types: { anyOf: [from, ...to] } } } },
});

/** The SDK may only be loaded by src/passkeys (one singleton, lazily imported). */
const biSdk = '@beyondidentity/bi-sdk-js';
const biSdkMessage = 'Only src/passkeys/ may import the Beyond Identity SDK; use its wrapper instead.';

export default defineConfig([
  globalIgnores([
    '**/dist/',
    '**/node_modules/',
    'test-results/',
    'playwright-report/',
    'blob-report/',
    'coverage/',
    '.data/',
    '.tmp/',
  ]),

  tseslint.configs.recommended,

  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed names mark deliberately unused parameters (e.g. Hono/Express-style handler
      // signatures, destructuring to omit a key).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // tsconfig has verbatimModuleSyntax: type-only imports must say so, or they would be
      // emitted as runtime imports (and could drag server code into a browser bundle).
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: biSdk, message: biSdkMessage }],
          patterns: [{ group: [`${biSdk}/*`], message: biSdkMessage }],
        },
      ],
      // `no-restricted-imports` does not see `import()`, and the SDK is meant to be lazily
      // imported, so the dynamic form needs its own guard.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression[source.value=/^@beyondidentity\\/bi-sdk-js(\\/|$)/]',
          message: biSdkMessage,
        },
      ],
    },
  },

  {
    files: ['src/passkeys/**'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off' },
  },

  {
    // Only project files are classified; config files at the root (vite, playwright, this
    // file) are not elements and are not checked by the boundaries rules.
    files: ['**/*.{ts,tsx,js,jsx,mts,cts,mjs,cjs}'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      // Imports are extensionless (tsconfig "Bundler" resolution), so the resolver must try
      // the TypeScript extensions; otherwise `../cloud/x` resolves to nothing and no rule fires.
      'import/resolver': {
        node: { extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'] },
      },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          // Whitelist: any project import not allowed below is an error.
          default: 'disallow',
          policies: [
            // npm packages and node: builtins are fine everywhere as far as this rule goes
            // (`no-restricted-imports` guards the SDK).
            { allow: { to: { module: { origin: ['external', 'core'] } } } },
            mayImport('contracts', []),
            mayImport('server-lib', ['contracts']),
            mayImport('server-app', ['server-lib', 'contracts']),
            mayImport('server-cloud', ['server-lib', 'contracts']),
            mayImport('src-lib', ['contracts']),
            mayImport('src-passkeys', ['src-lib', 'contracts']),
            mayImport('src-app', ['src-lib', 'src-passkeys', 'contracts']),
            mayImport('src-console', ['src-lib', 'src-passkeys', 'contracts']),
            // Tooling and tests may reach into anything to start, seed or measure the system.
            { from: { element: { types: { anyOf: ['scripts', 'e2e', 'bench', 'tests'] } } }, allow: { to: { module: { origin: '*' } } } },
          ],
        },
      ],
    },
  },
  {
    // Tests read loosely typed JSON bodies; the OpenAPI conformance check types them at run time.
    files: ['**/*.test.{ts,tsx}', 'server/*/test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
]);
