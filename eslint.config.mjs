import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scratch/**', 'data/**', 'console/dist/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Type-aware rules: each file is checked with its nearest tsconfig.json (the root one for src, tests, seed and
    // scripts; console/tsconfig.json, DOM libs and JSX, for the web console in console/src).
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error',
        { object: 'describe', property: 'only' }, { object: 'it', property: 'only' }, { object: 'test', property: 'only' }],
    },
  },
  {
    // The web console (React + TypeScript, built by Vite, runs in the browser). Browser globals need no list:
    // typescript-eslint turns `no-undef` off for TypeScript, and tsc checks every name against the DOM libs of
    // console/tsconfig.json. What the console must not do: reach into Node or into the server's code.
    files: ['console/src/**/*.ts', 'console/src/**/*.tsx'],
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*'], message: 'The console runs in the browser: no Node modules.' },
          { group: ['**/src/*'], message: 'The console talks to the hub over HTTP only; it does not import the server code.' },
        ],
      }],
    },
  },
);
