import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Folders are runtimes (STYLE.md rule 1): the import rules below keep each folder
// to what its runtime has. Only src/main/electron and src/preload may import electron.
const nodeBuiltins = ['node:*', 'fs', 'path', 'child_process', 'net', 'os', 'crypto', 'http', 'https', 'events', 'stream', 'tls', 'url'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**'] },
  {
    // Build and CI scripts run in plain Node.
    files: ['scripts/**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly' } },
  },

  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: nodeBuiltins, message: 'src/shared is plain TypeScript: no Node built-ins.' },
        { group: ['electron', 'react', 'react-dom'], message: 'src/shared imports nothing of a runtime.' },
        { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'src/shared imports nothing of ours.' },
      ] }],
    },
  },
  {
    files: ['src/main/engine/**/*.ts', 'src/main/commerce/**/*.ts', 'src/main/studio/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['electron'], message: 'Only src/main/electron imports electron (STYLE.md rule 2).' },
        { group: ['**/renderer/**', '**/preload/**', '**/electron/**', 'react', 'react-dom'], message: 'Main layers do not import UI code.' },
      ] }],
    },
  },
  {
    files: ['src/main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['electron'], message: 'The engine never imports electron.' },
        { group: ['**/studio/**', '**/commerce/**', '**/renderer/**', '**/electron/**'], message: 'The engine imports only shared and Node.' },
      ] }],
    },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: [...nodeBuiltins, 'electron'], message: 'The renderer is a browser: reach main only through window.studio.' },
        { group: ['**/main/**', '**/preload/**'], message: 'The renderer imports only shared.' },
      ] }],
    },
  },
  { files: ['scripts/**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
