/**
 * Suggestion telemetry from the edit log (issue 6): per labeller and per model, how many
 * suggestions were accepted as is, accepted and edited later (how far the vertices moved between
 * the accepted geometry and the field's final one), accepted and then deleted, rejected, and the
 * median time from preview to decision. Pure: the service hands in each assignment's log rows.
 *
 * Decisions are derived from the replayed history (Rapid-style): an accept or reject that was
 * undone and not redone does not count.
 */
import type { AddFieldCommand, EditCommand, RejectSuggestionCommand, SimpleCommand } from '../commands/types';
import type { EditPolygon } from '../editing/geom';
import type { Graph } from '../graph/graph';
import { replay } from '../history/edit-log';
import { laea } from '../quality/project';

export interface TelemetryLog {
  assignmentId: number;
  labellerId: string;
  /** the assignment's edit-log entries, in order */
  entries: unknown[];
}

export interface SuggestionTelemetryRow {
  labellerId: string;
  /** `id@version` */
  model: string;
  decisions: number;
  acceptedAsIs: number;
  acceptedEdited: number;
  acceptedThenDeleted: number;
  rejected: number;
  medianDecisionMs: number | null;
  /** over the edited accepts: mean and largest vertex displacement, metres */
  meanShiftM: number | null;
  maxShiftM: number | null;
}

export interface SuggestionTelemetry {
  /** one row per labeller and model */
  rows: SuggestionTelemetryRow[];
  /** per labeller (model '*') */
  byLabeller: SuggestionTelemetryRow[];
  /** per model (labeller '*') */
  byModel: SuggestionTelemetryRow[];
}

export interface Decision {
  labellerId: string;
  model: string;
  kind: 'asIs' | 'edited' | 'deleted' | 'rejected';
  decisionMs: number | null;
  /** edited accepts: largest vertex displacement, metres */
  shiftM: number | null;
}

/** A vertex counts as moved beyond this (metres): junction vertices added by neighbours do not move anything. */
export const MOVED_M = 0.05;

function segDist(p: [number, number], a: [number, number], b: [number, number]): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const l2 = dx * dx + dy * dy;
  const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

/** Largest distance (metres) from a vertex of either polygon to the other's outline: 0 when only junctions were added. */
export function vertexShiftM(a: EditPolygon, b: EditPolygon): number {
  const first = a.coordinates[0]![0]!;
  const pr = laea(first[0], first[1]);
  const proj = (g: EditPolygon) => g.coordinates.map((r) => r.map(([x, y]) => pr.forward(x, y)));
  const ra = proj(a);
  const rb = proj(b);
  const oneWay = (from: [number, number][][], to: [number, number][][]) => {
    let worst = 0;
    for (const ring of from)
      for (const p of ring) {
        let best = Infinity;
        for (const r of to) for (let i = 0; i + 1 < r.length; i++) best = Math.min(best, segDist(p, r[i]!, r[i + 1]!));
        worst = Math.max(worst, best);
      }
    return worst;
  };
  return Math.max(oneWay(ra, rb), oneWay(rb, ra));
}

const simple = (c: EditCommand): SimpleCommand[] => (c.type === 'batch' ? c.commands : [c]);
const modelOf = (c: AddFieldCommand | RejectSuggestionCommand) => (c.suggestion ? `${c.suggestion.model}@${c.suggestion.version}` : 'unknown');

/** The decisions of one assignment's log (its entries from each base on are replayed separately). */
export function decisionsOf(log: TelemetryLog): Decision[] {
  const segments: unknown[][] = [];
  for (const e of log.entries) {
    if ((e as { type?: unknown })?.type === 'history.base' || segments.length === 0) segments.push([]);
    segments[segments.length - 1]!.push(e);
  }
  const histories = segments.map((s) => replay(s));
  const last = histories.filter((h) => h !== null).at(-1)?.graph ?? null;
  const out: Decision[] = [];
  for (const h of histories) {
    if (!h) continue;
    const finalGraph: Graph = h.graph;
    for (let i = 1; i <= h.index; i++) {
      const entry = h.entries[i]!;
      if (!entry.command) continue;
      for (const c of simple(entry.command)) {
        if (c.type === 'suggestion.reject') {
          out.push({ labellerId: log.labellerId, model: modelOf(c), kind: 'rejected', decisionMs: c.suggestion?.decisionMs ?? null, shiftM: null });
        } else if (c.type === 'field.add' && c.provenance === 'suggested') {
          const accepted = entry.graph.get(c.id);
          const final = last?.get(c.id) ?? finalGraph.get(c.id);
          const base = { labellerId: log.labellerId, model: modelOf(c), decisionMs: c.suggestion?.decisionMs ?? null };
          if (!accepted || !final) out.push({ ...base, kind: 'deleted', shiftM: null });
          else {
            const shift = vertexShiftM(accepted.geometry, final.geometry);
            out.push(shift > MOVED_M ? { ...base, kind: 'edited', shiftM: shift } : { ...base, kind: 'asIs', shiftM: null });
          }
        }
      }
    }
  }
  return out;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function summarise(ds: Decision[], key: (d: Decision) => [string, string]): SuggestionTelemetryRow[] {
  const groups = new Map<string, Decision[]>();
  for (const d of ds) {
    const k = key(d).join('\u0000');
    const g = groups.get(k);
    if (g) g.push(d);
    else groups.set(k, [d]);
  }
  return [...groups.entries()]
    .map(([k, g]) => {
      const [labellerId, model] = k.split('\u0000') as [string, string];
      const shifts = g.flatMap((d) => (d.shiftM === null ? [] : [d.shiftM]));
      return {
        labellerId,
        model,
        decisions: g.length,
        acceptedAsIs: g.filter((d) => d.kind === 'asIs').length,
        acceptedEdited: g.filter((d) => d.kind === 'edited').length,
        acceptedThenDeleted: g.filter((d) => d.kind === 'deleted').length,
        rejected: g.filter((d) => d.kind === 'rejected').length,
        medianDecisionMs: median(g.flatMap((d) => (d.decisionMs === null ? [] : [d.decisionMs]))),
        meanShiftM: shifts.length ? shifts.reduce((a, b) => a + b, 0) / shifts.length : null,
        maxShiftM: shifts.length ? Math.max(...shifts) : null,
      };
    })
    .sort((a, b) => a.labellerId.localeCompare(b.labellerId) || a.model.localeCompare(b.model));
}

export function suggestionTelemetry(logs: readonly TelemetryLog[]): SuggestionTelemetry {
  const ds = logs.flatMap(decisionsOf);
  return {
    rows: summarise(ds, (d) => [d.labellerId, d.model]),
    byLabeller: summarise(ds, (d) => [d.labellerId, '*']),
    byModel: summarise(ds, (d) => ['*', d.model]),
  };
}
