import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import { parseTilePath, tileUrlTemplate } from './tiles';

const q = (s: string) => new URLSearchParams(s);

describe('tile URLs', () => {
  it('old URLs parse exactly as before (no new keys)', () => {
    expect(parseTilePath('/tiles/s1/15/3/4.png', q('bands=4,3,2&stretch=1,99&size=512'))).toEqual({ sceneId: 's1', z: 15, x: 3, y: 4, bands: [4, 3, 2], stretch: [1, 99], size: 512 });
    expect(parseTilePath('/tiles/s1/1/0/0.png', q(''))).toEqual({ sceneId: 's1', z: 1, x: 0, y: 0, bands: [3, 2, 1], stretch: [2, 98], size: 256 });
  });

  it('mode, gamma, brightness and contrast', () => {
    expect(parseTilePath('/tiles/s1/1/0/0.png', q('mode=ndvi&gamma=1.4&brightness=-0.1&contrast=1.2'))).toMatchObject({ mode: 'ndvi', gamma: 1.4, brightness: -0.1, contrast: 1.2 });
    // defaults are left out, so caches key equal tiles equally
    const d = parseTilePath('/tiles/s1/1/0/0.png', q('mode=rgb&gamma=1&brightness=0&contrast=1'));
    expect('mode' in d || 'gamma' in d || 'brightness' in d || 'contrast' in d).toBe(false);
    expect(parseTilePath('/tiles/s1/1/0/0.png', q('mode=mask')).mode).toBe('mask');
  });

  it('rejects bad values with BAD_ARGUMENTS', () => {
    for (const s of ['mode=hsv', 'gamma=0', 'gamma=11', 'gamma=abc', 'brightness=2', 'contrast=-1', 'contrast=1e3', 'gamma=']) {
      let err: unknown;
      try {
        parseTilePath('/tiles/s1/1/0/0.png', q(s));
      } catch (e) {
        err = e;
      }
      expect(err, s).toBeInstanceOf(ApiError);
      expect((err as ApiError).code, s).toBe('BAD_ARGUMENTS');
    }
  });

  it('templates carry the new options only when not default, and parse back', () => {
    expect(tileUrlTemplate('http://h', 's1', { bands: [4, 3, 2] })).toBe('http://h/tiles/s1/{z}/{x}/{y}.png?bands=4,3,2&stretch=2,98');
    const url = tileUrlTemplate('http://h', 's1', { mode: 'ndvi', gamma: 0.8, brightness: 0.05, contrast: 1.5 }).replace('{z}/{x}/{y}', '3/1/2');
    const u = new URL(url);
    expect(parseTilePath(u.pathname, u.searchParams)).toMatchObject({ z: 3, x: 1, y: 2, mode: 'ndvi', gamma: 0.8, brightness: 0.05, contrast: 1.5 });
  });
});
