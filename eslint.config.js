// ESLint (flat config) with typescript-eslint's syntax-only recommended rules; formatting is Prettier's
// (eslint-config-prettier turns off the rules that would fight it). The plugins come from the tools/lint
// workspace, which installs them against TypeScript 6.0: typescript-eslint 8 cannot load TypeScript 7
// (the project's tsc). The parser reads the same syntax; type checking stays with `npm run typecheck`.
import { defineConfig } from 'eslint/config';
import { globals, js, prettierConfig, tseslint } from 'dtsim-lint';

export default defineConfig(
  { ignores: ['.ci-out/', 'coverage/', 'results/', 'test/fixtures/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Not in `recommended`, stated for whoever extends this: `!` is deliberate here (indexing typed
      // arrays and tuples under noUncheckedIndexedAccess, see tsconfig.json).
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `_`-prefixed names are deliberately unused (placeholders, ignored tuple slots, caught errors).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },
  prettierConfig,
);
