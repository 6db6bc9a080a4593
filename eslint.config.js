// Lint rules that also guard the architecture: workflow code stays deterministic (no Node, no I/O modules,
// activities by type only), and nothing in src/ reaches into the worker's activities or workflows at run time.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const sideEffectModules = ['node:*', 'fs', 'path', 'http', 'https', 'crypto', 'child_process', 'better-sqlite3', 'kysely', 'pg', 'pino', 'express'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.temporal/', '.sluice-data/', 'coverage/', 'test/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/activities', '**/activities/*'], message: 'Workflows import activities as types only.', allowTypeImports: true },
            { group: ['**/src/store/**', '**/src/connectors/**', '**/src/api/**', '**/src/services/**', '**/src/runtime/**', '**/src/config/**'], message: 'Workflow code must stay deterministic: no I/O modules.', allowTypeImports: true },
            { group: sideEffectModules, message: 'Workflow code runs in a deterministic sandbox: no Node or I/O modules.', allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/workflows', '**/workflows/*'], message: 'Start workflows by name through src/temporal; import their types only.', allowTypeImports: true },
          ],
        },
      ],
    },
  },
);
