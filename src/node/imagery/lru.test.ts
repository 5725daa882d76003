import { describe, expect, it } from 'vitest';
import { ByteLru } from './lru';

describe('ByteLru (the block and tile caches)', () => {
  it('evicts least recently used entries by bytes, never holding more than the bound', () => {
    const c = new ByteLru<string, number>(100);
    c.set('a', 1, 40);
    c.set('b', 2, 40);
    expect(c.get('a')).toBe(1); // a is now the most recent
    c.set('c', 3, 40); // 120 > 100: b goes
    expect(c.has('b')).toBe(false);
    expect(c.has('a')).toBe(true);
    expect(c.bytes).toBe(80);
    c.set('d', 4, 90); // a and c go
    expect([...['a', 'b', 'c', 'd'].filter((k) => c.has(k))]).toEqual(['d']);
    expect(c.stats()).toMatchObject({ bytes: 90, entries: 1, evictions: 3, maxBytes: 100, hits: 1 });
  });

  it('does not keep an entry larger than the bound; replacing an entry recounts its bytes', () => {
    const c = new ByteLru<string, string>(10);
    expect(c.set('big', 'x', 11)).toBe(false);
    expect(c.has('big')).toBe(false);
    c.set('k', 'v1', 6);
    c.set('k', 'v2', 3);
    expect(c.bytes).toBe(3);
    expect(c.get('k')).toBe('v2');
    expect(c.get('nope')).toBeUndefined();
    expect(c.stats().misses).toBe(1);
  });

  it('deleteWhere drops one image; resize evicts at once', () => {
    const c = new ByteLru<string, number>(1000);
    for (let i = 0; i < 10; i++) c.set(`${i % 2 ? 'a' : 'b'}#${i}`, i, 50);
    expect(c.deleteWhere((k) => k.startsWith('a#'))).toBe(5);
    expect(c.size).toBe(5);
    c.resize(120);
    expect(c.bytes).toBeLessThanOrEqual(120);
    expect(c.size).toBe(2);
  });
});
