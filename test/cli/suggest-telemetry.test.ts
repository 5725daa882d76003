/**
 * `fieldmark suggest --telemetry --db FILE [--json]` as a user runs it: a campaign whose labeller
 * accepted one suggestion as is, accepted one and moved it 20 m, rejected one, and accepted one
 * that was undone (it does not count); the figures per labeller and per model, as JSON and as
 * text; bad arguments exit 2 with one line.
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/common/api/contract';
import type { EditCommand, SuggestionMeta } from '../../src/common/commands/types';
import type { SuggestionTelemetry } from '../../src/common/suggest/telemetry';
import { openService } from '../../src/node/service/open-service';
import { inProcessClient } from '../contract/transports';
import { MINI, makeMiniCampaign, square } from '../fixtures/mini-campaign';
import { BUILT, runCli } from './run-cli';

const ADMIN: Caller = { userId: null, role: 'admin' };
const meta = (decisionMs: number): SuggestionMeta => ({
  sceneId: MINI.scene,
  model: 'boundary-v1',
  version: '1.0.0',
  provider: 'cpu',
  prompt: { lon: -0.9, lat: 9.39 },
  score: 0.9,
  decisionMs,
});
const accept = (id: string, lon: number, decisionMs: number): EditCommand => ({
  type: 'field.add',
  id,
  category: 'annualcropland',
  geometry: square(lon, 9.391, 0.0008) as never,
  provenance: 'suggested',
  suggestionId: `s-${id}`,
  suggestion: meta(decisionMs),
  trim: 0,
});

describe.skipIf(!BUILT)('fieldmark suggest --telemetry', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    ({ dir, db } = await makeMiniCampaign());
    const service = await openService({ dbPath: db });
    try {
      const api = inProcessClient(service, ADMIN);
      const raw = new Database(db, { readonly: true });
      const task = raw.prepare(`SELECT id FROM assignments WHERE labeller_id = ? AND status = 'assigned'`).pluck().get(MINI.labellerB) as number;
      raw.close();
      let rev = (await api.openTask(task)).revision;
      const edit = async (c: EditCommand) => (rev = (await api.editTask(task, rev, c)).revision);
      await edit(accept('a1', -0.904, 1000));
      await edit(accept('a2', -0.9025, 3000));
      // 0.0002 degrees of longitude at 9.39 N: about 22 m
      await edit({ type: 'field.move', ids: ['a2'], delta: [0.0002, 0] });
      await edit({ type: 'suggestion.reject', suggestionId: 's-r1', suggestion: meta(2000) });
      await edit(accept('u1', -0.9012, 500));
      rev = (await api.undoTask(task, rev)).revision;
    } finally {
      service.close();
    }
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--json: the API figures per labeller and per model (undone decisions left out)', () => {
    const r = runCli(['suggest', '--telemetry', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const t = JSON.parse(r.stdout) as SuggestionTelemetry;
    const want = { decisions: 3, acceptedAsIs: 1, acceptedEdited: 1, acceptedThenDeleted: 0, rejected: 1, medianDecisionMs: 2000 };
    expect(t.byLabeller).toEqual([expect.objectContaining({ labellerId: MINI.labellerB, model: '*', ...want })]);
    expect(t.byModel).toEqual([expect.objectContaining({ labellerId: '*', model: 'boundary-v1@1.0.0', ...want })]);
    expect(t.byModel[0]!.meanShiftM).toBeGreaterThan(18);
    expect(t.byModel[0]!.meanShiftM).toBeLessThan(26);
  });

  it('text: a table per labeller and per model', () => {
    const r = runCli(['suggest', '--telemetry', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('3 suggestion decisions (undone ones do not count)');
    expect(lines).toContain('per labeller');
    expect(lines).toContain('per model');
    expect(lines.some((l) => /^lab-b\s+3\s+1\s+1\s+2\d\.\d\s+0\s+1\s+2\.0$/.test(l))).toBe(true);
    expect(lines.some((l) => /^boundary-v1@1\.0\.0\s+3\s+1\s+1\s+/.test(l))).toBe(true);
  });

  it('bad arguments and bad input: exit 2, one line', () => {
    for (const [args, msg] of [
      [['suggest', '--telemetry'], /--telemetry needs --db FILE/],
      [['suggest', '--telemetry', '--db', join(dir, 'missing.db')], /cannot open database/],
      [['suggest', '--telemetry', '--db', join(dir, 'scene.tif')], /not a Fieldmark database|cannot open/],
    ] as const) {
      const r = runCli([...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
  });
});
