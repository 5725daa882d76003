/**
 * Validation issues (after iD's validations): a rule looks at one field with its neighbours and
 * returns issues with a severity and one-click fixes (each fix is an edit command). Errors block
 * submitting a task; warnings only inform.
 */
import type { EditCommand } from '../commands/types';
import type { BBox } from '../geo/geojson';
import type { Field } from '../graph/field';

export type Severity = 'error' | 'warning';
export type RuleId = 'self-intersection' | 'overlap' | 'min-area' | 'spike' | 'outside-cell' | 'duplicate' | 'category';

export interface Fix {
  label: string;
  command: EditCommand;
}

export interface Issue {
  /** stable: rule + field ids (a pair issue has one id whichever field found it) */
  id: string;
  rule: RuleId;
  severity: Severity;
  fieldIds: string[];
  message: string;
  /** where to zoom */
  bbox: BBox;
  fixes: Fix[];
}

export interface ValidationContext {
  /** Campaign minimum field area (DOMAIN.md: e.g. 400 m^2). */
  minAreaM2: number;
  /** The site cell; null skips the outside-cell rule. */
  cell: BBox | null;
  /** A field whose nearest point is farther than this outside the cell is an error (else a warning). */
  farOutsideM: number;
  /** The campaign's category ids; null skips the category rule. */
  categories: readonly string[] | null;
  /** Edges shorter than this (m) are flagged. */
  minEdgeM: number;
  /** Interior angles sharper than this (degrees) are spikes. */
  spikeDegrees: number;
}

export const DEFAULT_CONTEXT: ValidationContext = {
  minAreaM2: 400,
  cell: null,
  farOutsideM: 100,
  categories: null,
  minEdgeM: 0.5,
  spikeDegrees: 8,
};

export interface Rule {
  id: RuleId;
  /** `neighbours`: the other fields whose boxes touch this one's. */
  check(field: Field, neighbours: readonly Field[], ctx: ValidationContext): Issue[];
}

export function pairId(rule: RuleId, a: string, b: string): string {
  return a < b ? `${rule}:${a}:${b}` : `${rule}:${b}:${a}`;
}

export function fmtArea(m2: number): string {
  return m2 >= 10_000 ? `${(m2 / 10_000).toFixed(2)} ha` : `${Math.round(m2)} m²`;
}
