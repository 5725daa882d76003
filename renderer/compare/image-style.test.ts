import { describe, expect, it } from 'vitest';
import { tileUrlTemplate } from '../../src/common/api/tiles';
import { compareValues } from '../quality/quality-view';
import { bandsLabel, canNdvi, DEFAULT_IMAGE_STYLE, tileOptionsFor } from './image-style';

const BGRN = { bands: 4, bandRoles: ['blue', 'green', 'red', 'nir'] };
const RGB = { bands: 3, bandRoles: ['red', 'green', 'blue'] };

describe('image style -> tile URL options', () => {
  it('true / false colour, a user triple, and NDVI where the scene has NIR and red', () => {
    expect(tileOptionsFor('true', DEFAULT_IMAGE_STYLE, BGRN).bands).toEqual([3, 2, 1]);
    expect(tileOptionsFor('false', DEFAULT_IMAGE_STYLE, BGRN).bands).toEqual([4, 3, 2]);
    expect(tileOptionsFor('custom', { ...DEFAULT_IMAGE_STYLE, custom: [4, 4, 1] }, BGRN).bands).toEqual([4, 4, 1]);
    expect(tileOptionsFor('ndvi', DEFAULT_IMAGE_STYLE, BGRN).mode).toBe('ndvi');
    expect(canNdvi(RGB)).toBe(false);
    // a scene that cannot show the combination falls back to its own bands
    expect(tileOptionsFor('false', DEFAULT_IMAGE_STYLE, RGB).bands).toEqual([3, 2, 1]);
    expect(tileOptionsFor('ndvi', DEFAULT_IMAGE_STYLE, RGB)).toMatchObject({ bands: [3, 2, 1] });
    expect(tileOptionsFor('ndvi', DEFAULT_IMAGE_STYLE, RGB).mode).toBeUndefined();
    expect(bandsLabel('ndvi', DEFAULT_IMAGE_STYLE)).toBe('ndvi');
    expect(bandsLabel('custom', { custom: [1, 2, 3] })).toBe('1,2,3');
  });

  it('carries the stretch and tone into the URL (the same for every date)', () => {
    const style = { ...DEFAULT_IMAGE_STYLE, stretch: [1, 99] as [number, number], gamma: 1.4, brightness: -0.1, contrast: 1.2 };
    const a = tileUrlTemplate('http://h', 'a', tileOptionsFor('true', style, BGRN));
    const b = tileUrlTemplate('http://h', 'b', tileOptionsFor('true', style, BGRN));
    expect(a).toBe('http://h/tiles/a/{z}/{x}/{y}.png?bands=3,2,1&stretch=1,99&gamma=1.4&brightness=-0.1&contrast=1.2');
    expect(b.replace('/b/', '/a/')).toBe(a);
    expect(tileUrlTemplate('http://h', 'a', tileOptionsFor('ndvi', style, BGRN))).toContain('mode=ndvi');
    // neutral tone adds nothing
    expect(tileUrlTemplate('http://h', 'a', tileOptionsFor('true', DEFAULT_IMAGE_STYLE, BGRN))).toBe('http://h/tiles/a/{z}/{x}/{y}.png?bands=3,2,1&stretch=2,98');
  });
});

describe('quality table order', () => {
  it('sorts numbers numerically, text naturally, empty values last in both directions', () => {
    const vals = [0.1, null, 0.5, 0.02];
    expect([...vals].sort((a, b) => compareValues(a, b, -1))).toEqual([0.5, 0.1, 0.02, null]);
    expect([...vals].sort((a, b) => compareValues(a, b, 1))).toEqual([0.02, 0.1, 0.5, null]);
    expect(['GH10', 'GH9', null, 'GH100'].sort((a, b) => compareValues(a, b, 1))).toEqual(['GH9', 'GH10', 'GH100', null]);
  });
});
