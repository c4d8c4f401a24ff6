import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/istio/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', 'ExportAllDeclaration'],
      'no-console': 'error',
    },
  },
  {
    // Adapters hang abort callbacks on signals many watches share: through the kit's onAbort,
    // whose cost does not grow with the number of callbacks (src/adapters/kit/abort-hooks.ts).
    files: ['src/adapters/**/*.ts'],
    ignores: ['src/adapters/kit/abort-hooks.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          property: 'addEventListener',
          message:
            'Use onAbort from src/adapters/kit/abort-hooks.ts: EventTarget walks every listener on each add.',
        },
        {
          property: 'removeEventListener',
          message:
            'Take an onAbort hook back with the function it returned (src/adapters/kit/abort-hooks.ts).',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { projectService: false, project: null },
      globals: { process: 'readonly', console: 'readonly' },
    },
  },
);
