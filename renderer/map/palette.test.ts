import { describe, expect, it } from 'vitest';
import { categoryColourExpression, categoryColours, FALLBACK_COLOUR } from './palette';

describe('category colours', () => {
  it('gives the lab categories fixed, distinct colours and others the next free one of their group', () => {
    const c = categoryColours([
      { id: 'annualcropland', group: 'field' },
      { id: 'fallow', group: 'field' },
      { id: 'noncropland', group: 'no_field' },
      { id: 'unsure', group: 'no_field' },
      { id: 'orchard', group: 'field' },
      { id: 'water', group: 'no_field' },
    ]);
    expect(new Set(c.values()).size).toBe(6);
    expect(c.get('annualcropland')).toBe('#ffd23f');
  });

  it('builds a match expression with a fallback', () => {
    expect(categoryColourExpression(new Map())).toBe(FALLBACK_COLOUR);
    expect(categoryColourExpression(new Map([['a', '#111111']]))).toEqual(['match', ['get', 'category'], 'a', '#111111', FALLBACK_COLOUR]);
  });
});
