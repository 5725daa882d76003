#!/usr/bin/env node
// Trains the models of models/ with our own TypeScript pipeline (src/node/suggest/boundary):
// seeded synthetic scenes -> boundary model -> models/boundary-v1/{model.onnx,model.json}.
// `npm run build:models` runs it; `--quick` prints the fingerprints of the small subset build;
// `--out DIR` writes elsewhere; `--no-eval` skips the held-out evaluation.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// bundled inside the repository so that npm packages resolve from its node_modules
const cache = join(root, 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, 'fieldmark-build-models-'));
const out = join(dir, 'build-models.mjs');
try {
  await build({
    entryPoints: [join(root, 'src/node/suggest/boundary/build-cli.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    outfile: out,
    logLevel: 'warning',
  });
  process.chdir(root);
  const { main } = await import(pathToFileURL(out).href);
  await main(process.argv.slice(2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
