import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'apps/portal/dist/**', 'coverage/**', 'tests/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        globalThis: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    // Only the EventStoreDB adapter (and the test stand-in) may import the EventStoreDB client.
    files: ['**/*.ts'],
    ignores: ['libs/event-store/src/eventstoredb/**', 'tests/support/esdb-standin/**', 'libs/event-store/src/**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@eventstore/db-client', '@eventstore/db-client/*'] }] },
  },
  {
    // libs/domain is pure: no framework, database or store client (DESIGN §2).
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'typeorm', 'pg', '@eventstore/*', '#event-store', '#projections'] }],
    },
  },
);
