/**
 * Colours of label categories, shared by the map layers and the legend. The lab's four
 * categories get fixed colours that read well over both true- and false-colour imagery; other
 * campaign categories take the next free colour of their group's palette.
 */
import type { Category } from '../../src/common/api/contract';

const KNOWN: Record<string, string> = {
  annualcropland: '#ffd23f',
  field: '#ffd23f',
  fallow: '#ff8c42',
  noncropland: '#3ec1d3',
  unsure: '#e056fd',
};
const FIELD_PALETTE = ['#ffd23f', '#ff8c42', '#f25f5c', '#c6e377', '#ffb4a2'];
const NO_FIELD_PALETTE = ['#3ec1d3', '#7aa2f7', '#9ece6a', '#bb9af7', '#e056fd'];
export const FALLBACK_COLOUR = '#e0e0e0';

export function categoryColours(categories: readonly Category[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const c of categories) {
    const known = KNOWN[c.id.toLowerCase()];
    if (known && !used.has(known)) {
      out.set(c.id, known);
      used.add(known);
    }
  }
  for (const c of categories) {
    if (out.has(c.id)) continue;
    const palette = c.group === 'field' ? FIELD_PALETTE : NO_FIELD_PALETTE;
    const colour = palette.find((p) => !used.has(p)) ?? FALLBACK_COLOUR;
    out.set(c.id, colour);
    used.add(colour);
  }
  return out;
}

/** A MapLibre `match` expression colouring features by their `category` property. */
export function categoryColourExpression(colours: Map<string, string>): unknown {
  if (colours.size === 0) return FALLBACK_COLOUR;
  const expr: unknown[] = ['match', ['get', 'category']];
  for (const [id, colour] of colours) expr.push(id, colour);
  expr.push(FALLBACK_COLOUR);
  return expr;
}
