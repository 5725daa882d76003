import type { SiteClass } from '../../src/common/api/contract';

/** The platform's letters for task classes (DOMAIN.md 1). */
export const CLASS_LETTER: Record<SiteClass, string> = { 1: 'Q', 2: 'F', 4: 'N' };
export const CLASS_TITLE: Record<SiteClass, string> = {
  1: 'Class 1 (Q): quality control, scored against a reference',
  2: 'Class 2 (F): mapped once',
  4: 'Class 4 (N): mapped by several labellers, merged into a consensus',
};

export const CLASS_SHORT: Record<SiteClass, string> = { 1: 'quality control', 2: 'single labeller', 4: 'multi-labeller' };

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A scene date as `2024-03-14` (ISO dates pass through; timestamps are cut to the day). */
export function shortDate(date: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(date) ? date.slice(0, 10) : date;
}

export function coord(v: number): string {
  return v.toFixed(5);
}
