/**
 * The suggestion engine on small images: a click gives a polygon in lon/lat; execution providers
 * fall back (a provider that fails to load, one that disagrees with the CPU, one that fails
 * mid-run); bad input (model file missing, corrupt, replaced, of the wrong signature; a click
 * outside the image; a window of no-data or clouds) is one clear BAD_INPUT line, never a crash;
 * the SAM-shaped pair works through the same host.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../common/api/errors';
import { BoundaryEngine } from './boundary-engine';
import { copyBoundaryModel, fieldsScene, replaceOnnx, TEST_GEO, writeFakeSam, writeTestImage, wrongSignatureOnnx } from './fixtures.testutil';
import { findModel, listModels, modelDirs } from './model-manifest';
import { defaultSessionFactory, providerOrder, type SessionFactory, type SessionLike } from './providers';
import { SuggestHost } from './suggest-host';
import { utmInverse } from '../demo/geo';

let dir: string;
const image = () => join(dir, 'fields.tif');
const toLonLat = (x: number, y: number): [number, number] => utmInverse(32630, TEST_GEO.originX + x * 3, TEST_GEO.originY - y * 3);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fieldmark-suggest-'));
  await writeTestImage(image(), 420, 400, fieldsScene);
  await writeTestImage(join(dir, 'nodata.tif'), 300, 300, () => [0, 0, 0, 0]);
  await writeTestImage(join(dir, 'clouds.tif'), 300, 300, () => [6000, 6100, 6050, 6500]);
  await writeTestImage(join(dir, 'half-cloud.tif'), 420, 400, (x, y) => (x < 150 ? [6000, 6100, 6050, 6500] : fieldsScene(x, y)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function badInput(p: Promise<unknown>, code = 'BAD_INPUT'): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe(code);
    expect((e as ApiError).message).not.toMatch(/\n|    at /);
    return (e as ApiError).message;
  }
  throw new Error('expected a BAD_INPUT error');
}

describe('a click', () => {
  it('gives the field polygon in lon/lat, its score, model and provider', async () => {
    const host = new SuggestHost({ forceCpu: true });
    try {
      const [lon, lat] = toLonLat(20 + 60 * 2 + 30, 20 + 50 * 3 + 25);
      const r = await host.suggest({ image: image(), lon, lat });
      expect(r.model.id).toBe('boundary-v1');
      expect(r.executionProvider).toBe('cpu');
      expect(r.polygon.coordinates[0]!.length).toBeGreaterThan(4);
      expect(r.vertices).toBeLessThanOrEqual(60);
      // the field is 58 x 48 px of 3 m
      expect(r.areaM2).toBeGreaterThan(0.7 * 58 * 48 * 9);
      expect(r.areaM2).toBeLessThan(1.3 * 58 * 48 * 9);
      const again = await host.suggest({ image: image(), lon, lat });
      expect(again.window.cached).toBe(true);
    } finally {
      await host.close();
    }
  });
});

describe('execution providers', () => {
  it('CPU only when forced (setting or FIELDMARK_SUGGEST_CPU=1); CPU always last', () => {
    expect(providerOrder({ forceCpu: true })).toEqual(['cpu']);
    expect(providerOrder({ env: { FIELDMARK_SUGGEST_CPU: '1' } })).toEqual(['cpu']);
    expect(providerOrder({ platform: 'linux', env: {} })).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(providerOrder({ platform: 'win32', env: {} })).toEqual(['cuda', 'dml', 'webgpu', 'cpu']);
    expect(providerOrder({ platform: 'darwin', env: {} })).toEqual(['coreml', 'webgpu', 'cpu']);
    expect(providerOrder({ env: { FIELDMARK_SUGGEST_PROVIDERS: 'webgpu' } })).toEqual(['webgpu', 'cpu']);
  });

  const entry = () => findModel(listModels(modelDirs()), 'boundary-v1');
  const wrap = (s: SessionLike, run: SessionLike['run']): SessionLike => ({ inputNames: s.inputNames, outputNames: s.outputNames, inputMetadata: s.inputMetadata, outputMetadata: s.outputMetadata, run, release: () => s.release() });

  it('skips a provider that cannot load and one that disagrees with the CPU on the probe', async () => {
    const factory: SessionFactory = async (m, p, t) => {
      if (p === 'webgpu') throw new Error('Failed to get a WebGPU adapter: No supported adapters');
      const s = await defaultSessionFactory(m, 'cpu', t);
      if (p === 'cuda') {
        return wrap(s, async (f) => {
          const out = await s.run(f);
          const k = Object.keys(out)[0]!;
          const d = Float32Array.from(out[k]!.data as Float32Array, (v) => v + 0.05);
          return { [k]: new ort.Tensor('float32', d, out[k]!.dims) };
        });
      }
      return s;
    };
    const e = await BoundaryEngine.create(entry(), { order: ['webgpu', 'cuda'], factory });
    expect(e.info.executionProvider).toBe('cpu');
    expect(e.info.providers.map((a) => [a.name, a.ok])).toEqual([['webgpu', false], ['cuda', false], ['cpu', true]]);
    expect(e.info.providers[0]!.note).toMatch(/adapter/);
    expect(e.info.providers[1]!.note).toMatch(/disagrees with CPU/);
    await e.dispose();
  });

  it('falls back to the CPU when the accelerator fails mid-run', async () => {
    let runs = 0;
    const factory: SessionFactory = async (m, p, t) => {
      const s = await defaultSessionFactory(m, 'cpu', t);
      return p === 'webgpu' ? wrap(s, async (f) => (++runs > 1 ? Promise.reject(new Error('device lost')) : s.run(f))) : s;
    };
    const host = new SuggestHost({ providers: ['webgpu'] });
    const e = await BoundaryEngine.create(entry(), { order: ['webgpu'], factory });
    expect(e.info.executionProvider).toBe('webgpu');
    (host as unknown as { engines: Map<string, Promise<unknown>> }).engines.set('boundary-v1', Promise.resolve(e));
    const [lon, lat] = toLonLat(50, 45);
    const r = await host.suggest({ image: image(), lon, lat });
    expect(r.executionProvider).toBe('cpu');
    expect(e.info.providers.at(-1)!.note).toMatch(/failed during a run.*device lost/);
    await host.close();
  });

  it('the real providers of this machine: a GPU one only when it agrees with the CPU', async () => {
    const e = await BoundaryEngine.create(entry(), { order: ['cuda', 'webgpu'] });
    expect(['cuda', 'webgpu', 'cpu']).toContain(e.info.executionProvider);
    expect(e.info.providers.at(-1)!.ok).toBe(true);
    await e.dispose();
  });
});

describe('bad input: a clear message, never a crash', () => {
  it('model files: missing, corrupt, replaced, wrong signature, unreadable manifest', async () => {
    const root = join(dir, 'models');
    copyBoundaryModel(root, 'missing', (m) => { m['file'] = 'nowhere.onnx'; });
    copyBoundaryModel(root, 'corrupt', (m, d) => replaceOnnx(m, d, new TextEncoder().encode('this is not an onnx file')));
    copyBoundaryModel(root, 'replaced', (_m, d) => writeFileSync(join(d, 'model.onnx'), wrongSignatureOnnx()));
    copyBoundaryModel(root, 'wrong-signature', (m, d) => replaceOnnx(m, d, wrongSignatureOnnx()));
    copyBoundaryModel(root, 'bad-json', (_m, d) => setTimeout(() => writeFileSync(join(d, 'model.json'), '{"id": '), 0));
    await new Promise((r) => setTimeout(r, 10));
    const host = new SuggestHost({ modelDirs: [root], forceCpu: true });
    const [lon, lat] = toLonLat(50, 45);
    const at = (model: string) => host.suggest({ image: image(), lon, lat, model });
    expect(await badInput(at('missing'))).toMatch(/nowhere\.onnx is missing/);
    expect(await badInput(at('corrupt'))).toMatch(/model corrupt: .*cannot be loaded/);
    expect(await badInput(at('replaced'))).toMatch(/does not match its manifest.*corrupt or replaced/);
    expect(await badInput(at('wrong-signature'))).toMatch(/wrong signature: expects input "input"/);
    expect(await badInput(at('bad-json'))).toMatch(/model\.json: not valid JSON/);
    await expect(at('no-such-model')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const info = await host.info();
    expect(info.broken.map((b) => b.problem).join('\n')).toMatch(/not valid JSON/);
    await host.close();
  });

  it('a click outside the image, a window of no-data, a window of clouds, a click on a cloud', async () => {
    const host = new SuggestHost({ forceCpu: true });
    try {
      expect(await badInput(host.suggest({ image: image(), lon: 10, lat: 50 }))).toMatch(/lies outside fields\.tif/);
      const [lon, lat] = toLonLat(100, 100);
      expect(await badInput(host.suggest({ image: join(dir, 'nodata.tif'), lon, lat }))).toMatch(/no usable pixels .*no-data/);
      expect(await badInput(host.suggest({ image: join(dir, 'clouds.tif'), lon, lat }))).toMatch(/no usable pixels .*cloud/);
      expect(await badInput(host.suggest({ image: join(dir, 'half-cloud.tif'), lon, lat: toLonLat(20, 100)[1] }))).toMatch(/falls on no-data or cloud pixels/);
      expect(await badInput(host.suggest({ image: join(dir, 'not-there.tif'), lon, lat }), 'NOT_FOUND')).toMatch(/not-there\.tif/);
    } finally {
      await host.close();
    }
  });
});

describe('an optional SAM-family pair (manifest kind "sam")', () => {
  it('runs through the same host: embedding cached per window, decoder per click', async () => {
    const root = join(dir, 'sam-models');
    writeFakeSam(root);
    const host = new SuggestHost({ modelDirs: [root], forceCpu: true });
    try {
      const [lon, lat] = toLonLat(20 + 60 * 2 + 30, 20 + 50 * 2 + 25);
      const r = await host.suggest({ image: image(), lon, lat, model: 'fake-sam' });
      expect(r.model).toEqual({ id: 'fake-sam', version: '0.0.1', kind: 'sam' });
      expect(r.polygon.type).toBe('Polygon');
      expect(r.score).toBeCloseTo(0.9, 5);
      const again = await host.suggest({ image: image(), lon, lat, model: 'fake-sam', negatives: [toLonLat(20, 20) as [number, number]] });
      expect(again.window.cached).toBe(true);
      expect(await badInput(host.propose({ image: image(), bbox: [lon - 0.001, lat - 0.001, lon + 0.001, lat + 0.001], model: 'fake-sam' }))).toMatch(/need a boundary model/);
    } finally {
      await host.close();
    }
  });

  it('a decoder without the SAM inputs is refused by name', async () => {
    const root = join(dir, 'sam-bad');
    const d = writeFakeSam(root, 'bad-sam');
    const m = JSON.parse((await import('node:fs')).readFileSync(join(d, 'model.json'), 'utf8'));
    const bytes = wrongSignatureOnnx();
    writeFileSync(join(d, 'decoder.onnx'), bytes);
    m.decoder.sha256 = (await import('./model-manifest')).sha256(bytes);
    writeFileSync(join(d, 'model.json'), JSON.stringify(m));
    const host = new SuggestHost({ modelDirs: [root], forceCpu: true });
    const [lon, lat] = toLonLat(50, 45);
    expect(await badInput(host.suggest({ image: image(), lon, lat, model: 'bad-sam' }))).toMatch(/bad-sam.*(wrong signature|cannot be loaded)/);
    await host.close();
  });
});
