/**
 * Number formats and one-line explanations of the quality figures (DOMAIN.md 2-3), shared by the
 * feedback panel, the consensus panel and the quality tables.
 */
import type { AssignmentScores, TrustStatus } from '../../src/common/api/contract';

export function num(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

export function pct(v: number | null | undefined, digits = 0): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(digits)} %`;
}

export function metres(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : `${v.toFixed(1)} m`;
}

export const TRUST_TEXT: Record<TrustStatus, string> = {
  trusted: 'trusted',
  untrusted: 'untrusted: work is re-served',
  unscored: 'no Class 1 score yet',
};

export interface ScoreLine {
  key: keyof AssignmentScores;
  label: string;
  format: (v: number | null) => string;
  explain: string;
  /** One of the weighted score's components. */
  weighted?: boolean;
}

/** The feedback lines, weighted components first. */
export const SCORE_LINES: ScoreLine[] = [
  { key: 'area', label: 'Area', format: (v) => pct(v), weighted: true, explain: 'Share of the cell you classified right, field or not field.' },
  { key: 'fragmentation', label: 'Fields matched', format: (v) => pct(v), weighted: true, explain: 'Reference fields you matched one to one (over half of each overlaps the other); splitting or merging loses it.' },
  { key: 'edge', label: 'Edges', format: (v) => pct(v), weighted: true, explain: 'Share of your matched boundaries within 9 m (3 pixels) of the reference boundary.' },
  { key: 'categorical', label: 'Categories', format: (v) => pct(v), weighted: true, explain: 'Of the area you both mapped as field, the share with the same category.' },
  { key: 'fieldSkill', label: 'Fields found', format: (v) => pct(v), explain: 'Share of the reference field area inside the cell that you mapped.' },
  { key: 'noFieldSkill', label: 'Non-field kept clear', format: (v) => pct(v), explain: 'Share of the non-field area inside the cell that you left unmapped.' },
  { key: 'iou', label: 'Overlap (IoU)', format: (v) => num(v), explain: 'Field area in both maps over field area in either.' },
  { key: 'objectF1', label: 'Field F1', format: (v) => num(v), explain: 'Fields matched at IoU > 0.5, balancing missed and extra fields.' },
  { key: 'boundaryF', label: 'Boundary F', format: (v) => num(v), explain: 'Boundaries within 9 m of the other map, both ways.' },
  { key: 'meanBoundaryDistance', label: 'Boundary distance', format: (v) => metres(v), explain: 'Mean distance between your boundaries and the reference.' },
  { key: 'overSegmentation', label: 'Over-split', format: (v) => num(v), explain: 'How much reference fields were cut into pieces (0 is best).' },
  { key: 'underSegmentation', label: 'Under-split', format: (v) => num(v), explain: 'How much your fields ran over into neighbours (0 is best).' },
];
