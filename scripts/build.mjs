#!/usr/bin/env node
// Builds everything the CLI, `npm start` and the tests need into dist/ (run by `npm ci` via
// `prepare`). esbuild bundles our own code; npm packages stay external for the Node targets and
// are bundled for the renderer. `--watch` rebuilds on change.
import { build, context } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const dist = join(root, 'dist');

const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
};

const targets = [
  { ...nodeCommon, entryPoints: [join(root, 'src/node/cli/main.ts')], outfile: join(dist, 'cli.js'), format: 'esm' },
  // The tile workers (node:worker_threads) of the imagery engine, found beside cli.js / electron/.
  { ...nodeCommon, entryPoints: [join(root, 'src/node/imagery/tile-worker.ts')], outfile: join(dist, 'tile-worker.js'), format: 'esm' },
  // The suggestion worker (node:worker_threads: onnxruntime off the main thread), found beside cli.js / electron/.
  { ...nodeCommon, entryPoints: [join(root, 'src/node/suggest/worker.ts')], outfile: join(dist, 'suggest-worker.js'), format: 'esm' },
  // The score workers of `fieldmark score` / `bench score` (src/node/quality/score-pool.ts).
  { ...nodeCommon, entryPoints: [join(root, 'src/node/quality/score-worker.ts')], outfile: join(dist, 'score-worker.js'), format: 'esm' },
  {
    ...nodeCommon,
    entryPoints: [join(root, 'electron/main.ts')],
    outfile: join(dist, 'electron/main.cjs'),
    format: 'cjs',
    external: ['electron'],
    // Modules written for ESM read import.meta.url; give the CJS bundle a real one.
    define: { 'import.meta.url': '__fieldmarkImportMetaUrl' },
    banner: { js: "const __fieldmarkImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  },
  {
    // The suggestion engine's utilityProcess child under Electron (electron/suggest-process.ts).
    ...nodeCommon,
    entryPoints: [join(root, 'electron/suggest-utility.ts')],
    outfile: join(dist, 'electron/suggest-utility.cjs'),
    format: 'cjs',
    external: ['electron'],
    define: { 'import.meta.url': '__fieldmarkImportMetaUrl' },
    banner: { js: "const __fieldmarkImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  },
  {
    // The sandboxed preload may only require('electron'): bundle everything else into it.
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['electron'],
    entryPoints: [join(root, 'electron/preload.ts')],
    outfile: join(dist, 'electron/preload.cjs'),
    sourcemap: 'inline',
    logLevel: 'warning',
  },
  {
    // The "Connect to a campaign server…" prompt's own sandboxed preload (electron/connect-prompt.ts).
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['electron'],
    entryPoints: [join(root, 'electron/connect-preload.ts')],
    outfile: join(dist, 'electron/connect-preload.cjs'),
    sourcemap: 'inline',
    logLevel: 'warning',
  },
  {
    bundle: true,
    platform: 'browser',
    target: ['chrome120'],
    format: 'esm',
    entryPoints: [join(root, 'renderer/main.ts')],
    outfile: join(dist, 'renderer/app.js'),
    sourcemap: 'linked',
    minify: !watch,
    logLevel: 'warning',
    loader: { '.css': 'css' },
  },
];

function copyStatic() {
  const out = join(dist, 'renderer');
  mkdirSync(out, { recursive: true });
  const mlDir = dirname(require.resolve('maplibre-gl/package.json'));
  const files = [
    [join(root, 'renderer/index.html'), join(out, 'index.html')],
    [join(root, 'renderer/styles.css'), join(out, 'styles.css')],
    [join(mlDir, 'dist/maplibre-gl.css'), join(out, 'maplibre-gl.css')],
    [join(mlDir, 'dist/maplibre-gl-worker.mjs'), join(out, 'maplibre-gl-worker.mjs')],
  ];
  for (const [from, to] of files) if (existsSync(from)) copyFileSync(from, to);
}

const present = targets.filter((t) => existsSync(t.entryPoints[0]));
for (const t of targets) if (!present.includes(t)) console.warn(`build: skipping missing entry ${t.entryPoints[0]}`);

// dist/ is overwritten in place (never deleted first): a CLI or server running from it keeps working
// while it is rebuilt. `npm run clean` removes it.
mkdirSync(dist, { recursive: true });
writeFileSync(join(dist, 'package.json'), '{"type":"module"}\n');
if (watch) {
  for (const t of present) await (await context(t)).watch();
  copyStatic();
  console.log('build: watching');
} else {
  const t0 = Date.now();
  await Promise.all(present.map((t) => build(t)));
  copyStatic();
  console.log(`build: ${present.length} bundles in ${Date.now() - t0} ms`);
}
