import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * The layers, bottom to top. A folder's code (tests included) imports only from its own layer and
 * the ones below it; docs/architecture.md says what lives where.
 */
const elements = [
  { type: 'fixtures', pattern: 'fixtures', mode: 'folder' },
  { type: 'platform', pattern: 'platform', mode: 'folder' },
  { type: 'simulator-shared', pattern: 'simulator/shared', mode: 'folder' },
  { type: 'simulator', pattern: 'simulator/*', mode: 'folder', capture: ['name'] },
  { type: 'stack', pattern: 'stack', mode: 'folder' },
  { type: 'scenarios', pattern: 'scenarios', mode: 'folder' },
  { type: 'bench', pattern: 'bench', mode: 'folder' },
  { type: 'cli', pattern: 'cli', mode: 'folder' },
  { type: 'config', pattern: '*.config.ts', mode: 'file' },
];

const below = {
  fixtures: ['fixtures'],
  platform: ['platform'],
  'simulator-shared': ['fixtures', 'platform', 'simulator-shared'],
  stack: ['fixtures', 'platform', 'simulator-shared', 'simulator', 'stack'],
  scenarios: ['fixtures', 'platform', 'simulator-shared', 'simulator', 'stack', 'scenarios'],
  bench: ['fixtures', 'platform', 'simulator-shared', 'simulator', 'stack', 'bench'],
  cli: ['fixtures', 'platform', 'simulator-shared', 'simulator', 'stack', 'scenarios', 'cli'],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', '.run/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.ts', '**/*.mjs'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      'boundaries/include': ['**/*.ts', '**/*.mjs'],
    },
    rules: {
      'boundaries/no-unknown-files': 'error',
      'boundaries/element-types': [
        'error',
        {
          default: 'disallow',
          message: '${file.type} must not import ${dependency.type}: dependencies point down the layers',
          rules: [
            ...Object.entries(below).map(([from, allow]) => ({ from, allow })),
            // A simulator stands on the shared pieces, never on another simulator.
            {
              from: 'simulator',
              allow: ['fixtures', 'platform', 'simulator-shared', ['simulator', { name: '${from.name}' }]],
            },
            { from: 'config', allow: elements.map((element) => element.type) },
          ],
        },
      ],
    },
  },
);
