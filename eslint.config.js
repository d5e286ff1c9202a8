// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Import boundaries (DESIGN.md, STYLE.md): data flows one way,
 * flows/ -> generator/ -> generated/ -> runtime/. The renderer reaches the
 * generator only through the typed backend API in api/.
 */
const boundary = (/** @type {string[]} */ group, /** @type {string} */ message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group, message }] }],
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'out/**',
      'coverage/**',
      'test-output/**',
      'bin/**',
      'schema/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        queueMicrotask: 'readonly',
        performance: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        AbortController: 'readonly',
        structuredClone: 'readonly',
        fetch: 'readonly',
        globalThis: 'readonly',
        window: 'readonly',
        document: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExportDefaultDeclaration',
          message: 'Named exports only (STYLE.md).',
        },
      ],
    },
  },
  {
    files: ['runtime/**/*.ts'],
    rules: boundary(
      [
        '**/generator/**',
        '**/generated/**',
        '**/launcher/**',
        '**/renderer/**',
        '**/electron/**',
        '**/api/**',
      ],
      'runtime/ is the bottom layer: it imports no project layer above it.',
    ),
  },
  {
    files: ['generator/**/*.ts'],
    rules: boundary(
      ['**/generated/**', '**/launcher/**', '**/renderer/**', '**/electron/**'],
      'generator/ may use runtime/ and api/ only (it reaches launcher/ by the dynamic import of ADR 0005).',
    ),
  },
  {
    files: ['generated/**/*.ts'],
    rules: boundary(
      ['**/renderer/**', '**/electron/**', '**/launcher/**'],
      'generated/ runs on runtime/ (and its tests on the conformance engine).',
    ),
  },
  {
    files: ['launcher/**/*.ts'],
    rules: boundary(
      ['**/renderer/**', '**/electron/**', '**/api/**'],
      'launcher/ is the top layer: it starts generated/ roles on runtime/; nothing imports it.',
    ),
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: boundary(
      ['**/generator/**', '**/runtime/**', '**/generated/**', '**/electron/**', 'node:*'],
      'The renderer reaches the generator only through the typed backend API in api/.',
    ),
  },
  {
    files: ['api/**/*.ts'],
    rules: boundary(
      ['**/generator/**', '**/runtime/**', '**/renderer/**', '**/electron/**', 'node:*'],
      'api/ holds the contract only: types and channel names shared by both sides.',
    ),
  },
  {
    files: ['electron/**/*.ts'],
    rules: boundary(
      ['**/renderer/**', '**/runtime/**', '**/generated/**'],
      'electron/ is a thin shell: window, preload and the backend API handlers.',
    ),
  },
  {
    files: ['*.config.ts', 'eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
