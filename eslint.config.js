// ESLint: the layering (DESIGN.md) and no focused tests. Nothing else on purpose: style rules would
// need the whole tree changed, and formatting is left for a later, single pass.
//
// A file's folder says which process it runs in and what it may import:
//   src/shared    only src/shared (tests: vitest, fast-check); no DOM globals, no process/Buffer
//   src/renderer  src/shared, Vue, vue-i18n, Dexie, chart.js, @tanstack/vue-virtual; no Node, no electron
//   src/preload   src/shared and electron
//   src/worker    src/shared, Node and compute packages; never electron, vue or Dexie
//   src/host      src/shared, Node (runs in Electron main and in `distillery serve`); never electron, vue or Dexie
//   src/main      src/host, src/shared, Node, electron; never vue or Dexie
//   src/cli       src/host, src/worker, src/shared, Node
// Heavy packages live in one place each: tfjs backends in src/worker/backend, tfjs and
// onnxruntime-node in src/worker, Dexie in src/renderer, electron in src/main and src/preload.
// Nothing under src/ but a test imports test code (test/, *fixtures*).
// Renderer views and components reach the database through src/renderer/state and composables only:
// of src/renderer/db they may import the Dexie-free modules (DB_PURE), and never dexie itself.
//
// A restriction is written once as a regex over the import specifier and enforced for static
// imports/re-exports (no-restricted-imports) and for require()/import() (no-restricted-syntax).
import tseslint from 'typescript-eslint';
import vueParser from 'vue-eslint-parser';

const LAYERS = ['shared', 'renderer', 'preload', 'worker', 'host', 'main', 'cli'];
/** Which other src/ folders each layer may import (relative imports). */
const MAY_IMPORT = {
  shared: [],
  renderer: ['shared'],
  preload: ['shared'],
  worker: ['shared'],
  host: ['shared'],
  main: ['shared', 'host'],
  cli: ['shared', 'worker', 'host'],
};
const TEST_PACKAGES = ['vitest', 'fast-check'];
/** Packages for allow-listed layers; anything else bare (a package, node:*) is refused. */
const ALLOWED_PACKAGES = {
  shared: { code: [], tests: TEST_PACKAGES },
  renderer: {
    code: ['vue', 'vue-i18n', 'dexie', 'dexie-export-import', 'chart.js', '@tanstack/vue-virtual'],
    tests: [...TEST_PACKAGES, '@vue/compiler-sfc'],
  },
  preload: { code: ['electron'], tests: TEST_PACKAGES },
};
/** The src/renderer/db modules that never touch Dexie (row types, pure functions): views may import them. */
const DB_PURE = ['types', 'logic', 'gold'];
/** Renderer folders that reach the database through state/ and composables/ only. */
const DB_FREE = ['views', 'components'];
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const anyOf = (names) => names.map(esc).join('|');

/**
 * Deny rules {regex, message} for files of `layer` at `depth` folders below src/<layer>; depth
 * `undefined` is the fallback for files deeper than MAX_DEPTH (any climb that names another layer).
 */
function restrictions(layer, depth, { tests, sub }) {
  // A relative specifier that climbs out of src/<layer>.
  const up = depth === undefined ? '(\\.\\./)+' : `(\\.\\./){${depth + 1}}`;
  const rules = [];
  const others = LAYERS.filter((l) => l !== layer && !MAY_IMPORT[layer].includes(l));
  if (others.length)
    rules.push({
      regex: `^${up}(${others.join('|')})(/|$)`,
      message: `src/${layer} may not import from another process's folder (only ${['src/' + layer, ...MAY_IMPORT[layer].map((l) => 'src/' + l)].join(', ')}).`,
    });
  // Production code never loads test code: doubles and fixtures live under test/, for tests only.
  if (!tests) {
    rules.push({
      regex: `^${up}\\.\\./test(/|$)`,
      message: 'code under src/ may not import from test/ (test doubles and data); only *.test.ts files may.',
    });
    rules.push({
      regex: '(^|/)[^/]*fixtures[^/]*(/|$)',
      message: 'code under src/ may not import fixtures (test data); only *.test.ts files may.',
    });
  }
  if (layer === 'renderer' && DB_FREE.includes(sub) && !tests)
    rules.push({
      regex: `^(\\.\\./)+db/(?!(${DB_PURE.join('|')})$)|^dexie(-export-import)?(/|$)`,
      message: `src/renderer/${sub} reach the database through src/renderer/state or composables, not src/renderer/db (only db/${DB_PURE.join(', db/')}, which never touch Dexie) nor dexie.`,
    });
  const allowed = ALLOWED_PACKAGES[layer];
  if (allowed) {
    const names = [...allowed.code, ...(tests ? allowed.tests : [])];
    const what = names.length ? names.join(', ') : 'no packages';
    rules.push({
      regex: `^(?!\\.${names.length ? `|(${anyOf(names)})(/|$)` : ''})`,
      message: `src/${layer} may import only ${what} besides its own layer (no Node, no electron, no other packages).`,
    });
  }
  if (layer === 'worker' || layer === 'cli' || layer === 'main' || layer === 'host') {
    if (layer !== 'main')
      rules.push({
        regex: '^electron(/|$)',
        message: `electron belongs to src/main and src/preload${layer === 'host' ? ' (src/host also runs in serve mode, without Electron)' : ''}.`,
      });
    rules.push({
      regex: '^(vue|vue-i18n|@vue/.*|dexie|dexie-export-import)(/|$)',
      message: 'Vue and Dexie belong to src/renderer.',
    });
    if (layer !== 'worker') {
      rules.push({
        regex: '^(@tensorflow/tfjs.*|onnxruntime-node)(/|$)',
        message: 'tfjs and onnxruntime-node run in src/worker.',
      });
    } else if (sub !== 'backend') {
      rules.push({
        regex: '^@tensorflow/tfjs-(node|node-gpu|backend-wasm|backend-webgpu)(/|$)',
        message: 'tfjs backends are chosen in src/worker/backend.',
      });
    }
  }
  return rules;
}

/** esquery cannot hold a '/' inside a regex literal: write it as \x2F. */
const selectorRegex = (regex) => `/${regex.replace(/\//g, '\\x2F')}/`;

function layerRules(rules) {
  return {
    'no-restricted-imports': ['error', { patterns: rules.map(({ regex, message }) => ({ regex, message })) }],
    'no-restricted-syntax': [
      'error',
      ...rules.flatMap(({ regex, message }) => [
        { selector: `ImportExpression[source.value=${selectorRegex(regex)}]`, message },
        { selector: `CallExpression[callee.name='require'][arguments.0.value=${selectorRegex(regex)}]`, message },
        {
          selector: `CallExpression[callee.type='CallExpression'][callee.callee.name='createRequire'][arguments.0.value=${selectorRegex(regex)}]`,
          message,
        },
      ]),
    ],
  };
}

const SOURCE = '{ts,mts,js,mjs,vue}';
const TEST_GLOBS = ['**/*.test.ts', '**/*.spec.ts'];
const SPECIAL = { worker: ['backend'], renderer: DB_FREE };
const MAX_DEPTH = 6;

function layerBlocks() {
  const blocks = [];
  for (const layer of LAYERS) {
    const subs = [undefined, ...(SPECIAL[layer] ?? [])];
    for (const sub of subs) {
      const all = sub ? `src/${layer}/${sub}/**/` : `src/${layer}/**/`;
      for (const tests of [false, true]) {
        blocks.push({
          files: tests ? [`${all}*.test.ts`, `${all}*.spec.ts`] : [`${all}*.${SOURCE}`],
          ...(tests ? {} : { ignores: TEST_GLOBS }),
          rules: layerRules(restrictions(layer, undefined, { tests, sub })),
        });
      }
      for (let depth = sub ? 1 : 0; depth <= MAX_DEPTH; depth++) {
        const base = sub ? `src/${layer}/${sub}/${'*/'.repeat(depth - 1)}` : `src/${layer}/${'*/'.repeat(depth)}`;
        for (const tests of [false, true]) {
          blocks.push({
            files: tests ? [`${base}*.test.ts`, `${base}*.spec.ts`] : [`${base}*.${SOURCE}`],
            ...(tests ? {} : { ignores: TEST_GLOBS }),
            rules: layerRules(restrictions(layer, depth, { tests, sub })),
          });
        }
      }
    }
  }
  return blocks;
}

/** Browser globals src/shared must not touch (it runs in every process). */
const DOM_GLOBALS = [
  'document',
  'window',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'self',
  'HTMLElement',
  'Element',
  'alert',
];
/** Node globals src/shared and src/renderer must not touch. */
const NODE_GLOBALS = ['process', 'Buffer', 'require', 'module', '__dirname', '__filename', 'global', 'setImmediate'];
const restrictGlobals = (names, why) => names.map((name) => ({ name, message: `${name}: ${why}` }));

export default [
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'coverage/**', '**/*.d.ts'] },
  {
    // The plugin is registered (no rule of it turned on) so that existing eslint-disable comments resolve.
    files: ['**/*.{ts,mts,vue}'],
    plugins: { '@typescript-eslint': tseslint.plugin },
  },
  {
    files: ['**/*.{ts,mts}'],
    languageOptions: { parser: tseslint.parser, sourceType: 'module' },
  },
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module' } },
  },
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
  ...layerBlocks(),
  {
    // What makes DB_PURE safe for views: those modules stay off Dexie and the repositories.
    files: DB_PURE.map((name) => `src/renderer/db/${name}.ts`),
    rules: layerRules([
      ...restrictions('renderer', 1, { tests: false }),
      {
        regex: '^dexie(-export-import)?(/|$)|^\\./(schema|[\\w-]+-repo)$',
        message: `src/renderer/db/{${DB_PURE.join(',')}}.ts stay free of Dexie (views import them): no dexie, schema or *-repo.`,
      },
    ]),
  },
  {
    files: [`src/shared/**/*.${SOURCE}`],
    ignores: TEST_GLOBS,
    rules: {
      'no-restricted-globals': [
        'error',
        ...restrictGlobals(DOM_GLOBALS, 'src/shared runs in every process and has no DOM.'),
        ...restrictGlobals(NODE_GLOBALS, 'src/shared runs in every process and has no Node (pass values in instead).'),
      ],
    },
  },
  {
    files: [`src/renderer/**/*.${SOURCE}`],
    ignores: TEST_GLOBS,
    rules: { 'no-restricted-globals': ['error', ...restrictGlobals(NODE_GLOBALS, 'the renderer has no Node.')] },
  },
  {
    // Focused tests would silently skip the rest of the suite in CI.
    files: [...TEST_GLOBS, 'test/**/*.{ts,mts,js,mjs}'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['it', 'test', 'describe', 'suite', 'bench'].map((object) => ({
          object,
          property: 'only',
          message: `${object}.only focuses a test and skips the rest of the suite.`,
        })),
      ],
    },
  },
];
