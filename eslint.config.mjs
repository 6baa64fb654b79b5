import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const hostModules = ['fs', 'fs/promises', 'child_process', 'os', 'net', 'process'].flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  { ignores: ['build/', 'dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `import fs = require('node:fs')` bundles to a plain require (no per-module namespace copy at start-up).
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
    },
  },
  {
    // The launcher is plain CommonJS run by node directly.
    files: ['bin/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The core is pure: it decides from data it is given and never touches the host.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: hostModules.map((name) => ({ name, message: 'src/core is pure: host access belongs in src/system.' })),
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/core is pure: pass what you need as an argument.' },
      ],
    },
  },
);
