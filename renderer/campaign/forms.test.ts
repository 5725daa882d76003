import { describe, expect, it } from 'vitest';
import { CAMPAIGN_METHODS } from '../../src/common/api/campaign-schemas';
import { CAMPAIGN_DEFAULTS } from '../../src/common/api/campaign-defaults';
import {
  checkPassword,
  checkUserName,
  formatCategories,
  FormError,
  parseAddSites,
  parseCategories,
  parseCentres,
  parseOptionalNumber,
  parseSettings,
  parseSiteIds,
  signInLink,
  type SettingsText,
  type SitesText,
} from './forms';

const EMPTY_SETTINGS: SettingsText = {
  categories: '',
  wArea: '',
  wFragmentation: '',
  wEdge: '',
  wCategorical: '',
  qRate: '',
  trustThreshold: '',
  rejectBelow: '',
  labellersPerClass4: '',
  minFieldAreaM2: '',
  qualificationPassScore: '',
  taskTimeoutHours: '',
};

const SITES: SitesText = { mode: 'bbox', west: '-1.25', south: '9.40', east: '-1.23', north: '9.42', centres: '', country: 'gh', cls: '2', q: '', n: '', seed: '', qualification: false };

describe('setup form parsing', () => {
  it('numbers: empty is the default, text and out-of-range values name the field', () => {
    expect(parseOptionalNumber('  ', 'Q rate')).toBeUndefined();
    expect(parseOptionalNumber(' 0.25 ', 'Q rate', { min: 0, max: 1 })).toBe(0.25);
    expect(parseOptionalNumber('1e3', 'area')).toBe(1000);
    expect(() => parseOptionalNumber('0.2x', 'Q rate')).toThrow('Q rate: "0.2x" is not a number');
    expect(() => parseOptionalNumber('Infinity', 'Q rate')).toThrow(FormError);
    expect(() => parseOptionalNumber('1.5', 'Q rate', { max: 1 })).toThrow('Q rate: must be at most 1');
    expect(() => parseOptionalNumber('2.5', 'labellers', { integer: true })).toThrow('whole number');
  });

  it('categories: one a line with its group, round trip with formatCategories', () => {
    expect(parseCategories('')).toBeUndefined();
    const cats = parseCategories('maize field\nbush: no_field\n\n rice , field \nwater = no-field');
    expect(cats).toEqual([
      { id: 'maize', group: 'field' },
      { id: 'bush', group: 'no_field' },
      { id: 'rice', group: 'field' },
      { id: 'water', group: 'no_field' },
    ]);
    expect(parseCategories(formatCategories(CAMPAIGN_DEFAULTS.categories))).toEqual(CAMPAIGN_DEFAULTS.categories);
    expect(() => parseCategories('maize crop')).toThrow('line 1: the group must be field or no_field');
    expect(() => parseCategories('maize field\nmaize no_field')).toThrow('"maize" is listed twice');
    expect(() => parseCategories('bush no_field')).toThrow('at least one must be in the field group');
    expect(() => parseCategories('maize')).toThrow('line 1');
    expect(() => parseCategories('ma/ize field')).toThrow('may contain only');
  });

  it('settings: only typed fields are sent; a partial set of weights is completed from the base; the server schema accepts the result', () => {
    expect(parseSettings(EMPTY_SETTINGS)).toEqual({});
    const s = parseSettings({ ...EMPTY_SETTINGS, wEdge: '0.2', qRate: '0.02', labellersPerClass4: '5', taskTimeoutHours: '48', categories: 'a field\nb no_field' });
    expect(s).toEqual({
      categories: [
        { id: 'a', group: 'field' },
        { id: 'b', group: 'no_field' },
      ],
      weights: { ...CAMPAIGN_DEFAULTS.weights, edge: 0.2 },
      qRate: 0.02,
      labellersPerClass4: 5,
      taskTimeoutHours: 48,
    });
    expect(CAMPAIGN_METHODS.createCampaign.args.safeParse([{ name: 'Ghana', settings: s }]).success).toBe(true);
    expect(CAMPAIGN_METHODS.updateCampaign.args.safeParse([{ ...s, name: 'Ghana' }]).success).toBe(true);
    expect(() => parseSettings({ ...EMPTY_SETTINGS, wArea: '0', wFragmentation: '0', wEdge: '0', wCategorical: '0' })).toThrow('must not all be 0');
    expect(() => parseSettings({ ...EMPTY_SETTINGS, labellersPerClass4: '1' })).toThrow('labellers per Class 4 site: must be at least 2');
    expect(() => parseSettings({ ...EMPTY_SETTINGS, trustThreshold: '-2' })).toThrow('trust threshold');
  });

  it('add sites: a box or centres, one class or a split, upper-cased country; the server schema accepts it', () => {
    const box = parseAddSites(SITES);
    expect(box).toEqual({ area: { bbox: [-1.25, 9.4, -1.23, 9.42] }, country: 'GH', cls: 2 });
    const split = parseAddSites({ ...SITES, mode: 'centres', centres: '-1.2475, 9.4125\n-1.2425 9.4125; 10,20', cls: 'split', q: '0.2', n: '0.3', seed: '42' });
    expect(split).toEqual({
      area: {
        centres: [
          [-1.2475, 9.4125],
          [-1.2425, 9.4125],
          [10, 20],
        ],
      },
      country: 'GH',
      shares: { q: 0.2, n: 0.3 },
      seed: 42,
    });
    const qual = parseAddSites({ ...SITES, cls: '1', qualification: true });
    expect(qual).toMatchObject({ cls: 1, qualification: true });
    for (const spec of [box, split, qual]) expect(CAMPAIGN_METHODS.addSites.args.safeParse([spec]).success).toBe(true);
    expect(() => parseAddSites({ ...SITES, west: '-1.2', east: '-1.3' })).toThrow('west must be less than east');
    expect(() => parseAddSites({ ...SITES, north: '' })).toThrow('north: required');
    expect(() => parseAddSites({ ...SITES, country: 'GHA' })).toThrow('country');
    expect(() => parseAddSites({ ...SITES, cls: 'split', q: '0.7', n: '0.4' })).toThrow('sum to at most 1');
    expect(() => parseAddSites({ ...SITES, cls: '2', qualification: true })).toThrow('qualification sites are Class 1');
    expect(() => parseCentres('10')).toThrow('item 1');
    expect(() => parseCentres('200, 10')).toThrow('longitude: must be at most 180');
  });

  it('qualification set ids keep their order and refuse duplicates', () => {
    expect(parseSiteIds('GH0000002\nGH0000001, GH0000003')).toEqual(['GH0000002', 'GH0000001', 'GH0000003']);
    expect(parseSiteIds('  ')).toEqual([]);
    expect(() => parseSiteIds('GH1 GH1')).toThrow('GH1 is listed twice');
    expect(() => parseSiteIds('GH<1>')).toThrow('is not a site id');
  });

  it('users: names, passwords and the sign-in link', () => {
    expect(checkUserName('  Ama Mensah ')).toBe('Ama Mensah');
    expect(() => checkUserName('   ')).toThrow('name: required');
    expect(checkPassword('', true)).toBeUndefined();
    expect(() => checkPassword('short')).toThrow('at least 8');
    expect(checkPassword('long enough')).toBe('long enough');
    expect(signInLink('http://10.0.0.5:8080', 'a+b/c=')).toBe('http://10.0.0.5:8080/?token=a%2Bb%2Fc%3D');
  });
});
