/**
 * Learning from the campaign: a demo campaign's accepted labels (reference labels of Class 1
 * sites, approved assignments elsewhere) retrain a weak base model (the quick build); the new
 * model is written beside the database, measured against the base on held-out sites, adopted
 * (models/active.json) only when it beats it, and both are kept.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoCampaign } from '../demo/create-demo-campaign';
import { buildBoundaryModel } from './boundary/build';
import { QUICK_BUILD } from './boundary/build-cli';
import { boundaryManifest, encodeBoundaryModel, writeModelFolder } from './boundary/export';
import { listModels } from './model-manifest';
import { retrainFromCampaign } from './retrain';
import { sha256 } from './model-manifest';
import { SuggestHost } from './suggest-host';

const dir = mkdtempSync(join(tmpdir(), 'fieldmark-retrain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('retraining from the campaign', () => {
  it('fine-tunes on accepted labels, compares on held-out sites, adopts only a better model, keeps both', { timeout: 300_000 }, async () => {
    const demo = await createDemoCampaign({ outDir: join(dir, 'campaign'), seed: 4242, sites: 6, labellers: 3, quadSize: 1024 });
    const models = join(dir, 'campaign', 'models');
    const q = await buildBoundaryModel(QUICK_BUILD);
    const bytes = encodeBoundaryModel(q.weights, { id: 'weak-base', version: '0.1.0', description: 'quick build' });
    await writeModelFolder(join(models, 'weak-base'), bytes, boundaryManifest({ id: 'weak-base', version: '0.1.0', description: 'quick build', made: {} }, sha256(bytes), q.merge, q.post), q.weights);

    const r = await retrainFromCampaign({ dbPath: demo.db, baseModel: 'weak-base', hostOptions: { forceCpu: true }, epochs: 3, samplesPerWindow: 4000 });
    expect(r.sites).toBeGreaterThanOrEqual(2);
    expect(r.trainSites).toBeGreaterThan(0);
    expect(r.heldOutSites).toBeGreaterThan(0);
    expect(r.heldOutFields).toBeGreaterThan(0);
    expect(r.current.id).toBe('weak-base');
    // both models are kept
    const ids = listModels([models]).models.map((m) => m.manifest.id);
    expect(ids).toContain('weak-base');
    expect(ids).toContain(r.candidate.id);
    const cand = JSON.parse(readFileSync(join(r.candidate.dir, 'model.json'), 'utf8'));
    expect(cand.validation.current.id).toBe('weak-base');
    expect(cand.made.from).toMatch(/weak-base/);
    // adopted exactly when it beats the current model
    expect(r.adopted).toBe(r.candidate.meanIoU > r.current.meanIoU + 0.005);
    expect(existsSync(join(models, 'active.json'))).toBe(r.adopted);
    const host = new SuggestHost({ modelDirs: [models] });
    expect(host.defaultModel()).toBe(r.adopted ? r.candidate.id : 'boundary-v1');
    await host.close();
  });
});
