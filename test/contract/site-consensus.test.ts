/**
 * A Class 4 site is merged as soon as it has its labellersPerClass4 finished maps (issue 8): the
 * review queue ranks it by consensus risk without `fieldmark consensus` having run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldmarkApi } from '../../src/common/api/contract';
import { makeCampaignFixture, mapAndSubmit, type CampaignFixture } from '../fixtures/campaign-fixture';
import { inProcessClient } from './transports';

async function until(cond: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('consensus when a Class 4 site is complete', () => {
  let fx: CampaignFixture;
  beforeAll(async () => {
    fx = await makeCampaignFixture({ qRate: 0 });
  });
  afterAll(() => fx?.service.close());

  /** Works through tasks until the Class 4 site has been mapped by this labeller. */
  async function mapClass4(api: FieldmarkApi, how: 'good' | 'bad'): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const t = await api.nextTask();
      if (!t) throw new Error('no task left before the Class 4 site');
      const isN = t.site.id === fx.sites.n[0];
      await mapAndSubmit(api, t, isN ? how : 'good');
      if (isN) return;
    }
    throw new Error('the Class 4 site was never served');
  }

  it('computes the Bayes consensus and its risk map after the second map, not after the first', async () => {
    const site = fx.sites.n[0]!;
    const a = inProcessClient(fx.service, { userId: fx.users.a.id, role: 'labeller' });
    const b = inProcessClient(fx.service, { userId: fx.users.b.id, role: 'labeller' });
    await mapClass4(a, 'good');
    await new Promise((r) => setTimeout(r, 100));
    const first = (await fx.admin.listReviewQueue({ kind: 'site' })).find((i) => i.siteId === site);
    expect(first?.meanRisk ?? null).toBeNull();

    await mapClass4(b, 'bad');
    await until(async () => ((await fx.admin.listReviewQueue({ kind: 'site' })).find((i) => i.siteId === site)?.meanRisk ?? null) !== null);
    const item = (await fx.admin.listReviewQueue({ kind: 'site' })).find((i) => i.siteId === site)!;
    expect(item.meanRisk).toBeGreaterThan(0); // the two maps disagree
    expect(item.reason).toMatch(/consensus mean risk/);
    const c = await fx.admin.getConsensus(site, 'bayes');
    expect(c.consensus.type).toBe('MultiPolygon');
    expect(existsSync(join(fx.dir, 'consensus', `${site}_bayes_risk.tif`))).toBe(true);
  });
});
