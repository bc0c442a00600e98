// Flat config: typescript-eslint for code quality, Nx module boundaries for DESIGN.md's
// dependency rule (apps → lifecycle/maintenance → core, db, queue, providers' ports;
// drivers → ports + config only; core depends on nothing).
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const constraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [
      'type:lifecycle',
      'type:maintenance',
      'type:core',
      'type:config',
      'type:db',
      'type:queue',
      'type:provider',
      'type:platform',
      'type:runtime',
      'type:identity',
    ],
  },
  {
    sourceTag: 'type:lifecycle',
    onlyDependOnLibsWithTags: [
      'type:core',
      'type:config',
      'type:db',
      'type:queue',
      'type:provider',
      'type:platform',
    ],
  },
  {
    sourceTag: 'type:maintenance',
    onlyDependOnLibsWithTags: [
      'type:core',
      'type:config',
      'type:db',
      'type:queue',
      'type:provider',
      'type:platform',
    ],
  },
  { sourceTag: 'type:provider', onlyDependOnLibsWithTags: ['type:core', 'type:config'] },
  { sourceTag: 'type:db', onlyDependOnLibsWithTags: ['type:core', 'type:config'] },
  // Sign-in providers (GitHub OAuth, OIDC): network clients only, safe for the edge.
  { sourceTag: 'type:identity', onlyDependOnLibsWithTags: ['type:core', 'type:config'] },
  { sourceTag: 'type:queue', onlyDependOnLibsWithTags: ['type:core', 'type:config'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:core', 'type:config'] },
  {
    sourceTag: 'type:runtime',
    onlyDependOnLibsWithTags: [
      'type:core',
      'type:config',
      'type:db',
      'type:queue',
      'type:platform',
    ],
  },
  // The api and the gateway answer the internet: they never load Docker, git or the stage code
  // (a webhook is stored, not processed, on the request path). What needs Docker goes through
  // the worker, which publishes over Redis.
  {
    sourceTag: 'role:edge',
    onlyDependOnLibsWithTags: [
      'type:core',
      'type:config',
      'type:db',
      'type:queue',
      'type:platform',
      'type:runtime',
      'type:identity',
    ],
  },
  { sourceTag: 'type:config', onlyDependOnLibsWithTags: ['type:core'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:core'] },
  { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:core'] },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.tools/**',
      '.nx/**',
      'coverage/**',
      'prisma/generated/**',
      // Apps not written here (the compose corpus), kept as their authors wrote them.
      'test/fixtures/compose-corpus/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { plugins: { '@nx': nx } },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          // Tests anywhere may use the test kit (production code may not: next block).
          depConstraints: constraints.map((c) => ({
            ...c,
            onlyDependOnLibsWithTags: [...new Set([...c.onlyDependOnLibsWithTags, 'type:testing'])],
          })),
        },
      ],
    },
  },
  {
    // Production code never imports the test kit; tests anywhere may.
    files: ['libs/**/src/**/*.ts', 'apps/**/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/test-support/**'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: constraints.map((c) => ({
            ...c,
            onlyDependOnLibsWithTags: c.onlyDependOnLibsWithTags.filter(
              (t) => t !== 'type:testing',
            ),
          })),
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        fetch: 'readonly',
        document: 'readonly',
        window: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  prettier,
);
