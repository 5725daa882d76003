/**
 * The suggestion methods of the API, in-process through dispatch and over HTTP: a click on a
 * scene gives a polygon with its provenance; a labeller reaches only the scenes of their sites;
 * proposals drop fields already mapped; arguments are validated; retraining is staff-only; the
 * campaign's other dates of the scene's grid are used (and named) where the caller sees them.
 */
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/common/api/contract';
import { overlapM2 } from '../../src/common/suggest/geo';
import { openService } from '../../src/node/service/open-service';
import type { FieldmarkService } from '../../src/node/service/fieldmark-service';
import type { RunningServer } from '../../src/node/server/http-server';
import { openDatabase } from '../../src/node/store/database';
import { insertSite, sceneById, insertScene } from '../../src/node/store/site.repo';
import { MINI, makeMiniCampaign, square } from '../fixtures/mini-campaign';
import { httpRaw, inProcessClient, inProcessRaw, startTestServer } from './transports';

const ADMIN: Caller = { userId: null, role: 'admin' };
const LAB_A: Caller = { userId: MINI.labellerA, role: 'labeller' };
const OFF_SEASON = 'scene-2024-12-15';

let service: FieldmarkService;
let server: RunningServer;
beforeAll(async () => {
  const { db } = await makeMiniCampaign();
  // an off-season date of the same quad, on a site no labeller has
  copyFileSync(join(dirname(db), 'scene.tif'), join(dirname(db), 'scene-dry.tif'));
  const raw = openDatabase(db);
  const first = sceneById(raw, MINI.scene)!;
  insertScene(raw, { ...first, id: OFF_SEASON, path: 'scene-dry.tif', date: '2024-12-15', season: 'off' });
  insertSite(raw, { id: 'site-dry-only', campaignId: 'mini', cls: 2, cell: square(-0.9, 9.39, 0.005), sceneIds: [OFF_SEASON] });
  raw.close();
  service = await openService({ dbPath: db });
  server = await startTestServer(service);
});
afterAll(async () => {
  await server.close();
  service.close();
});

// the mini scene: 64-px squares of two kinds from (-0.92, 9.402), 4.777 m pixels
const DEG = 4.777314267823516 / 111319.49079327357; // web-mercator metres per degree of longitude
const at = (x: number, y: number): [number, number] => [-0.92 + x * DEG, 9.402 - y * DEG * Math.cos((9.39 * Math.PI) / 180)];

describe('suggestAt / proposeView / getSuggestionInfo', () => {
  it('a click gives a field polygon with its provenance (model, provider, prompt)', async () => {
    const api = inProcessClient(service, ADMIN);
    const [lon, lat] = at(96, 160);
    const r = await api.suggestAt(MINI.scene, { lon, lat });
    expect(r.polygon.type).toBe('Polygon');
    expect(r.provenance.sceneId).toBe(MINI.scene);
    expect(r.provenance.model.id).toBe('boundary-v1');
    expect(r.provenance.prompt).toMatchObject({ lon, lat });
    expect(typeof r.provenance.executionProvider).toBe('string');
    // one 64 x 64 px square of 4.78 m
    expect(r.areaM2).toBeGreaterThan(0.6 * 64 * 64 * 22.8);
    expect(r.areaM2).toBeLessThan(1.4 * 64 * 64 * 22.8);
    const info = await api.getSuggestionInfo();
    expect(info.defaultModel).toBe('boundary-v1');
    expect(info.engine?.executionProvider).toBeTruthy();
    expect(info.models.find((m) => m.id === 'boundary-v1')?.validation).toBeTruthy();
  });

  it('proposals: best first, above the campaign minimum area, without fields already mapped', async () => {
    const api = inProcessClient(service, ADMIN);
    const bbox: [number, number, number, number] = [-0.9195, 9.381, -0.9005, 9.4015];
    const r = await api.proposeView(MINI.scene, bbox);
    expect(r.minAreaM2).toBe(400);
    expect(r.proposals.length).toBeGreaterThan(5);
    for (let i = 1; i < r.proposals.length; i++) expect(r.proposals[i - 1]!.score).toBeGreaterThanOrEqual(r.proposals[i]!.score);
    for (const p of r.proposals) expect(p.areaM2).toBeGreaterThanOrEqual(400);
    // labels of assignment 1 cover (-0.909, 9.386) + 0.001: nothing proposed mostly over them
    const mapped = [square(-0.909, 9.386, 0.001), square(-0.907, 9.386, 0.001)];
    const withAssignment = await api.proposeView(MINI.scene, bbox, { assignmentId: 1 });
    for (const p of withAssignment.proposals) expect(overlapM2(p.polygon, mapped)).toBeLessThanOrEqual(0.2 * p.areaM2 + 1);
  });

  it('a labeller reaches only the scenes of their own sites; retraining is staff-only', async () => {
    const lab = inProcessRaw(service, LAB_A);
    const [lon, lat] = at(96, 160);
    expect((await lab('suggestAt', [MINI.scene, { lon, lat }])).ok).toBe(true);
    const other = await lab('suggestAt', ['scene-of-nobody', { lon, lat }]);
    expect(other.ok ? null : other.error.code).toBe('NOT_FOUND');
    const retrain = await lab('retrainSuggestionModel', []);
    expect(retrain.ok ? null : retrain.error.code).toBe('FORBIDDEN');
  });

  it('arguments are validated before anything runs (in-process and over HTTP)', async () => {
    for (const call of [inProcessRaw(service, ADMIN), httpRaw(server.url)]) {
      for (const args of [[MINI.scene, {}], [MINI.scene, { lon: 200, lat: 9.39 }], [MINI.scene, { lon: -0.91 }], [MINI.scene, { lon: -0.91, lat: 9.39, extra: 1 }]]) {
        const r = await call('suggestAt', args);
        expect(r.ok ? null : r.error.code, JSON.stringify(args)).toBe('BAD_ARGUMENTS');
      }
      const bad = await call('proposeView', [MINI.scene, [1, 2, 0, 3]]);
      expect(bad.ok ? null : bad.error.code).toBe('BAD_ARGUMENTS');
    }
  });

  it("the scene's other dates on its grid are averaged in and named, where the caller sees them", async () => {
    const [lon, lat] = at(96, 160);
    const staff = inProcessClient(service, ADMIN);
    const r = await staff.suggestAt(MINI.scene, { lon, lat });
    expect(r.provenance.otherSceneIds).toEqual([OFF_SEASON]);
    expect((await staff.suggestAt(MINI.scene, { lon, lat, otherDates: false })).provenance.otherSceneIds).toEqual([]);
    const bbox: [number, number, number, number] = [-0.9195, 9.381, -0.9005, 9.4015];
    expect((await staff.proposeView(MINI.scene, bbox)).provenance.otherSceneIds).toEqual([OFF_SEASON]);
    expect((await staff.proposeView(MINI.scene, bbox, { otherDates: false })).provenance.otherSceneIds).toEqual([]);
    // the labeller has no site with the off-season scene: it is not used for them
    const lab = inProcessClient(service, LAB_A);
    expect((await lab.suggestAt(MINI.scene, { lon, lat })).provenance.otherSceneIds).toEqual([]);
    const bad = await inProcessRaw(service, ADMIN)('suggestAt', [MINI.scene, { lon, lat, otherDates: 'yes' }]);
    expect(bad.ok ? null : bad.error.code).toBe('BAD_ARGUMENTS');
  });

  it('a click outside the scene is BAD_INPUT with one line', async () => {
    const r = await inProcessRaw(service, ADMIN)('suggestAt', [MINI.scene, { lon: 10, lat: 50 }]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('BAD_INPUT');
      expect(r.error.message).toMatch(/lies outside/);
    }
  });
});
